"""The sandbox: a HubSpot marketing-events simulator, the app's default and the tests' partner.

It behaves like HubSpot where the product depends on it: upsert keyed by (app,
externalAccountId, externalEventId), results in another order than the inputs, whole-batch 400s,
401/403 bodies, a rolling rate limit with HubSpot's headers and 429 bodies, a daily cap, unknown
custom properties silently dropped, contacts and their attendance of events, and seeded faults
(latency, 5xx, 423, dropped connections).

- config: tokens, faults, limits, the request and response shapes
- limits: the rolling window and the daily count
- validation: what an upsert or attendance input must be, the whole-batch 400
- state: the events, contacts and participations, optionally in a JSON file (StateError when
  it cannot be used); contacts: the contact records and their part of the file
- routes: :class:`Sandbox`, requests to endpoints; reads: the read endpoints; attendance: the
  attendance (participation) endpoints, participations: what they record and count
- transport / server: reached in process (httpx transport) or over loopback (HTTP server);
  framing: the server's reading of request bodies
"""

from hubevents_gui.hubspot.sandbox.config import (
    DEFAULT_PROPERTIES,
    DEFAULT_TOKEN,
    Faults,
    SandboxConfig,
    SandboxResponse,
    TokenInfo,
)
from hubevents_gui.hubspot.sandbox.routes import Sandbox
from hubevents_gui.hubspot.sandbox.server import SandboxServer
from hubevents_gui.hubspot.sandbox.state import StateError
from hubevents_gui.hubspot.sandbox.transport import SandboxTransport

__all__ = [
    "DEFAULT_PROPERTIES",
    "DEFAULT_TOKEN",
    "Faults",
    "Sandbox",
    "SandboxConfig",
    "SandboxResponse",
    "SandboxServer",
    "SandboxTransport",
    "StateError",
    "TokenInfo",
]
