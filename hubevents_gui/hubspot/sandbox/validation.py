"""What the sandbox accepts in an upsert, and the whole-batch 400 it gives for the rest."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from hubevents_gui.core.zones import utc_text
from hubevents_gui.hubspot.sandbox.config import SandboxResponse, error_body

REQUIRED = ("externalAccountId", "externalEventId", "eventName", "eventOrganizer")
TEXT_FIELDS = ("eventName", "eventOrganizer", "eventType", "eventDescription", "eventUrl")
DATE_FIELDS = ("startDateTime", "endDateTime")
BOOL_FIELDS = ("eventCancelled", "eventCompleted")
ECHOED = (*TEXT_FIELDS, *DATE_FIELDS, *BOOL_FIELDS)

#: (input index or None for the whole body, field, message)
Problem = tuple[int | None, str, str]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})")


def parse_iso(value: object) -> datetime | None:
    """A date-time as HubSpot accepts it: ISO 8601 with a zone; None for anything else."""
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@lru_cache(maxsize=65536)
def stored_date(value: str) -> str | None:
    """HubSpot's UTC form of an accepted date-time, None when it is not accepted (cached: a
    batch's dates repeat, and the server must not be the bottleneck of a benchmark)."""
    parsed = parse_iso(value)
    if parsed is None:
        return None
    try:
        # exact, from the datetime itself: through float seconds, .136 came back as .135 for
        # dates far in the future
        return utc_text(parsed)
    except (ValueError, OverflowError, OSError):  # 0001-01-01T00:30+01:00 is in year 0 in UTC
        return None


#: what :func:`parse_json` answers for a body that is not JSON (None is JSON's null)
NOT_JSON = object()


def parse_json(body: bytes, empty: Any) -> Any:
    """The body's JSON value (``empty`` for no body), or ``NOT_JSON``."""
    if not body:
        return empty
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: [[[[...]]]] nested 100,000 deep
        return NOT_JSON


def check_input(index: int, item: object) -> list[Problem]:
    if not isinstance(item, dict):
        return [(index, "", "each input must be an object")]
    problems: list[Problem] = []
    for name in REQUIRED:
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append((index, name, f"{name} is required and must be a non-empty string"))
    if not isinstance(item.get("customProperties"), list):
        problems.append((index, "customProperties", "customProperties is required (send [])"))
    else:
        for prop in item["customProperties"]:
            if not isinstance(prop, dict) or not isinstance(prop.get("name"), str):
                problems.append((index, "customProperties", "each property needs a name"))
            elif "value" in prop and not isinstance(prop["value"], str):
                problems.append((index, "customProperties", "property values must be strings"))
    for name in DATE_FIELDS:
        if name not in item:
            continue
        value = item[name]
        if not isinstance(value, str):
            problems.append((index, name, f"{name} must be an ISO 8601 date-time string"))
        elif stored_date(value) is None:
            shown = value if len(value) <= 40 else value[:40] + "…"
            problems.append(
                (index, name, f"{shown!r} is not an ISO 8601 date-time with a zone, years 1-9999")
            )
    for name in BOOL_FIELDS:
        if name in item and not isinstance(item[name], bool):
            problems.append((index, name, f"{name} must be true or false"))
    for name in TEXT_FIELDS:
        if name in item and not isinstance(item[name], str):
            problems.append((index, name, f"{name} must be a string"))
    return problems


def validation_error(problems: list[Problem], detail: str = "first") -> SandboxResponse:
    """400 for the whole batch; errors name the offending inputs (first only by default)."""
    shown = problems[:1] if detail == "first" else problems
    first_index, first_field, first_message = problems[0]
    where = f"inputs[{first_index}].{first_field}" if first_index is not None else first_field
    return SandboxResponse(
        400,
        error_body(
            "VALIDATION_ERROR",
            f"Invalid input JSON on line 1: {where}: {first_message}",
            errors=[
                {
                    "message": message,
                    "in": f"inputs[{index}].{name}" if index is not None else name,
                    "code": "INVALID_INPUT",
                    "context": {"index": [str(index)]} if index is not None else {},
                }
                for index, name, message in shown
            ],
        ),
    )
