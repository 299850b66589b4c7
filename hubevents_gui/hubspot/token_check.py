"""Testing a token: which portal and app it stands for, and whether it may write events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hubevents_gui.core.redaction import redact
from hubevents_gui.hubspot.errors import error_text, network_sentence
from hubevents_gui.hubspot.settings import WRITE_SCOPE, ConnectionSettings

if TYPE_CHECKING:  # httpx loads with the first check, not when the window starts
    import httpx


class ConnectionCheckError(Exception):
    """A connection test failed; the message names the status and never the token."""


class TokenFormatError(ValueError):
    """A token that cannot be one: the message names the character and its position, never the
    token."""


def clean_token(text: str) -> str:
    """The token as HubSpot issues it: ``text`` without surrounding whitespace.

    A token goes into an HTTP header, which holds printable ASCII only. Whatever else is in it
    came with the paste (a line break from a mail, a zero-width space from a web page, a
    non-breaking space): it is refused with its position, before anything is sent, so it can
    neither fail every row nor end up in a message in clear.
    """
    token = text.strip()
    if not token:
        raise TokenFormatError("the token is empty")
    for position, char in enumerate(token, start=1):
        if "!" <= char <= "~":
            continue
        if char == " ":
            what = "a space"
        elif char in "\r\n":
            what = "a line break"
        elif char == "\t":
            what = "a tab"
        elif char.isspace():
            what = f"a special space (U+{ord(char):04X})"
        elif char.isprintable():
            what = f"a character outside plain ASCII (U+{ord(char):04X})"
        else:
            what = f"an invisible character (U+{ord(char):04X})"
        raise TokenFormatError(
            f"the token has {what} at position {position} of {len(token)}: copy it again "
            "from HubSpot (Settings > Integrations > Private apps) and paste only the token"
        )
    return token


def check_token(
    settings: ConnectionSettings, token: str, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """Portal id, app id and scopes of a token (HubSpot's private-app token info).

    Every way the check can fail raises ConnectionCheckError with one sentence naming the
    address or the HTTP status: unreachable, refused, or an answer that is not token info.
    """
    import httpx

    try:
        with httpx.Client(
            base_url=settings.base_url.rstrip("/"), timeout=settings.timeout, transport=transport
        ) as http:
            info = http.post(
                "/oauth/v2/private-apps/get/access-token-info", json={"tokenKey": token}
            )
    except httpx.HTTPError as exc:
        raise ConnectionCheckError(
            redact(network_sentence(exc, settings.base_url), token)
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
