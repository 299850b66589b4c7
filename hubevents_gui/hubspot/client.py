"""The upsert engine: every row to a definite, correct outcome, as fast as HubSpot allows.

Rows go in batches (never two inputs that would echo the same content in one batch) through a
few worker threads under a :class:`RateLimiter` that learns the real limit. Results are matched
to rows by what they echo, never by order; what stays unmatched is confirmed with a GET by
external ids. Transient failures (5xx, 423, timeouts, resets) are retried with backoff and
jitter; a 4xx that rejects a whole batch is split until each bad row stands alone; a 429 waits;
a daily 429, a 401 or a 403 stops the run and the rest are "not sent". Upsert is idempotent by
external ids, so a resend is safe, and a row is never reported twice.

No Qt here: the window's worker thread calls :meth:`UpsertEngine.run`.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from urllib.parse import quote

import httpx

from hubevents_gui import __version__
from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.rows import EventTable, Outcome, RowId, RowStatus
from hubevents_gui.core.threads import lower_priority
from hubevents_gui.hubspot import HUBSPOT_URL
from hubevents_gui.hubspot.ratelimit import RateLimiter
from hubevents_gui.hubspot.wire import JsonObject, attribute, echo_key, outcome_of

log = logging.getLogger("hubevents.upsert")

API_VERSIONS = ("v3", "2026-03")
WRITE_SCOPE = "crm.objects.marketing_events.write"

_TRANSIENT = frozenset({408, 500, 502, 503, 504, 521, 522, 523, 524})
_INPUT_INDEX = re.compile(r"inputs\[(\d+)\]")

Item = tuple[RowId, JsonObject]


@dataclass
class ConnectionSettings:
    base_url: str = HUBSPOT_URL
    #: "v3" (/marketing/v3/marketing-events/...) or a dated version such as "2026-03"
    api_version: str = "v3"
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

    def events_path(self) -> str:
        if self.api_version == "v3":
            return "/marketing/v3/marketing-events/events"
        return f"/marketing/marketing-events/{self.api_version}/events"


class StopReason(Enum):
    CANCELLED = "cancelled"
    DAILY_LIMIT = "daily limit reached"
    UNAUTHORIZED = "token rejected (401)"
    FORBIDDEN = "missing scopes (403)"


@dataclass
class RunReport:
    """What a run did, for the summary line and the status bar."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    failed: int = 0
    not_sent: int = 0
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    split_requests: int = 0
    confirm_requests: int = 0
    stopped: StopReason | None = None
    stop_message: str = ""
    missing_scopes: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0

    @property
    def done(self) -> int:
        return self.created + self.updated + self.failed + self.not_sent

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started


@dataclass
class _Unit:
    """A batch on its way: its rows, how often it was tried, when it may go again."""

    items: list[Item]
    attempt: int = 1
    not_before: float = 0.0
    rate_limited: int = 0


class TokenRedactor(logging.Filter):
    """Replaces the token in every record that passes (it only ever belongs in a header)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            record.msg = redact(str(record.msg), self.token)
            if record.args:
                record.args = tuple(
                    redact(a, self.token) if isinstance(a, str) else a
                    for a in (record.args if isinstance(record.args, tuple) else (record.args,))
                )
        return True


def redact(text: str, token: str | None) -> str:
    if token and token in text:
        return text.replace(token, "[token]")
    return text


def compose_batches(items: Sequence[Item], size: int) -> list[list[Item]]:
    """Batches of up to ``size`` in input order, never two inputs with the same echo in one."""
    batches: list[list[Item]] = []
    keys: list[set[object]] = []
    last_batch_of: dict[object, int] = {}
    first_open = 0
    for item in items:
        key = echo_key(item[1])
        index = max(first_open, last_batch_of.get(key, -1) + 1)
        while index < len(batches) and len(batches[index]) >= size:
            index += 1
        if index == len(batches):
            batches.append([])
            keys.append(set())
        batches[index].append(item)
        keys[index].add(key)
        last_batch_of[key] = index
        while first_open < len(batches) and len(batches[first_open]) >= size:
            first_open += 1
    return batches


def error_text(response: httpx.Response) -> tuple[str, str | None, str | None, JsonObject]:
    """(message, category, correlation id, body) of an error answer; every field optional."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = str(body.get("message") or response.reason_phrase or "no message")
    details = [
        str(e.get("message"))
        for e in body.get("errors") or []
        if isinstance(e, dict) and e.get("message") and str(e.get("message")) not in message
    ]
    if details:
        message += " (" + "; ".join(details[:3]) + ")"
    category = body.get("category") or body.get("policyName") or body.get("errorType")
    correlation = body.get("correlationId")
    return (
        message,
        str(category) if category else None,
        str(correlation) if correlation else None,
        body,
    )


