"""The sandbox: a HubSpot marketing-events simulator, the app's default and the tests' partner.

:class:`Sandbox` holds the state and answers requests (``handle``); it is reached in process
through :class:`SandboxTransport` (an httpx transport, no socket) or over loopback through
``sandbox_server.serve``. It behaves like HubSpot where the product depends on it: upsert keyed by
(app, externalAccountId, externalEventId), results in another order than the inputs, whole-batch
400s, 401/403 bodies, a rolling rate limit with HubSpot's headers and 429 bodies, a daily cap,
unknown custom properties silently dropped, and seeded faults (latency, 5xx, 423, dropped
connections).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

#: works with no set-up: the sandbox's own private-app token (it is not a secret)
DEFAULT_TOKEN = "sandbox-token"
WRITE_SCOPE = "crm.objects.marketing_events.write"
READ_SCOPE = "crm.objects.marketing_events.read"
#: custom properties the sandbox account defines (the sample spreadsheet's two among them)
DEFAULT_PROPERTIES = frozenset({"region", "expected_attendees", "campaign", "budget", "language"})

_REQUIRED = ("externalAccountId", "externalEventId", "eventName", "eventOrganizer")
_TEXT_FIELDS = ("eventName", "eventOrganizer", "eventType", "eventDescription", "eventUrl")
_DATE_FIELDS = ("startDateTime", "endDateTime")
_BOOL_FIELDS = ("eventCancelled", "eventCompleted")
_ECHOED = (*_TEXT_FIELDS, *_DATE_FIELDS, *_BOOL_FIELDS)

_PREFIX = r"/marketing/(?:v3/marketing-events|marketing-events/(?:v3|\d{4}-\d{2}))"
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(_PREFIX + r"/events/upsert/?"), "upsert"),
    ("GET", re.compile(_PREFIX + r"/events/search/?"), "search"),
    ("GET", re.compile(_PREFIX + r"/events/(?P<event>[^/]+)/?"), "get_event"),
    ("GET", re.compile(_PREFIX + r"/?"), "list_events"),
    ("POST", re.compile(r"/oauth/v2/private-apps/get/access-token-info/?"), "token_info"),
    ("GET", re.compile(r"/account-info/v3/details/?"), "account_details"),
]


@dataclass(frozen=True)
class TokenInfo:
    """What a token stands for: an app in a portal, with scopes."""

    app_id: int
    hub_id: int = 12345678
    scopes: tuple[str, ...] = (WRITE_SCOPE, READ_SCOPE)
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
        default_factory=lambda: {DEFAULT_TOKEN: TokenInfo(app_id=424242)}
    )
    batch_cap: int = 100
    properties: frozenset[str] = DEFAULT_PROPERTIES
    #: requests per rolling window per token; None: no limit
    rate_limit: int | None = 100
    rate_interval_ms: int = 10_000
    daily_limit: int = 250_000
    faults: Faults = field(default_factory=Faults)
    #: "first": a 400 names only the first bad input, as HubSpot's batch endpoints often do
    error_detail: str = "first"
    #: shuffle results (nothing promises their order)
    shuffle: bool = True


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


class _Limiter:
    """A rolling window of request times per token, and a daily count."""

    def __init__(self) -> None:
        self.windows: dict[str, deque[float]] = {}
        self.daily: dict[str, int] = {}


def _now_iso(moment: float) -> str:
    return (
        datetime.fromtimestamp(moment, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def _error(status: int, category: str, message: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
    }
    body.update(extra)
    return body


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})")


def _parse_iso(value: object) -> datetime | None:
    """A date-time as HubSpot accepts it: ISO 8601 with a zone; None for anything else."""
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@lru_cache(maxsize=65536)
def _stored_date(value: str) -> str | None:
    """HubSpot's UTC form of an accepted date-time, None when it is not accepted (cached: a
    batch's dates repeat, and the server must not be the bottleneck of a benchmark)."""
    parsed = _parse_iso(value)
    return None if parsed is None else _now_iso(parsed.timestamp())


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
        self.state_file = Path(state_file) if state_file else None
        self._clock = clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._random = random.Random(self.config.faults.seed)
        self._limiter = _Limiter()
        self._next_id = 1_000_001
        #: (app id, externalAccountId, externalEventId) -> event record
        self.events: dict[tuple[int, str, str], dict[str, Any]] = {}
        self.requests = 0
        if self.state_file and self.state_file.exists():
            self._load()

    # ------------------------------------------------------------------ persistence

    def _load(self) -> None:
        assert self.state_file is not None
        data = json.loads(self.state_file.read_text(encoding="utf-8"))
        self._next_id = int(data["next_id"])
        for item in data["events"]:
            key = (int(item["appId"]), item["externalAccountId"], item["externalEventId"])
            self.events[key] = item["event"]

    def _save(self) -> None:
        if self.state_file is None:
            return
        data = {
            "next_id": self._next_id,
            "events": [
                {"appId": app, "externalAccountId": acc, "externalEventId": ev, "event": event}
                for (app, acc, ev), event in self.events.items()
            ],
        }
        # write and rename: a crash never leaves half a state file
        handle, temp = tempfile.mkstemp(dir=self.state_file.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temp, self.state_file)

    # ------------------------------------------------------------------ requests

    def handle(
        self, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> SandboxResponse:
        """Answer one request (headers with lower-case names)."""
        parts = urlsplit(url)
        path = parts.path
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            self.requests += 1
            faults = self.config.faults
            delay = self._latency(faults)
            roll = self._random.random()
            if roll < faults.dropped:
                return SandboxResponse(0, None, dropped=True, delay=delay)
            roll -= faults.dropped
            if roll < faults.server_errors:
                status = self._random.choice((502, 503, 504))
                return SandboxResponse(
                    status,
                    _error(status, "SERVICE_UNAVAILABLE", f"simulated {status}"),
                    delay=delay,
                )
            roll -= faults.server_errors
            if roll < faults.locked:
                return SandboxResponse(
                    423,
                    _error(423, "LOCKED", "simulated lock; try again in 2 seconds"),
                    delay=delay,
                )
            response = self._route(method, path, query, headers, body)
            response.delay = delay
            return response

    def _latency(self, faults: Faults) -> float:
        if isinstance(faults.latency, tuple):
            low, high = faults.latency
            return self._random.uniform(low, high)
        return float(faults.latency)

    def _route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> SandboxResponse:
        for route_method, pattern, name in _ROUTES:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            if route_method != method:
                return SandboxResponse(
                    405, _error(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}")
                )
            if name == "token_info":
                return self._token_info(body)
            token = self._token(headers)
            info = self.config.tokens.get(token) if token else None
            if info is None:
                return SandboxResponse(
                    401,
                    _error(
                        401,
                        "INVALID_AUTHENTICATION",
                        "Authentication credentials not found. This API supports OAuth 2.0 "
                        "authentication and you can find more details at "
                        "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                    ),
                )
            assert token is not None
            limited = self._rate_limit(token)
            if isinstance(limited, SandboxResponse):
                return limited
            if name == "upsert" and WRITE_SCOPE not in info.scopes:
                response = self._missing_scope(WRITE_SCOPE)
            elif name in ("search", "get_event", "list_events") and not (
                READ_SCOPE in info.scopes or WRITE_SCOPE in info.scopes
            ):
                response = self._missing_scope(READ_SCOPE)
            else:
                handler = getattr(self, f"_{name}")
                response = handler(info, match, query, body)
            response.headers.update(limited)
            return response
        return SandboxResponse(404, _error(404, "OBJECT_NOT_FOUND", f"no route for {path}"))

    @staticmethod
    def _token(headers: dict[str, str]) -> str | None:
        value = headers.get("authorization", "")
        if value[:7].lower() == "bearer ":
            return value[7:].strip() or None
        return None

    def _missing_scope(self, scope: str) -> SandboxResponse:
        message = (
            "This app hasn't been granted all required scopes to make this call. "
            "Read more about required scopes here: https://developers.hubspot.com/scopes."
        )
        return SandboxResponse(
            403,
            _error(
                403,
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

    def _rate_limit(self, token: str) -> dict[str, str] | SandboxResponse:
        config = self.config
        now = self._monotonic()
        daily_used = self._limiter.daily.get(token, 0)
        headers: dict[str, str] = {}
        if config.rate_limit is not None:
            window = self._limiter.windows.setdefault(token, deque())
            horizon = now - config.rate_interval_ms / 1000
            while window and window[0] <= horizon:
                window.popleft()
            if len(window) >= config.rate_limit:
                wait = window[0] + config.rate_interval_ms / 1000 - now
                extra = (
                    {"Retry-After": str(max(1, math.ceil(wait)))}
                    if config.faults.retry_after
                    else {}
                )
                return SandboxResponse(
                    429,
                    {
                        "status": "error",
                        "message": "You have reached your ten_secondly_rolling limit.",
                        "errorType": "RATE_LIMIT",
                        "category": "RATE_LIMITS",
                        "correlationId": str(uuid.uuid4()),
                        "policyName": "TEN_SECONDLY_ROLLING",
                    },
                    {**self._limit_headers(len(window), daily_used), **extra},
                )
        if daily_used >= config.daily_limit:
            return SandboxResponse(
                429,
                {
                    "status": "error",
                    "message": "You have reached your daily limit.",
                    "errorType": "RATE_LIMIT",
                    "category": "RATE_LIMITS",
                    "correlationId": str(uuid.uuid4()),
                    "policyName": "DAILY",
                },
                self._limit_headers(len(self._limiter.windows.get(token, ())), daily_used),
            )
        if config.rate_limit is not None:
            self._limiter.windows[token].append(now)
        self._limiter.daily[token] = daily_used + 1
        headers.update(
            self._limit_headers(len(self._limiter.windows.get(token, ())), daily_used + 1)
        )
        return headers

    def _limit_headers(self, used: int, daily_used: int) -> dict[str, str]:
        config = self.config
        headers = {
            "X-HubSpot-RateLimit-Daily": str(config.daily_limit),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, config.daily_limit - daily_used)),
        }
        if config.rate_limit is not None:
            headers.update(
                {
                    "X-HubSpot-RateLimit-Max": str(config.rate_limit),
                    "X-HubSpot-RateLimit-Remaining": str(max(0, config.rate_limit - used)),
                    "X-HubSpot-RateLimit-Interval-Milliseconds": str(config.rate_interval_ms),
                }
            )
        return headers

    # ------------------------------------------------------------------ endpoints

    def _validation_error(self, problems: list[tuple[int | None, str, str]]) -> SandboxResponse:
        """400 for the whole batch; errors name the offending inputs (first only by default)."""
        shown = problems[:1] if self.config.error_detail == "first" else problems
        first_index, first_field, first_message = problems[0]
        where = f"inputs[{first_index}].{first_field}" if first_index is not None else first_field
        return SandboxResponse(
            400,
            _error(
                400,
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

    def _check_input(self, index: int, item: object) -> list[tuple[int | None, str, str]]:
        if not isinstance(item, dict):
            return [(index, "", "each input must be an object")]
        problems: list[tuple[int | None, str, str]] = []
        for name in _REQUIRED:
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
        for name in _DATE_FIELDS:
            if name in item and (
                not isinstance(item[name], str) or _stored_date(item[name]) is None
            ):
                problems.append((index, name, f"{item[name]!r} is not an ISO 8601 date-time"))
        for name in _BOOL_FIELDS:
            if name in item and not isinstance(item[name], bool):
                problems.append((index, name, f"{name} must be true or false"))
        for name in _TEXT_FIELDS:
            if name in item and not isinstance(item[name], str):
                problems.append((index, name, f"{name} must be a string"))
        return problems

    def _upsert(
        self, info: TokenInfo, match: re.Match[str], query: dict[str, str], body: bytes
    ) -> SandboxResponse:
        started = self._clock()
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            return self._validation_error([(None, "body", "the body is not valid JSON")])
        if not isinstance(payload, dict) or not isinstance(payload.get("inputs"), list):
            return self._validation_error([(None, "inputs", "the body needs an 'inputs' array")])
        inputs = payload["inputs"]
        if len(inputs) > self.config.batch_cap:
            return self._validation_error(
                [
                    (
                        None,
                        "inputs",
                        f"at most {self.config.batch_cap} inputs per request, got {len(inputs)}",
                    )
                ]
            )
        problems = [p for i, item in enumerate(inputs) for p in self._check_input(i, item)]
        if problems:
            return self._validation_error(problems)
        results = []
        stamp = _now_iso(self._clock())
        for item in inputs:
            key = (info.app_id, item["externalAccountId"], item["externalEventId"])
            event = self.events.get(key)
            if event is None:
                event = {"id": str(self._next_id), "createdAt": stamp}
                self._next_id += 1
                self.events[key] = event
            # an update replaces the fields it sends; fields it leaves out are kept
            for name in _ECHOED:
                if name in item:
                    value = item[name]
                    if name in _DATE_FIELDS:  # stored and echoed in HubSpot's own UTC form
                        value = _stored_date(value)
                    event[name] = value
            properties = {p["name"]: p.get("value", "") for p in event.get("customProperties", [])}
            for prop in item["customProperties"]:
                if prop["name"] in self.config.properties:  # unknown ones are dropped silently
                    properties[prop["name"]] = prop.get("value", "")
            event["customProperties"] = [{"name": n, "value": v} for n, v in properties.items()]
            event["updatedAt"] = stamp
            results.append(self._public(event))
        if self.config.shuffle and len(results) > 1:
            order = list(range(len(results)))
            while order == sorted(order):  # always another order than the inputs
                self._random.shuffle(order)
            results = [results[i] for i in order]
        self._save()
        completed = self._clock()
        return SandboxResponse(
            200,
            {
                "status": "COMPLETE",
                "results": results,
                "requestedAt": _now_iso(started),
                "startedAt": _now_iso(started),
                "completedAt": _now_iso(completed),
            },
        )

    @staticmethod
    def _public(event: dict[str, Any]) -> dict[str, Any]:
        result = {"id": event["id"], "objectId": event["id"]}
        result.update({k: v for k, v in event.items() if k not in ("id",)})
        return result

    def _get_event(
        self, info: TokenInfo, match: re.Match[str], query: dict[str, str], body: bytes
    ) -> SandboxResponse:
        event_id = unquote(match.group("event"))
        account = query.get("externalAccountId")
        if not account:
            return self._validation_error(
                [(None, "externalAccountId", "externalAccountId is required")]
            )
        event = self.events.get((info.app_id, account, event_id))
        if event is None:  # other apps' events are invisible, as on HubSpot
            return SandboxResponse(
                404,
                _error(404, "OBJECT_NOT_FOUND", f"No event {event_id!r} in account {account!r}"),
            )
        result = self._public(event)
        result.update(
            externalEventId=event_id, registrants=0, attendees=0, cancellations=0, noShows=0
        )
        return SandboxResponse(200, result)

    def _search(
        self, info: TokenInfo, match: re.Match[str], query: dict[str, str], body: bytes
    ) -> SandboxResponse:
        wanted = query.get("q", "")
        results = [
            {
                "appId": app,
                "externalAccountId": account,
                "externalEventId": event_id,
                "objectId": event["id"],
            }
            for (app, account, event_id), event in self.events.items()
            if app == info.app_id and event_id == wanted
        ]
        return SandboxResponse(200, {"results": results})

    def _list_events(
        self, info: TokenInfo, match: re.Match[str], query: dict[str, str], body: bytes
    ) -> SandboxResponse:
        try:
            limit = max(1, min(100, int(query.get("limit", "10"))))
            after = int(query.get("after", "0"))
        except ValueError:
            return self._validation_error([(None, "limit", "limit and after must be integers")])
        mine = [
            (key, event)
            for key, event in sorted(self.events.items(), key=lambda kv: int(kv[1]["id"]))
            if key[0] == info.app_id
        ]
        page = mine[after : after + limit]
        results = []
        for (_app, _account, event_id), event in page:
            item = {k: v for k, v in event.items() if k != "id"}
            item.update(objectId=event["id"], externalEventId=event_id)
            results.append(item)
        body_out: dict[str, Any] = {"results": results}
        if after + limit < len(mine):
            body_out["paging"] = {"next": {"after": str(after + limit)}}
        return SandboxResponse(200, body_out)

    def _token_info(self, body: bytes) -> SandboxResponse:
        try:
            token = json.loads(body or b"{}").get("tokenKey")
        except (ValueError, AttributeError):
            token = None
        info = self.config.tokens.get(token) if isinstance(token, str) else None
        if info is None:
            return SandboxResponse(
                401, _error(401, "INVALID_AUTHENTICATION", "The access token is not valid")
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

    def _account_details(
        self, info: TokenInfo, match: re.Match[str], query: dict[str, str], body: bytes
    ) -> SandboxResponse:
        return SandboxResponse(
            200,
            {
                "portalId": info.hub_id,
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

    def all_events(self) -> Iterable[tuple[tuple[int, str, str], dict[str, Any]]]:
        with self._lock:
            return list(self.events.items())


class SandboxTransport(httpx.BaseTransport):
    """An httpx transport that answers from a Sandbox in this process: no socket at all."""

    def __init__(self, sandbox: Sandbox, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.sandbox = sandbox
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        answer = self.sandbox.handle(request.method, str(request.url), headers, body)
        if answer.delay:
            self._sleep(answer.delay)
        if answer.dropped:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(
            answer.status,
            headers={"Content-Type": "application/json;charset=utf-8", **answer.headers},
            content=answer.content(),
            request=request,
        )
