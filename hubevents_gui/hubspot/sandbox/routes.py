"""The sandbox: HubSpot's marketing-events API answered from memory. Thread-safe.

:meth:`Sandbox.handle` answers one request: injected faults first, then the route, the token,
the rate limit and the scope, then the endpoint. Reached in process through
:class:`~.transport.SandboxTransport` or over loopback through :class:`~.server.SandboxServer`.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from hubevents_gui.hubspot.sandbox import actions, attendance, reads
from hubevents_gui.hubspot.sandbox.config import (
    API_PREFIX,
    SCHEMA_SCOPE,
    UNAUTHENTICATED,
    Call,
    Faults,
    SandboxConfig,
    SandboxResponse,
    error_body,
    iso_instant,
    missing_scope,
    other_order,
    save_failed,
)
from hubevents_gui.hubspot.sandbox.contacts import DEMO_CONTACTS
from hubevents_gui.hubspot.sandbox.limits import RateWindow
from hubevents_gui.hubspot.sandbox.participations import event_tallies
from hubevents_gui.hubspot.sandbox.state import EventKey, EventStore
from hubevents_gui.hubspot.sandbox.validation import (
    Problem,
    batch_inputs,
    check_input,
    parse_json,
    validation_error,
)
from hubevents_gui.hubspot.settings import READ_SCOPE, WRITE_SCOPE

_PREFIX = API_PREFIX
#: (method, path, endpoint, scope it needs: None for none, "read" for read or write)
_ROUTES: list[tuple[str, re.Pattern[str], str, str | None]] = [
    ("POST", re.compile(_PREFIX + r"/events/upsert/?"), "upsert", WRITE_SCOPE),
    *actions.ROUTES,
    ("GET", re.compile(_PREFIX + r"/events/search/?"), "search", READ_SCOPE),
    ("GET", re.compile(_PREFIX + r"/events/(?P<event>[^/]+)/?"), "get_event", READ_SCOPE),
    ("GET", re.compile(_PREFIX + r"/(?P<event>[^/]+)/identifiers/?"), "identifiers", READ_SCOPE),
    ("GET", re.compile(_PREFIX + r"/(?P<object>\d+)/?"), "object", READ_SCOPE),
    ("GET", re.compile(_PREFIX + r"/?"), "list_events", READ_SCOPE),
    ("GET", re.compile(r"/crm/v3/properties/(?P<type>[^/]+)/?"), "properties", SCHEMA_SCOPE),
    ("GET", re.compile(r"/account-info/v3/api-usage/daily/private-apps/?"), "usage", ""),
    ("POST", re.compile(r"/oauth/v2/private-apps/get/access-token-info/?"), "token_info", None),
    ("GET", re.compile(r"/account-info/v3/details/?"), "account_details", ""),
    *attendance.ROUTES,
]


class Sandbox:
    """HubSpot's marketing-events API, simulated. Thread-safe; state optionally in a JSON file."""

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        state_file: Path | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or SandboxConfig()
        self._clock = clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._random = random.Random(self.config.faults.seed)
        self._limits = RateWindow(self.config)
        self._store = EventStore(state_file)
        self._attendance = attendance.Attendance(
            self.config, self._store, self._clock, self._random
        )
        event_actions = actions.EventActions(self._attendance)
        #: the endpoints of other modules, by name
        self._handlers = {**self._attendance.handlers, **event_actions.handlers}
        self.requests = 0

    @classmethod
    def demo(
        cls, config: SandboxConfig | None = None, *, state_file: Path | None = None
    ) -> Sandbox:
        """The app's embedded sandbox: a portal that also holds a second app's events and a few
        contacts (each seeded once, when it holds none), so previews show conflicts, pulls leave
        events out and attendee sheets can name a contact by id."""
        sandbox = cls(config, state_file=state_file)
        stamp = iso_instant(sandbox._clock())
        if not sandbox.events:
            sandbox._store.upsert_all(
                reads.PARTNER_APP, reads.DEMO_EVENTS, sandbox.config.properties, stamp
            )
        if not sandbox._store.contacts:
            sandbox._attendance.seed(DEMO_CONTACTS, stamp)
        return sandbox

    @property
    def events(self) -> dict[EventKey, dict[str, Any]]:
        return self._store.events

    # ------------------------------------------------------------------ requests

    def handle(
        self, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> SandboxResponse:
        """Answer one request (headers with lower-case names)."""
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            self.requests += 1
            faults = self.config.faults
            delay = self._latency(faults)
            response = self._fault(faults) or self._route(method, parts.path, query, headers, body)
            response.delay = delay
            return response

    def _latency(self, faults: Faults) -> float:
        if isinstance(faults.latency, tuple):
            low, high = faults.latency
            return self._random.uniform(low, high)
        return float(faults.latency)

    def _fault(self, faults: Faults) -> SandboxResponse | None:
        roll = self._random.random()
        if roll < faults.dropped:
            return SandboxResponse(0, None, dropped=True)
        roll -= faults.dropped
        if roll < faults.server_errors:
            status = self._random.choice((502, 503, 504))
            return SandboxResponse(status, error_body("SERVICE_UNAVAILABLE", f"simulated {status}"))
        roll -= faults.server_errors
        if roll < faults.locked:
            return SandboxResponse(
                423, error_body("LOCKED", "simulated lock; try again in 2 seconds")
            )
        return None

    def _route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> SandboxResponse:
        for route_method, pattern, name, scope in _ROUTES:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            if route_method != method:
                return SandboxResponse(
                    405, error_body("METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}")
                )
            if scope is None:
                return self._token_info(body)
            token = _bearer(headers)
            info = self.config.tokens.get(token) if token else None
            if token is None or info is None:
                return SandboxResponse(401, error_body("INVALID_AUTHENTICATION", UNAUTHENTICATED))
            limited = self._limits.admit(token, self._monotonic())
            if isinstance(limited, SandboxResponse):
                return limited
            allowed = {READ_SCOPE, WRITE_SCOPE} if scope == READ_SCOPE else {scope}
            if scope and not allowed & set(info.scopes):
                response = missing_scope(scope)
            else:
                handler: Callable[[Call], SandboxResponse] = self._handlers.get(name) or getattr(
                    self, f"_{name}"
                )
                response = handler(Call(info, token, match, query, body))
            response.headers.update(limited)
            return response
        return SandboxResponse(404, error_body("OBJECT_NOT_FOUND", f"no route for {path}"))

    def _invalid(self, problems: list[Problem]) -> SandboxResponse:
        return validation_error(problems, self.config.error_detail)

    # ------------------------------------------------------------------ endpoints

    def _upsert(self, call: Call) -> SandboxResponse:
        started = self._clock()
        inputs = batch_inputs(call.body, self.config.batch_cap)
        if isinstance(inputs, tuple):
            return self._invalid([inputs])
        problems = [p for i, item in enumerate(inputs) for p in check_input(i, item)]
        if problems:
            return self._invalid(problems)
        stamp = iso_instant(self._clock())
        try:
            stored = self._store.upsert_all(call.info.app_id, inputs, self.config.properties, stamp)
        except OSError as exc:  # the state is as it was before
            return save_failed(self._store.state_file, exc)
        results = [_public(record) for record in stored]
        if self.config.shuffle:
            results = other_order(results, self._random)
        return SandboxResponse(
            200,
            {
                "status": "COMPLETE",
                "results": results,
                "requestedAt": iso_instant(started),
                "startedAt": iso_instant(started),
                "completedAt": iso_instant(self._clock()),
            },
        )

    def _get_event(self, call: Call) -> SandboxResponse:
        event_id = unquote(call.match.group("event"))
        account = call.query.get("externalAccountId")
        if not account:
            return self._invalid([(None, "externalAccountId", "externalAccountId is required")])
        event = self.events.get((call.info.app_id, account, event_id))
        if event is None:  # other apps' events are invisible, as on HubSpot
            return SandboxResponse(
                404,
                error_body("OBJECT_NOT_FOUND", f"No event {event_id!r} in account {account!r}"),
            )
        result = _public(event)
        result.update(externalEventId=event_id, **event_tallies(self._store, event, self._clock()))
        return SandboxResponse(200, result)

    def _search(self, call: Call) -> SandboxResponse:
        return reads.search(self.config, self._store, call.info.app_id, call.query.get("q", ""))

    def _list_events(self, call: Call) -> SandboxResponse:
        answer = reads.list_events(self.config, self._store, call.query, self._clock())
        if isinstance(answer, SandboxResponse):
            return answer
        return self._invalid([(None, answer[1], answer[2])])

    def _identifiers(self, call: Call) -> SandboxResponse:
        return reads.identifiers(self.config, self._store, unquote(call.match.group("event")))

    def _object(self, call: Call) -> SandboxResponse:
        object_id = call.match.group("object")
        return reads.by_object_id(self.config, self._store, object_id, self._clock())

    def _properties(self, call: Call) -> SandboxResponse:
        return reads.property_definitions(self.config, unquote(call.match.group("type")))

    def _usage(self, call: Call) -> SandboxResponse:
        return reads.daily_usage(self.config, self._limits.daily.get(call.token, 0), self._clock())

    def _token_info(self, body: bytes) -> SandboxResponse:
        payload = parse_json(body, {})
        token = payload.get("tokenKey") if isinstance(payload, dict) else None
        info = self.config.tokens.get(token) if isinstance(token, str) else None
        if info is None:
            return SandboxResponse(
                401, error_body("INVALID_AUTHENTICATION", "The access token is not valid")
            )
        return SandboxResponse(
            200,
            {
                "userId": info.user_id,
                "hubId": info.hub_id,
                "appId": info.app_id,
                "scopes": list(info.scopes),
                "tokenType": "PRIVATE_APP",
            },
        )

    def _account_details(self, call: Call) -> SandboxResponse:
        return SandboxResponse(
            200,
            {
                "portalId": call.info.hub_id,
                "accountType": "SANDBOX",
                "timeZone": "UTC",
                "companyCurrency": "USD",
                "additionalCurrencies": [],
                "utcOffset": "+00:00",
                "utcOffsetMilliseconds": 0,
                "uiDomain": "app.hubspot.com",
                "dataHostingLocation": "na1",
            },
        )

    # ------------------------------------------------------------------ for tests and tools

    def event(self, app_id: int, account: str, event_id: str) -> dict[str, Any] | None:
        with self._lock:
            event = self.events.get((app_id, account, event_id))
            return dict(event) if event else None

    def all_events(self) -> Iterable[tuple[EventKey, dict[str, Any]]]:
        with self._lock:
            return list(self.events.items())


def _bearer(headers: dict[str, str]) -> str | None:
    value = headers.get("authorization", "")
    if value[:7].lower() == "bearer ":
        return value[7:].strip() or None
    return None


def _public(event: dict[str, Any]) -> dict[str, Any]:
    result = {"id": event["id"], "objectId": event["id"]}
    result.update({k: v for k, v in event.items() if k != "id"})
    return result