def missing_scopes(body: JsonObject) -> list[str]:
    scopes: list[str] = []
    for error in body.get("errors") or []:
        context = error.get("context") if isinstance(error, dict) else None
        if isinstance(context, dict):
            for key in ("requiredGranularScopes", "missingScopes", "requiredScopes"):
                scopes += [str(s) for s in context.get(key) or []]
    context = body.get("context")
    if isinstance(context, dict):
        scopes += [str(s) for s in context.get("missingScopes") or []]
    return list(dict.fromkeys(scopes)) or [WRITE_SCOPE]


class UpsertEngine:
    """Runs upserts for one connection and token. One run at a time per engine."""

    def __init__(
        self,
        settings: ConnectionSettings,
        token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        seed: int | None = None,
    ) -> None:
        self.settings = settings
        self._token = token
        self._sleep = sleep
        self._clock = clock
        self._random = random.Random(seed)
        self._transport = transport
        self.limiter = RateLimiter(clock=clock, sleep=sleep)
        self._redactor = TokenRedactor(token)
        log.addFilter(self._redactor)

    def close(self) -> None:
        log.removeFilter(self._redactor)

    def _client(self) -> httpx.Client:
        limits = httpx.Limits(max_connections=max(1, self.settings.concurrency) + 2)
        return httpx.Client(
            base_url=self.settings.base_url.rstrip("/"),
            headers={
                "Authorization": f"Bearer {self._token}",
                "User-Agent": f"hubevents/{__version__}",
                "Accept": "application/json",
            },
            timeout=self.settings.timeout,
            transport=self._transport,
            limits=limits,
        )

    # ------------------------------------------------------------------ the run

    def run(
        self,
        items: Sequence[Item],
        on_outcomes: Callable[[list[Outcome]], None],
        cancel: threading.Event | None = None,
    ) -> RunReport:
        """Send every item; ``on_outcomes`` gets each outcome once, from worker threads (one
        call at a time), as soon as it is known. Returns when every row has its outcome."""
        run = _Run(self, items, on_outcomes, cancel or threading.Event())
        return run.execute()


