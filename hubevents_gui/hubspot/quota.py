"""The request quota: how many requests HubSpot still allows today and in the current window.

Every answer of HubSpot says it in headers (``X-HubSpot-RateLimit-Daily``, ``-Daily-Remaining``,
``-Max``, ``-Remaining``, ``-Interval-Milliseconds``; OAuth tokens get no daily ones), and the
daily usage endpoint says it when nothing has been sent yet. A :class:`Quota` keeps the latest of
both for one connection; the engine feeds it every answer, the CLI and the window read plain
:class:`QuotaSnapshot` copies of it, and :func:`shortfall` is the one check, before a run, of
whether the day has enough requests left for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # httpx loads with the first read, not when the window starts
    import httpx

USAGE_PATH = "/account-info/v3/api-usage/daily/private-apps"
#: daily figures younger than this are trusted before a run without asking HubSpot again: the
#: count only falls during a day, so an older figure can only say more is left than is
FRESH_SECONDS = 600.0
#: answers to requests in flight arrive out of order: a daily figure this much higher than
#: the last one, seen soon after it, is such a late answer (or a new day when it is more)
_JITTER = 250
_JITTER_SECONDS = 60.0


@dataclass(frozen=True)
class QuotaSnapshot:
    """What is known of the quota at one moment; None where nothing says."""

    daily_limit: int | None = None
    daily_remaining: int | None = None
    window_max: int | None = None
    window_remaining: int | None = None
    interval_ms: int | None = None
    #: wall-clock time (time.time()) of the figures
    daily_seen: float | None = None
    window_seen: float | None = None
    #: when the daily count starts again (the usage endpoint says; headers do not)
    resets_at: datetime | None = None
    #: why the daily usage could not be read (a sentence), when it could not
    usage_problem: str | None = None
    #: when the daily usage endpoint was last asked, whatever it answered
    usage_read: float | None = None

    @property
    def known(self) -> bool:
        return self.daily_remaining is not None or self.window_max is not None

    def fresh(self, now: float | None = None) -> bool:
        """Recent enough to decide a run on without asking again: the daily figures, or the
        usage endpoint's answer that it cannot tell (an OAuth token, a missing scope)."""
        now = time.time() if now is None else now
        return any(
            seen is not None and now - seen < FRESH_SECONDS
            for seen in (self.daily_seen, self.usage_read)
        )

    def line(self, where: str = "HubSpot", now: float | None = None) -> str:
        """One sentence for the status bar and the CLI's summary."""
        now = time.time() if now is None else now
        parts = []
        if self.daily_remaining is not None:
            limit = f" of {self.daily_limit:,}" if self.daily_limit else ""
            parts.append(f"{self.daily_remaining:,}{limit} today")
        if self.window_max is not None:
            seconds = (self.interval_ms or 10_000) / 1000
            span = f"{seconds:g}-second window"
            recent = self.window_seen is not None and now - self.window_seen < seconds
            if recent and self.window_remaining is not None:
                parts.append(f"{self.window_remaining:,} of {self.window_max:,} in this {span}")
            else:
                # the window has rolled on since: what it allows is all that is known
                parts.append(f"up to {self.window_max:,} per {span}")
        if not parts:
            why = f" ({self.usage_problem})" if self.usage_problem else ""
            return f"{where} requests left: unknown{why}"
        return f"{where} requests left: " + ", ".join(parts)


