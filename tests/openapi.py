"""HubSpot's published OpenAPI schema as jsonschema validators, for tests.

The specs live in ../shared/openapi beside a developer's checkout and CI's, never in a user's
clone: there the tests that need them skip, saying why.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from functools import cache
from typing import Any

import pytest

from tests.conftest import SHARED

SPEC = SHARED / "openapi" / "marketingEvents.v3.json"


def require_spec() -> None:
    if not SPEC.exists():
        pytest.skip(
            f"HubSpot's OpenAPI spec is not beside this checkout ({SPEC}); it is only in the "
            "developers' and CI's workspace"
        )


@cache
def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    # HubSpot marks ~20 internal PropertyValue fields as required, yet its own guide writes
    # custom properties as {name, value}: hold requests to what the guide says
    schemas["PropertyValue"] = copy.deepcopy(schemas["PropertyValue"])
    schemas["PropertyValue"]["required"] = ["name", "value"]
    return spec


def validate(schema_name: str, instance: object) -> None:
    """Raise jsonschema.ValidationError when ``instance`` does not fit the named schema."""
    import jsonschema

    require_spec()
    spec = _spec()
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _is_datetime(value: object) -> bool:
        if isinstance(value, str):
            datetime.fromisoformat(value)
        return True

    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.Draft7Validator(schema, format_checker=checker).validate(instance)
