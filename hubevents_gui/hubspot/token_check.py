"""Testing a token: which portal and app it stands for, and whether it may write events."""

from __future__ import annotations

from typing import Any

import httpx

from hubevents_gui.hubspot.errors import error_text
from hubevents_gui.hubspot.redaction import redact
from hubevents_gui.hubspot.settings import WRITE_SCOPE, ConnectionSettings


class ConnectionCheckError(Exception):
    """A connection test failed; the message names the status and never the token."""


def check_token(
    settings: ConnectionSettings, token: str, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """Portal id, app id and scopes of a token (HubSpot's private-app token info).

    Every way the check can fail raises ConnectionCheckError with one sentence naming the
    address or the HTTP status: unreachable, refused, or an answer that is not token info.
    """
    try:
        with httpx.Client(
            base_url=settings.base_url.rstrip("/"), timeout=settings.timeout, transport=transport
        ) as http:
            info = http.post(
                "/oauth/v2/private-apps/get/access-token-info", json={"tokenKey": token}
            )
    except httpx.HTTPError as exc:
        raise ConnectionCheckError(
            redact(f"cannot reach {settings.base_url}: {type(exc).__name__}", token)
        ) from None
    if info.status_code != 200:
        message, category, _, _ = error_text(info)
        raise ConnectionCheckError(
            redact(f"HTTP {info.status_code} {category or ''}: {message}".replace("  ", " "), token)
        )
    try:
        data = info.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ConnectionCheckError(
            f"HTTP 200 from {settings.base_url}, but the answer is not HubSpot's token "
            "information (is the base URL right?)"
        )
    scopes = [str(s) for s in data.get("scopes") or []]
    return {
        "portal_id": data.get("hubId"),
        "app_id": data.get("appId"),
        "scopes": scopes,
        "can_write": WRITE_SCOPE in scopes,
    }
