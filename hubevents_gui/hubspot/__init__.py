"""Talking to HubSpot (and to the sandbox that simulates it) over httpx. No Qt."""
