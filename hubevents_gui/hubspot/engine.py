"""The upsert engine: every row to a definite, correct outcome, as fast as HubSpot allows.

Rows go in batches (composed once, by :mod:`batching`) through a few worker threads under a
:class:`RateLimiter` that learns the real limit. Results are matched to rows by what they echo,
never by order; what stays unmatched is confirmed with a GET where the endpoint (see
:mod:`endpoints`) has one, else sent again. Transient failures (5xx, 423, timeouts, resets) are
retried with backoff and jitter; a 4xx that rejects a whole batch is split until each bad row
stands alone, unless the endpoint says no row of it can pass; a 429 waits; a daily 429, a 401
or a 403 stops the run and the rest are "not sent". The endpoints' writes are idempotent, so a
resend is safe, and a row is never reported twice.

Every count of the run's report is changed under the run's one lock, and no caller's code runs
while the engine holds it. No Qt here: the window's worker thread calls :meth:`UpsertEngine.run`.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import httpx

from hubevents_gui.core.redaction import TokenRedactor, redact
from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.threads import lower_priority
from hubevents_gui.hubspot.batching import Batch, Item
from hubevents_gui.hubspot.endpoints import EVENT_UPSERT, Endpoint
from hubevents_gui.hubspot.errors import (
    TRANSIENT,
    batch_limit,
    error_text,
    missing_scopes,
    named_index,
    network_sentence,
)
from hubevents_gui.hubspot.http import open_client
from hubevents_gui.hubspot.quota import Quota
from hubevents_gui.hubspot.ratelimit import RateLimiter
from hubevents_gui.hubspot.report import RunReport, StopReason
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.token_check import clean_token
from hubevents_gui.hubspot.wire import JsonObject

log = logging.getLogger("hubevents.upsert")


@dataclass
class _Unit:
    """A batch on its way: its rows, how often it was tried, when it may go again."""

    items: list[Item]
    attempt: int = 1
    not_before: float = 0.0
    rate_limited: int = 0


class UpsertEngine:
    """Runs upserts for one connection and token. One run at a time per engine."""

    def __init__(
        self,
        settings: ConnectionSettings,
        token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        seed: int | None = None,
        quota: Quota | None = None,
    ) -> None:
        self.settings = settings
        # a token that cannot go into a header fails here, with its position, before any row
        self._token = token = clean_token(token)
        self._clock = clock
        self._random = random.Random(seed)
        self._transport = transport
        self.limiter = RateLimiter(clock=clock)
        #: requests left today and in the window, from every answer (the caller may pass the
        #: connection's own, read before the run, and read it during and after)
        self.quota = quota if quota is not None else Quota()
        self._redactor = TokenRedactor(token)
        log.addFilter(self._redactor)

    def close(self) -> None:
        log.removeFilter(self._redactor)

    def _client(self) -> httpx.Client:
        connections = max(1, self.settings.concurrency) + 2
        return open_client(self.settings, self._token, self._transport, connections=connections)

    # ------------------------------------------------------------------ the run

    def run(
        self,
        batches: Sequence[Batch],
        on_outcomes: Callable[[list[Outcome]], None],
        cancel: threading.Event | None = None,
        abandon: threading.Event | None = None,
        endpoint: Endpoint | None = None,
    ) -> RunReport:
        """Send every batch (see batching.compose_batches); ``on_outcomes`` gets each outcome
        once, as soon as it is known, from the worker threads: it must be thread-safe, and it
        is never called with the engine's lock held. Returns when every row has its outcome.

        ``cancel`` sends nothing new and waits for the requests in flight. ``abandon`` stops
        waiting too: the rows in flight end "not sent" (they may have reached HubSpot), and
        whatever answer comes for them later is dropped (a row is never reported twice).

        ``endpoint``: where the batches go and how their answers read (default: the events'
        upsert; hubspot.attendance.ATTENDANCE records attendees)."""
        run = _Run(
            self, batches, on_outcomes, cancel or threading.Event(), endpoint or EVENT_UPSERT
        )
        return run.execute(abandon or threading.Event())


class _Run:
    """The state of one run, shared by its worker threads under one condition variable."""

    def __init__(
        self,
        engine: UpsertEngine,
        batches: Sequence[Batch],
        on_outcomes: Callable[[list[Outcome]], None],
        cancel: threading.Event,
        endpoint: Endpoint,
    ) -> None:
        self.engine = engine
        self.endpoint = endpoint
        self.settings = engine.settings
        self.on_outcomes = on_outcomes
        self.cancel = cancel
        #: guards everything below: the queues, the final outcomes and every count
        self.lock = threading.Condition()
        self.ready: deque[_Unit] = deque(_Unit(list(b)) for b in batches)
        self.waiting: list[_Unit] = []
        self.in_flight = 0
        self.final: dict[RowId, Outcome] = {}
        #: every row of the run, in order (an abandoned run accounts for each)
        self.all_rows = [row_id for batch in batches for row_id, _ in batch]
        self.report = RunReport(rows=len(self.all_rows))
        budget = self.settings.max_split_requests
        self.split_budget = 8 * len(batches) + 40 if budget is None else budget
        self.stop_reason: StopReason | None = None
        #: the most inputs the endpoint said it takes per request (0: not told yet)
        self.max_inputs = 0

    def execute(self, abandon: threading.Event) -> RunReport:
        self.report.started = self.engine._clock()
        http = self.http = self.engine._client()
        workers = [
            threading.Thread(target=self._work, name=f"hubevents-upsert-{i}", daemon=True)
            for i in range(max(1, self.settings.concurrency))
        ]
        for worker in workers:
            worker.start()
        # joined in short waits: a signal handler in the caller's thread runs in between, and
        # ``abandon`` is looked at
        while any(worker.is_alive() for worker in workers):
            if abandon.is_set():
                self._abandon()
                break
            for worker in workers:
                worker.join(0.05)
        else:
            http.close()  # an abandoned client goes with its workers, which may still use it
        self.report.finished = self.engine._clock()
        if self.cancel.is_set() and self.stop_reason is None:
            self.report.stopped = StopReason.CANCELLED
        return self.report

    # ------------------------------------------------------------------ scheduling

    def _stopping(self) -> bool:
        return self.stop_reason is not None or self.cancel.is_set()

    def _next(self) -> _Unit | None:
        abandoned: list[Outcome] = []
        try:
            with self.lock:
                while True:
                    if self._stopping():
                        abandoned = self._take_queued()
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
        finally:
            self._emit(abandoned)  # outside the lock: the caller's code runs here

    def _finished_unit(self, follow_ups: Sequence[_Unit] = ()) -> None:
        with self.lock:
            self.in_flight -= 1
            for unit in follow_ups:
                if unit.not_before > self.engine._clock():
                    self.waiting.append(unit)
                else:
                    self.ready.append(unit)
            self.lock.notify_all()

    def _take_queued(self) -> list[Outcome]:
        """Called with the lock held: every queued row becomes "not sent", with the reason."""
        units = [*self.ready, *self.waiting]
        self.ready.clear()
        self.waiting.clear()
        text = self._not_sent_text(self.stop_reason or StopReason.CANCELLED)
        return [
            Outcome(row_id, RowStatus.NOT_SENT, message=text)
            for u in units
            for row_id, _ in u.items
        ]

    def _abandon(self) -> None:
        """Stop waiting: every row without an outcome ends "not sent", saying it may be in."""
        with self.lock:
            # queued rows on their first try were never sent: they say so, as a cancel does;
            # a retry's rows may have reached HubSpot the time before (a timeout, a reset)
            units = [*self.ready, *self.waiting]
            self.ready.clear()
            self.waiting.clear()
            never = {r for u in units if u.attempt == 1 for r, _ in u.items}
            cancelled = self._not_sent_text(StopReason.CANCELLED)
            self.stop_reason = self.report.stopped = StopReason.INTERRUPTED
            left = [r for r in self.all_rows if r not in self.final and r not in never]
            self.lock.notify_all()
        self.engine.limiter.wake()
        self._emit([Outcome(r, RowStatus.NOT_SENT, message=cancelled) for r in never])
        self._emit(
            [
                Outcome(
                    row_id,
                    RowStatus.NOT_SENT,
                    message="not sent: interrupted, may have reached HubSpot; run again to confirm",
                )
                for row_id in left
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

    def _count(self, name: str, by: int = 1) -> None:
        """Add to one of the report's request counters (several workers count at once)."""
        with self.lock:
            setattr(self.report, name, getattr(self.report, name) + by)

    def _take_split_budget(self, requests: int) -> bool:
        """Reserve ``requests`` extra requests for splitting a rejected batch, if any are left."""
        with self.lock:
            if self.split_budget < requests:
                return False
            self.split_budget -= requests
            self.report.split_requests += requests
            return True

    def _emit(self, outcomes: list[Outcome]) -> None:
        """Hand outcomes out once per row: deduplicated and counted under the lock, delivered
        after it is released."""
        if not outcomes:
            return
        token = self.engine._token
        fresh: list[Outcome] = []
        with self.lock:
            for outcome in outcomes:
                if outcome.row_id in self.final:
                    continue  # never twice, whatever a resend brought back
                if token and token in outcome.message:
                    outcome = replace(outcome, message=redact(outcome.message, token))
                self.final[outcome.row_id] = outcome
                fresh.append(outcome)
                self.report.counts.add(outcome.status)
                if outcome.dropped:
                    self.report.add_dropped(outcome.dropped)
        if fresh:
            self.on_outcomes(fresh)

    def _fail(
        self,
        items: Sequence[Item],
        message: str,
        status: int | None = None,
        category: str | None = None,
        correlation: str | None = None,
    ) -> None:
        """Every row of ``items`` failed, for the same reason."""
        self._emit(
            [
                Outcome(
                    r,
                    RowStatus.FAILED,
                    message=message,
                    http_status=status,
                    category=category,
                    correlation_id=correlation,
                )
                for r, _ in items
            ]
        )

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
                self._fail(unit.items, f"internal error: {exc!r}")
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
            self._fail(unit.items, f"{why} (gave up after {unit.attempt} attempts)", status)
            return []
        self._count("retries")
        delay = max(minimum, self._backoff(unit.attempt))
        log.info("retrying %d rows in %.1f s: %s", len(unit.items), delay, why)
        return [_Unit(unit.items, unit.attempt + 1, self.engine._clock() + delay)]

    def _send(self, unit: _Unit) -> list[_Unit]:
        limit = self.max_inputs
        if limit and len(unit.items) > limit:
            # the endpoint said how many it takes: the planned batches follow, unsent
            return _chunks(unit, limit)
        if not self.engine.limiter.acquire(self._stopping):
            self._emit_not_sent(unit)
            return []
        self._count("requests")
        path, params, body = self.endpoint.request(self.settings, unit.items)
        try:
            response = (
                self.http.post(path, params=params)
                if body is None
                else self.http.post(path, params=params, json=body)
            )
        except httpx.TimeoutException:
            self.engine.limiter.observe({})
            return self._retry(unit, "HubSpot did not answer in time", None)
        except httpx.TransportError as exc:
            self.engine.limiter.observe({})
            return self._retry(unit, network_sentence(exc, self.settings.base_url), None)
        self.engine.limiter.observe(response.headers)
        self.engine.quota.observe(response.headers)
        status = response.status_code
        if status in (200, 204, 207):
            return self._read_results(unit, response)
        message, category, correlation, body = error_text(response)
        if status == 429:
            return self._rate_limited(unit, response, body, message)
        if status == 401:
            self._stop(StopReason.UNAUTHORIZED, f"HTTP 401 {category or ''}: {message}".strip())
            self._emit_not_sent(unit)
            return []
        if status == 403:
            with self.lock:
                self.report.missing_scopes = missing_scopes(body)
            self._stop(StopReason.FORBIDDEN, f"HTTP 403 {category or ''}: {message}")
            self._emit_not_sent(unit)
            return []
        if status == 423:
            return self._retry(
                unit, f"HTTP 423 Locked: {message}", status, minimum=self.settings.locked_wait
            )
        if status in TRANSIENT:
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
        self._count("rate_limited")
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
        if self.endpoint.fails_whole(status, message):
            # what every row of the batch shares is refused (an unknown event): no row can
            # pass, and splitting would only repeat the refusal
            self._fail(items, message, status, category, correlation)
            return []
        limit = batch_limit(status, message)
        if limit is not None and len(items) > 1:
            # not a bad row but too many in one request: smaller requests, not a search for
            # bad rows (no split budget), and every later batch is cut to fit before it goes
            size = limit if 0 < limit < len(items) else len(items) // 2
            with self.lock:
                self.max_inputs = min(self.max_inputs or size, size)
                self.report.split_requests += -(-len(items) // size)
            log.info("the endpoint takes at most %d inputs per request: splitting", size)
            return _chunks(unit, size)
        if len(items) == 1:
            self._fail(items, message, status, category, correlation)
            return []
        # the error may name an input: send it alone and the rest together; else halve
        named = named_index(body, len(items))
        if named is not None:
            parts = [[items[named]], items[:named] + items[named + 1 :]]
        else:
            middle = len(items) // 2
            parts = [items[:middle], items[middle:]]
        # each split costs two requests where the plan had none
        if not self._take_split_budget(len(parts)):
            why = (
                f"{message} (the batch was not split further: the limit of extra requests "
                "for isolating bad rows was reached)"
            )
            self._fail(items, why, status, category, correlation)
            return []
        return [_Unit(part, unit.attempt) for part in parts if part]

    def _read_results(self, unit: _Unit, response: httpx.Response) -> list[_Unit]:
        if response.status_code == 204:  # no content: what it means is the endpoint's to say
            return self._outcomes(unit, [], [], 204)
        try:
            body = response.json()
        except ValueError:
            return self._retry(
                unit,
                f"HTTP {response.status_code} with a body that is not JSON",
                response.status_code,
            )
        listed: object
        if self.endpoint.single:
            listed = [body]
        else:
            listed = body.get("results") if isinstance(body, dict) else None
        results = [r for r in listed if isinstance(r, dict)] if isinstance(listed, list) else []
        found = body.get("errors") if isinstance(body, dict) else None
        errors = [e for e in found or [] if isinstance(e, dict)]
        if not results and not errors:
            # never success: HubSpot said nothing about these rows
            return self._retry(
                unit,
                "HubSpot did not confirm this row: its answer held no results",
                response.status_code,
            )
        return self._outcomes(unit, results, errors, response.status_code)

    def _outcomes(
        self, unit: _Unit, results: list[JsonObject], errors: list[JsonObject], status: int
    ) -> list[_Unit]:
        outcomes, unmatched = self.endpoint.read(unit.items, results, errors, status)
        self._emit(outcomes)
        resend = self._confirm(unmatched)
        if not resend:
            return []
        return self._retry(_Unit(resend, unit.attempt), "HubSpot did not confirm this row", None)

    def _confirm(self, items: list[Item]) -> list[Item]:
        """Ask HubSpot about rows no result could be pinned on, where the endpoint has a way
        to ask: the rows to send again."""
        resend: list[Item] = []
        for row_id, body in items:
            asked = self.endpoint.confirm_request(self.settings, body)
            if asked is None:
                resend.append((row_id, body))
                continue
            if not self.engine.limiter.acquire(self._stopping):
                self._emit_not_sent(_Unit([(row_id, body)]))
                continue
            self._count("confirm_requests")
            try:
                response = self.http.get(asked[0], params=asked[1])
            except httpx.TransportError:
                self.engine.limiter.observe({})
                resend.append((row_id, body))
                continue
            self.engine.limiter.observe(response.headers)
            self.engine.quota.observe(response.headers)
            found = response.json() if response.status_code == 200 else None
            outcome = (
                self.endpoint.confirmed(row_id, body, found) if isinstance(found, dict) else None
            )
            if outcome is not None:
                self._emit([outcome])
            else:
                resend.append((row_id, body))
        return resend


def _chunks(unit: _Unit, size: int) -> list[_Unit]:
    items = unit.items
    return [_Unit(items[i : i + size], unit.attempt) for i in range(0, len(items), size)]
