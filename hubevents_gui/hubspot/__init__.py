"""Talking to HubSpot (and to the sandbox that simulates it) over httpx. No Qt."""

from __future__ import annotations

#: HubSpot's API; modules that only need the address import it from here, without httpx
HUBSPOT_URL = "https://api.hubapi.com"