class _Run:
    """The state of one run, shared by its worker threads under one condition variable."""

    def __init__(
        self,
        engine: UpsertEngine,
        items: Sequence[Item],
        on_outcomes: Callable[[list[Outcome]], None],
        cancel: threading.Event,
    ) -> None:
        self.engine = engine
        self.settings = engine.settings
        self.on_outcomes = on_outcomes
        self.cancel = cancel
        self.lock = threading.Condition()
        self.emit_lock = threading.Lock()
        batches = compose_batches(items, max(1, self.settings.batch_size))
        self.ready: deque[_Unit] = deque(_Unit(b) for b in batches)
        self.waiting: list[_Unit] = []
        self.in_flight = 0
        self.final: dict[RowId, Outcome] = {}
        self.report = RunReport(rows=len(items))
        budget = self.settings.max_split_requests
        self.split_budget = 8 * len(batches) + 40 if budget is None else budget
        self.stop_reason: StopReason | None = None
        self.path = self.settings.events_path()

    def execute(self) -> RunReport:
        self.report.started = self.engine._clock()
        with self.engine._client() as http:
            self.http = http
            workers = [
                threading.Thread(target=self._work, name=f"hubevents-upsert-{i}", daemon=True)
                for i in range(max(1, self.settings.concurrency))
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        self.report.finished = self.engine._clock()
        if self.cancel.is_set() and self.stop_reason is None:
            self.report.stopped = StopReason.CANCELLED
        return self.report

    # ------------------------------------------------------------------ scheduling

    def _stopping(self) -> bool:
        return self.stop_reason is not None or self.cancel.is_set()

    def _next(self) -> _Unit | None:
        with self.lock:
            while True:
                if self._stopping():
                    self._abandon_queued()
                    return None
                now = self.engine._clock()
                due = [u for u in self.waiting if u.not_before <= now]
                for unit in due:
                    self.waiting.remove(unit)
                    self.ready.append(unit)
                if self.ready:
                    self.in_flight += 1
                    return self.ready.popleft()
                if not self.waiting and self.in_flight == 0:
                    self.lock.notify_all()
                    return None
                wake = min((u.not_before for u in self.waiting), default=now + 0.25)
                self.lock.wait(max(0.001, min(wake - now, 0.25)))

    def _finished_unit(self, follow_ups: Sequence[_Unit] = ()) -> None:
        with self.lock:
            self.in_flight -= 1
            for unit in follow_ups:
                if unit.not_before > self.engine._clock():
                    self.waiting.append(unit)
                else:
                    self.ready.append(unit)
            self.lock.notify_all()

    def _abandon_queued(self) -> None:
        """Called with the lock held: every queued row is not sent, with the reason."""
        units = [*self.ready, *self.waiting]
        self.ready.clear()
        self.waiting.clear()
        reason = self.stop_reason or StopReason.CANCELLED
        for unit in units:
            self._emit(
                [
                    Outcome(row_id, RowStatus.NOT_SENT, message=self._not_sent_text(reason))
                    for row_id, _ in unit.items
                ]
            )

    def _not_sent_text(self, reason: StopReason) -> str:
        if reason is StopReason.CANCELLED:
            return "not sent: the run was cancelled"
        if reason is StopReason.DAILY_LIMIT:
            return "not sent: HubSpot's daily request limit is reached; send again tomorrow"
        return f"not sent: {reason.value}: {self.report.stop_message}"

    def _stop(self, reason: StopReason, message: str) -> None:
        with self.lock:
            if self.stop_reason is None:
                self.stop_reason = reason
                self.report.stopped = reason
                self.report.stop_message = redact(message, self.engine._token)
            self.lock.notify_all()
        self.engine.limiter.wake()

    def _emit(self, outcomes: list[Outcome]) -> None:
        """Hand outcomes out once per row, in one thread at a time."""
        token = self.engine._token
        fresh: list[Outcome] = []
        with self.emit_lock:
            for outcome in outcomes:
                if outcome.row_id in self.final:
                    continue  # never twice, whatever a resend brought back
                if token and token in outcome.message:
                    outcome = Outcome(
                        outcome.row_id,
                        outcome.status,
                        outcome.hubspot_id,
                        redact(outcome.message, token),
                        outcome.http_status,
                        outcome.category,
                        outcome.correlation_id,
                    )
                self.final[outcome.row_id] = outcome
                fresh.append(outcome)
                report = self.report
                if outcome.status is RowStatus.CREATED:
                    report.created += 1
                elif outcome.status is RowStatus.UPDATED:
                    report.updated += 1
                elif outcome.status is RowStatus.FAILED:
                    report.failed += 1
                else:
                    report.not_sent += 1
            if fresh:
                self.on_outcomes(fresh)

    # ------------------------------------------------------------------ one batch

    def _work(self) -> None:
        lower_priority()
        while (unit := self._next()) is not None:
            follow_ups: list[_Unit] = []
            try:
                follow_ups = self._send(unit)
            except Exception as exc:  # a bug must not lose rows: they fail, with the reason
                log.exception("upsert worker failed")
                self.engine.limiter.observe({})  # a probe that never came back must not block
                self._emit(
                    [
                        Outcome(r, RowStatus.FAILED, message=f"internal error: {exc!r}")
                        for r, _ in unit.items
                    ]
                )
            finally:
                self._finished_unit(follow_ups)

    def _backoff(self, attempt: int) -> float:
        # exponential with full jitter: 0.5 s, 1 s, 2 s, ... capped at 30 s
        ceiling = min(30.0, self.settings.backoff_base * 2 ** (attempt - 1))
        return self.engine._random.uniform(ceiling / 5, ceiling)

    def _retry(
        self, unit: _Unit, why: str, status: int | None, minimum: float = 0.0
    ) -> list[_Unit]:
        if unit.attempt >= self.settings.max_attempts:
            self._emit(
                [
                    Outcome(
                        row_id,
                        RowStatus.FAILED,
                        message=f"{why} (gave up after {unit.attempt} attempts)",
                        http_status=status,
                    )
                    for row_id, _ in unit.items
                ]
            )
            return []
        self.report.retries += 1
        delay = max(minimum, self._backoff(unit.attempt))
        log.info("retrying %d rows in %.1f s: %s", len(unit.items), delay, why)
        return [_Unit(unit.items, unit.attempt + 1, self.engine._clock() + delay)]

    def _send(self, unit: _Unit) -> list[_Unit]:
        if not self.engine.limiter.acquire(self._stopping):
            with self.lock:
                reason = self.stop_reason or StopReason.CANCELLED
            self._emit(
                [
                    Outcome(r, RowStatus.NOT_SENT, message=self._not_sent_text(reason))
                    for r, _ in unit.items
                ]
            )
            return []
        self.report.requests += 1
        try:
            response = self.http.post(
                self.path + "/upsert", json={"inputs": [body for _, body in unit.items]}
            )
        except httpx.TimeoutException:
            self.engine.limiter.observe({})
            return self._retry(unit, "HubSpot did not answer in time", None)
        except httpx.TransportError as exc:
            self.engine.limiter.observe({})
            return self._retry(unit, f"connection failed: {type(exc).__name__}: {exc}", None)
        self.engine.limiter.observe(response.headers)
        status = response.status_code
        if status in (200, 207):
            return self._read_results(unit, response)
        message, category, correlation, body = error_text(response)
        if status == 429:
            return self._rate_limited(unit, response, body, message)
        if status == 401:
            self._stop(StopReason.UNAUTHORIZED, f"HTTP 401 {category or ''}: {message}".strip())
            self._emit_not_sent(unit)
            return []
        if status == 403:
            self.report.missing_scopes = missing_scopes(body)
            self._stop(StopReason.FORBIDDEN, f"HTTP 403 {category or ''}: {message}")
            self._emit_not_sent(unit)
            return []
        if status == 423:
            return self._retry(
                unit, f"HTTP 423 Locked: {message}", status, minimum=self.settings.locked_wait
            )
        if status in _TRANSIENT:
            return self._retry(unit, f"HTTP {status}: {message}", status)
        return self._rejected(unit, status, message, category, correlation, body)

    def _emit_not_sent(self, unit: _Unit) -> None:
        reason = self.stop_reason or StopReason.CANCELLED
        self._emit(
            [
                Outcome(r, RowStatus.NOT_SENT, message=self._not_sent_text(reason))
                for r, _ in unit.items
            ]
        )

    def _rate_limited(
        self, unit: _Unit, response: httpx.Response, body: JsonObject, message: str
    ) -> list[_Unit]:
        self.report.rate_limited += 1
        if body.get("policyName") == "DAILY":
            self._stop(StopReason.DAILY_LIMIT, message)
            self._emit_not_sent(unit)
            return []
        retry_after: float | None
        try:
            retry_after = float(response.headers["Retry-After"])
        except (KeyError, ValueError):
            retry_after = None
        pause = self.engine.limiter.pause(retry_after)
        log.info("rate limited (%s); waiting %.1f s", body.get("policyName"), pause)
        if unit.rate_limited >= 50:  # something is badly off: do not loop for ever
            return self._retry(unit, f"HTTP 429: {message}", 429)
        return [_Unit(unit.items, unit.attempt, 0.0, unit.rate_limited + 1)]

    def _rejected(
        self,
        unit: _Unit,
        status: int,
        message: str,
        category: str | None,
        correlation: str | None,
        body: JsonObject,
    ) -> list[_Unit]:
        items = unit.items
        if len(items) == 1:
            self._emit(
                [
                    Outcome(
                        items[0][0],
                        RowStatus.FAILED,
                        message=message,
                        http_status=status,
                        category=category,
                        correlation_id=correlation,
                    )
                ]
            )
            return []
        if self.split_budget < 2:
            self._emit(
                [
                    Outcome(
                        r,
                        RowStatus.FAILED,
                        http_status=status,
                        category=category,
                        correlation_id=correlation,
                        message=f"{message} (the batch was not split further: the limit of "
                        "extra requests for isolating bad rows was reached)",
                    )
                    for r, _ in items
                ]
            )
            return []
        # the error may name an input: send it alone and the rest together; else halve
        named = _named_index(body, len(items))
        if named is not None:
            parts = [[items[named]], items[:named] + items[named + 1 :]]
        else:
            middle = len(items) // 2
            parts = [items[:middle], items[middle:]]
        # each split costs two requests where the plan had none
        self.split_budget -= len(parts)
        self.report.split_requests += len(parts)
        return [_Unit(part, unit.attempt) for part in parts if part]

    def _read_results(self, unit: _Unit, response: httpx.Response) -> list[_Unit]:
        try:
            body = response.json()
        except ValueError:
            return self._retry(
                unit,
                f"HTTP {response.status_code} with a body that is not JSON",
                response.status_code,
            )
        results = body.get("results") if isinstance(body, dict) else None
        results = [r for r in results or [] if isinstance(r, dict)]
        errors = [e for e in (body.get("errors") or []) if isinstance(e, dict)]
        if not results and not errors:
            # never success: HubSpot said nothing about these rows
            return self._retry(
                unit, "HubSpot answered with no results for this batch", response.status_code
            )
        matched, unmatched = attribute(unit.items, results)
        self._emit([outcome_of(row_id, result) for row_id, result in matched.items()])
        if not unmatched:
            return []
        bodies = dict(unit.items)
        named = _errors_by_event(errors)
        failed = []
        for row_id in list(unmatched):
            error = named.get(str(bodies[row_id].get("externalEventId")))
            if error is not None:
                failed.append(
                    Outcome(
                        row_id,
                        RowStatus.FAILED,
                        message=str(error.get("message") or "error"),
                        http_status=response.status_code,
                        category=error.get("category"),
                    )
                )
                unmatched.remove(row_id)
        self._emit(failed)
        return self._confirm(unit, [(row_id, bodies[row_id]) for row_id in unmatched])

    def _confirm(self, unit: _Unit, items: list[Item]) -> list[_Unit]:
        """Ask HubSpot about rows no result could be pinned on; resend what it does not have."""
        resend: list[Item] = []
        for row_id, body in items:
            if not self.engine.limiter.acquire(self._stopping):
                self._emit_not_sent(_Unit([(row_id, body)]))
                continue
            self.report.confirm_requests += 1
            event_id = quote(str(body["externalEventId"]), safe="")
            try:
                response = self.http.get(
                    f"{self.path}/{event_id}",
                    params={"externalAccountId": str(body["externalAccountId"])},
                )
            except httpx.TransportError:
                self.engine.limiter.observe({})
                resend.append((row_id, body))
                continue
            self.engine.limiter.observe(response.headers)
            found = response.json() if response.status_code == 200 else None
            if isinstance(found, dict) and attribute([(row_id, body)], [found])[0]:
                self._emit([outcome_of(row_id, found)])
            else:
                resend.append((row_id, body))
        if not resend:
            return []
        return self._retry(_Unit(resend, unit.attempt), "HubSpot did not confirm these rows", None)


def _named_index(body: JsonObject, size: int) -> int | None:
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            continue
        for text in (error.get("in"), error.get("message")):
            match = _INPUT_INDEX.search(str(text or ""))
            if match and int(match.group(1)) < size:
                return int(match.group(1))
        context = error.get("context")
        if isinstance(context, dict):
            for value in context.get("index") or []:
                if str(value).isdigit() and int(value) < size:
                    return int(value)
    match = _INPUT_INDEX.search(str(body.get("message") or ""))
    if match and int(match.group(1)) < size:
        return int(match.group(1))
    return None


def _errors_by_event(errors: list[JsonObject]) -> dict[str, JsonObject]:
    """Errors of a 207 that name their rows' externalEventId in their context."""
    named: dict[str, JsonObject] = {}
    for error in errors:
        context = error.get("context")
        if isinstance(context, dict):
            for key in ("externalEventId", "externalEventIds", "ids"):
                for value in context.get(key) or []:
                    named[str(value)] = error
    return named


def check_token(
    settings: ConnectionSettings, token: str, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """Portal id, app id and scopes of a token (private-app token info, then account details).

    Raises ConnectionCheckError with a sentence naming the HTTP status on failure.
    """
    with httpx.Client(
        base_url=settings.base_url.rstrip("/"), timeout=settings.timeout, transport=transport
    ) as http:
        try:
            info = http.post(
                "/oauth/v2/private-apps/get/access-token-info", json={"tokenKey": token}
            )
        except httpx.HTTPError as exc:
            raise ConnectionCheckError(
                f"cannot reach {settings.base_url}: {type(exc).__name__}"
            ) from None
        if info.status_code != 200:
            message, category, _, _ = error_text(info)
            raise ConnectionCheckError(
                redact(f"HTTP {info.status_code} {category or ''}: {message}", token)
            )
        data: dict[str, Any] = info.json()
        scopes = [str(s) for s in data.get("scopes") or []]
        return {
            "portal_id": data.get("hubId"),
            "app_id": data.get("appId"),
            "scopes": scopes,
            "can_write": WRITE_SCOPE in scopes,
        }


class ConnectionCheckError(Exception):
    """A connection test failed; the message names the status and never the token."""


def start_recorded_run(
    history: RunHistory,
    where: str,
    table: EventTable,
    items: Sequence[Item],
    batch_size: int,
) -> str:
    """Record a run in the history before anything is sent, each row with its planned batch."""
    planned = {
        row_id: number
        for number, batch in enumerate(compose_batches(items, max(1, batch_size)))
        for row_id, _ in batch
    }
    source = {row.row_id: row.source_row for row in table.rows}
    return history.start_run(
        where,
        str(table.file or ""),
        table.sheet or "",
        [(row_id, source.get(row_id), planned[row_id], body) for row_id, body in items],
    )


def finish_recorded_run(history: RunHistory, run_id: str, report: RunReport) -> None:
    counts = {
        "created": report.created,
        "updated": report.updated,
        "failed": report.failed,
        "not_sent": report.not_sent,
        "requests": report.requests,
    }
    history.finish_run(run_id, counts, report.stopped.value if report.stopped else "")
