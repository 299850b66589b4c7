"""What a sandbox is set up with, the requests its endpoints see and the shape of its answers."""

from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from hubevents_gui.hubspot.settings import READ_SCOPE, WRITE_SCOPE

#: works with no set-up: the sandbox's own private-app token (it is not a secret)
DEFAULT_TOKEN = "sandbox-token"
#: the sandbox account's marketing-event properties, typed as HubSpot's CRM properties API
#: gives them (the sample's region and expected_attendees among them, its legacy_tag not)
PROPERTY_DEFINITIONS: dict[str, dict[str, Any]] = {
    "region": {
        "label": "Region",
        "type": "enumeration",
        "fieldType": "select",
        "options": ("EMEA", "NA", "LATAM", "APAC", "Global"),
    },
    "expected_attendees": {"label": "Expected attendees", "type": "number", "fieldType": "number"},
    "campaign": {"label": "Campaign", "type": "string", "fieldType": "text"},
    "budget": {"label": "Budget", "type": "number", "fieldType": "number"},
    "language": {
        "label": "Language",
        "type": "enumeration",
        "fieldType": "select",
        "options": ("en", "de", "fr", "es", "ja"),
    },
    "launch_date": {"label": "Launch date", "type": "date", "fieldType": "date"},
    "sponsored": {"label": "Sponsored", "type": "bool", "fieldType": "booleancheckbox"},
}
#: custom properties the sandbox account defines: anything else is dropped, as HubSpot does
DEFAULT_PROPERTIES = frozenset(PROPERTY_DEFINITIONS)
#: the marketing-events API under every prefix HubSpot answers: v3 and the dated versions
API_PREFIX = r"/marketing/(?:v3/marketing-events|marketing-events/(?:v3|\d{4}-\d{2}))"
#: the scope the sandbox asks for to read property definitions (HubSpot's is UNCONFIRMED)
SCHEMA_SCOPE = "crm.schemas.marketing_events.read"


@dataclass(frozen=True)
class TokenInfo:
    """What a token stands for: an app in a portal, with scopes."""

    app_id: int
    hub_id: int = 12345678
    scopes: tuple[str, ...] = (WRITE_SCOPE, READ_SCOPE, SCHEMA_SCOPE)
    user_id: int = 1001


@dataclass
class Faults:
    """Seeded fault injection: shares are probabilities per request (0..1)."""

    latency: float | tuple[float, float] = 0.0
    server_errors: float = 0.0  # 502/503/504
    dropped: float = 0.0  # the server closes the connection without answering
    locked: float = 0.0  # 423
    retry_after: bool = True  # Retry-After on 429s
    seed: int = 0


@dataclass
class SandboxConfig:
    tokens: dict[str, TokenInfo] = field(
        default_factory=lambda: {
            DEFAULT_TOKEN: TokenInfo(app_id=424242),
            "partner-token": TokenInfo(app_id=515151),
        }
    )
    batch_cap: int = 100
    properties: frozenset[str] = DEFAULT_PROPERTIES
    #: which CRM object type names the properties API answers to (HubSpot's: UNCONFIRMED)
    property_object_types: tuple[str, ...] = ("0-54",)
    #: app id -> name, for appInfo
    apps: dict[int, str] = field(
        default_factory=lambda: {424242: "hubevents", 515151: "Partner Webinars"}
    )
    #: what search's q matches (UNCONFIRMED on HubSpot): "substring" of either external id or
    #: the name, an empty q matching every event; or "exact" external event id only
    search_matches: str = "substring"
    #: requests per rolling window per token; None: no limit
    rate_limit: int | None = 100
    rate_interval_ms: int = 10_000
    daily_limit: int = 250_000
    faults: Faults = field(default_factory=Faults)
    #: "first": a 400 names only the first bad input, as HubSpot's batch endpoints often do
    error_detail: str = "first"
    #: shuffle results (nothing promises their order)
    shuffle: bool = True

    def definitions(self) -> list[dict[str, Any]]:
        """The defined properties, typed where the sandbox knows their type."""
        return [
            {"name": name, **PROPERTY_DEFINITIONS.get(name, {"type": "string"})}
            for name in sorted(self.properties)
        ]


@dataclass(frozen=True)
class Call:
    """One authenticated request, as an endpoint sees it."""

    info: TokenInfo
    token: str
    match: re.Match[str]
    query: dict[str, str]
    body: bytes


@dataclass
class SandboxResponse:
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    #: the connection is closed without an answer
    dropped: bool = False
    delay: float = 0.0

    def content(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body).encode()


def error_body(category: str, message: str, **extra: Any) -> dict[str, Any]:
    """HubSpot's error shape: status, message, correlation id, category, and any extras."""
    body: dict[str, Any] = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
    }
    body.update(extra)
    return body


def save_failed(path: Path | None, exc: OSError) -> SandboxResponse:
    """The 500 for a write whose state file could not be saved (the client retries a 500)."""
    message = (
        f"the sandbox could not save its state to {path} ({exc.strerror or exc}), "
        "so nothing was changed"
    )
    return SandboxResponse(500, error_body("INTERNAL_ERROR", message))


_T = TypeVar("_T")


def other_order(items: list[_T], rng: random.Random) -> list[_T]:
    """``items`` in another order than given (nothing promises a batch's results' order)."""
    if len(items) < 2:
        return items
    order = list(range(len(items)))
    while order == sorted(order):
        rng.shuffle(order)
    return [items[i] for i in order]


def iso_instant(moment: float) -> str:
    """A POSIX time as HubSpot writes instants: UTC, milliseconds, ``Z``."""
    return (
        datetime.fromtimestamp(moment, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


#: HubSpot's words for a request without a token it knows (401)
UNAUTHENTICATED = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
    "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


def missing_scope(scope: str) -> SandboxResponse:
    """The 403 for a token without ``scope``, naming it where HubSpot does."""
    message = (
        "This app hasn't been granted all required scopes to make this call. "
        "Read more about required scopes here: https://developers.hubspot.com/scopes."
    )
    return SandboxResponse(
        403,
        error_body(
            "MISSING_SCOPES",
            message,
            errors=[
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": [scope]},
                }
            ],
            links={"scopes": "https://developers.hubspot.com/scopes"},
        ),
    )
