"""Where requests go and how: HubSpot's address, the sandbox's, API versions and run settings.

Importing this costs nothing (no httpx): the window reads it at start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: HubSpot's API
HUBSPOT_URL = "https://api.hubapi.com"
#: the in-process sandbox's address (never resolved: its transport answers without a socket)
SANDBOX_URL = "https://sandbox.hubevents.invalid"

#: HubSpot's dated versions, newest first, then the legacy v3 paths (unsupported from
#: September 2027); new connections take the newest
API_VERSIONS = ("2026-09", "2026-03", "v3")
NEWEST_VERSION = API_VERSIONS[0]
_DATED = re.compile(r"\d{4}-\d{2}")
WRITE_SCOPE = "crm.objects.marketing_events.write"
#: inputs per batch request: HubSpot's rule for its batch endpoints (the upsert documents none);
#: a batch the endpoint still finds too large is split (engine)
MAX_BATCH_SIZE = 100
#: requests in flight at once: more only waits on the rate limit (100 per 10 s) and costs
#: threads and sockets
MAX_CONCURRENCY = 16
READ_SCOPE = "crm.objects.marketing_events.read"


def version_problem(text: str) -> str | None:
    """Why ``text`` is not an API version this app can address, or None."""
    if text == "v3" or _DATED.fullmatch(text):
        return None
    return f"{text!r} is not an API version: use {', '.join(API_VERSIONS)} or another date"


@dataclass(frozen=True)
class ConnectionSettings:
    base_url: str = HUBSPOT_URL
    #: "v3" (/marketing/v3/marketing-events/...) or a dated version such as "2026-09"
    api_version: str = NEWEST_VERSION
    batch_size: int = 100
    concurrency: int = 4
    timeout: float = 30.0
    #: tries per batch for transient failures (5xx, 423, timeouts, resets)
    max_attempts: int = 6
    #: extra requests allowed for splitting rejected batches; None: 8 per batch + 40
    max_split_requests: int | None = None
    #: first retry waits up to this (then doubling, with jitter, up to 30 s)
    backoff_base: float = 0.5
    #: HubSpot asks for at least 2 s after a 423
    locked_wait: float = 2.0

    def api_path(self) -> str:
        """The marketing-events API's root: identifiers and events by object id hang off it."""
        if self.api_version == "v3":
            return "/marketing/v3/marketing-events"
        return f"/marketing/marketing-events/{self.api_version}"

    def events_path(self) -> str:
        """Events by external ids: upsert, search, one event."""
        return self.api_path() + "/events"

    def list_path(self) -> str:
        """Every event, 100 a page. v3's spec puts it at /marketing/marketing-events/v3 (its
        guide at /marketing/v3/marketing-events/: the reader tries that one on a 404)."""
        if self.api_version == "v3":
            return "/marketing/marketing-events/v3"
        return self.api_path()

    def describe(self) -> str:
        """Where runs go, in the run history's words."""
        if self.base_url == SANDBOX_URL:
            return "sandbox"
        return f"{self.base_url} ({self.api_version})"