class Quota:
    """Thread-safe: the engine's workers observe answers while the window reads it."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state = QuotaSnapshot()

    def snapshot(self) -> QuotaSnapshot:
        with self._lock:
            state = self._state
            resets = state.resets_at
            if resets is not None and state.daily_limit and self._clock() >= resets.timestamp():
                # a new day began since: its whole allowance is left, as far as anyone said
                return replace(state, daily_remaining=state.daily_limit, resets_at=None)
            return state

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn from one answer's X-HubSpot-RateLimit-* headers (absent or garbled ones say
        nothing)."""
        daily = _count(headers.get("x-hubspot-ratelimit-daily"))
        daily_left = _count(headers.get("x-hubspot-ratelimit-daily-remaining"))
        maximum = _count(headers.get("x-hubspot-ratelimit-max"))
        left = _count(headers.get("x-hubspot-ratelimit-remaining"))
        interval = _count(headers.get("x-hubspot-ratelimit-interval-milliseconds"))
        now = self._clock()
        with self._lock:
            state = self._state
            if daily_left is not None:
                state = self._daily(state, daily or state.daily_limit, daily_left, now)
            if maximum:
                state = replace(
                    state,
                    window_max=maximum,
                    window_remaining=left,
                    interval_ms=interval or state.interval_ms,
                    window_seen=now,
                )
            self._state = state

    def observe_usage(self, body: Any, now: float | None = None) -> bool:
        """Learn from the daily usage endpoint's answer; False when it says nothing usable."""
        results = body.get("results") if isinstance(body, dict) else None
        entries = [r for r in results or [] if isinstance(r, dict)]
        entry = next((r for r in entries if r.get("name") == "api-calls-daily"), None)
        entry = entry or (entries[0] if entries else None)
        if entry is None:
            return False
        limit, used = _count(entry.get("usageLimit")), _count(entry.get("currentUsage"))
        if limit is None or used is None:
            return False
        collected = _instant(entry.get("collectedAt"))
        seen = collected.timestamp() if collected else (self._clock() if now is None else now)
        with self._lock:
            state = self._state
            if state.daily_seen is None or seen > state.daily_seen:
                # headers seen since the usage was collected know better
                state = self._daily(state, limit, max(0, limit - used), seen)
            self._state = replace(
                state,
                resets_at=_instant(entry.get("resetsAt")),
                usage_problem=None,
                usage_read=self._clock(),
            )
        return True

    def unreadable(self, why: str) -> None:
        with self._lock:
            self._state = replace(self._state, usage_problem=why, usage_read=self._clock())

    @staticmethod
    def _daily(state: QuotaSnapshot, limit: int | None, left: int, now: float) -> QuotaSnapshot:
        last, seen = state.daily_remaining, state.daily_seen
        late = (
            last is not None
            and seen is not None
            and limit == state.daily_limit
            and 0 < left - last <= _JITTER
            and now - seen < _JITTER_SECONDS
        )
        if late:
            return state  # an earlier request's answer: the lower figure is the newer one
        return replace(state, daily_limit=limit, daily_remaining=left, daily_seen=now)


def read_daily_usage(http: httpx.Client, quota: Quota) -> QuotaSnapshot:
    """One GET of the daily usage endpoint into ``quota``; never raises. What could not be read
    is "unknown" with the reason (a 403 for a token without the scope, a 404 where the
    endpoint does not exist, an OAuth token: it has none)."""
    import httpx

    try:
        response = http.get(USAGE_PATH)
    except httpx.HTTPError as exc:
        quota.unreadable(f"the daily usage could not be read: {type(exc).__name__}")
        return quota.snapshot()
    quota.observe(response.headers)
    if response.status_code != 200:
        quota.unreadable(f"HTTP {response.status_code} from the daily usage endpoint")
        return quota.snapshot()
    try:
        body = response.json()
    except ValueError:
        body = None
    if not quota.observe_usage(body):
        quota.unreadable("the daily usage endpoint's answer is not usage figures")
    return quota.snapshot()


def fetch_quota(
    base_url: str,
    token: str,
    quota: Quota,
    *,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 15.0,
) -> QuotaSnapshot:
    """:func:`read_daily_usage` with a client of its own (the CLI before a run, the window's
    worker when connecting)."""
    from hubevents_gui.hubspot.http import open_client
    from hubevents_gui.hubspot.settings import ConnectionSettings

    settings = ConnectionSettings(base_url=base_url, timeout=timeout)
    with open_client(settings, token, transport) as http:
        return read_daily_usage(http, quota)


def shortfall(needed: int, snapshot: QuotaSnapshot) -> str | None:
    """Why a run of ``needed`` requests cannot be sent today, or None when it can (or nobody
    knows: an unknown quota never stops a run)."""
    left = snapshot.daily_remaining
    if left is None or needed <= left:
        return None
    reset = "it starts again at midnight in the HubSpot account's time zone"
    if snapshot.resets_at is not None:
        reset = f"it starts again at {snapshot.resets_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return (
        f"this run needs {needed:,} {'request' if needed == 1 else 'requests'} but HubSpot "
        f"allows only {left:,} more today "
        f"(the daily count is shared by every app of the account; {reset})"
    )


def planned_requests(rows: int, batch_size: int) -> int:
    """Requests a run of ``rows`` needs at the least (one per batch)."""
    return -(-rows // max(1, batch_size))


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer():
        return int(value) if value >= 0 else None
    if isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            return None
        return number if number >= 0 else None
    return None


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
