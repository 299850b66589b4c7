"""The one way this app opens an HTTP client to HubSpot: address, token, identity, timeouts."""

from __future__ import annotations

import httpx

from hubevents_gui import __version__
from hubevents_gui.core.redaction import keep_secret
from hubevents_gui.hubspot.settings import ConnectionSettings


def open_client(
    settings: ConnectionSettings,
    token: str,
    transport: httpx.BaseTransport | None = None,
    *,
    connections: int = 2,
) -> httpx.Client:
    """A client for ``settings``' address sending ``token`` (already checked by clean_token).
    The token is registered to be kept out of every log."""
    keep_secret(token)
    return httpx.Client(
        base_url=settings.base_url.rstrip("/"),
        headers={
            "Authorization": f"Bearer {token}",
            "User-Agent": f"hubevents/{__version__}",
            "Accept": "application/json",
        },
        timeout=settings.timeout,
        transport=transport,
        limits=httpx.Limits(max_connections=max(1, connections)),
    )
