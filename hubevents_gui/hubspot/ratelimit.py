"""A client-side rolling-window limiter that learns HubSpot's real limit from its headers.

HubSpot counts requests per app over a rolling window (100, 190 or 250 per 10 s, depending on the
account) and says so on every response: ``X-HubSpot-RateLimit-Max``, ``-Remaining`` and
``-Interval-Milliseconds``. The limiter keeps the send times of the last window and lets a request
go only while fewer than the limit were sent in it, so a run never trips the limit in steady
state. Until the first response has told the real limit, one request at a time goes out.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

#: slack against arrival jitter: the window the client keeps is this much longer than HubSpot's
_SLACK_SHARE = 0.02
_SLACK_SECONDS = 0.02


def _wait(condition: threading.Condition, seconds: float) -> None:
    condition.wait(seconds)


class RateLimiter:
    """Thread-safe. ``clock`` and ``wait`` (called with the lock held: it must release it
    while waiting, as Condition.wait does) are injectable, so tests can run on a fake clock."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[threading.Condition, float], None] = _wait,
    ) -> None:
        self._clock = clock
        self._wait = wait
        self._lock = threading.Condition()
        self._sent: deque[float] = deque()
        #: learned from headers; None until the first response says
        self.limit: int | None = None
        self.interval = 10.0
        self._paused_until = 0.0
        self._probing = False
        self._unlabelled = 0
        self.waited = 0.0

    def _window(self) -> float:
        return self.interval * (1 + _SLACK_SHARE) + _SLACK_SECONDS

    def acquire(self, cancelled: Callable[[], bool] = lambda: False) -> bool:
        """Wait until a request may go; False when ``cancelled`` turned true meanwhile."""
        with self._lock:
            while True:
                if cancelled():
                    return False
                now = self._clock()
                delay = self._delay(now)
                if delay <= 0:
                    self._sent.append(now)
                    if self.limit is None:
                        self._probing = True
                    return True
                started = now
                # wake up at least every 0.25 s to notice cancellation
                self._wait(self._lock, min(delay, 0.25))
                self.waited += max(0.0, self._clock() - started)

    def _delay(self, now: float) -> float:
        if now < self._paused_until:
            return self._paused_until - now
        if self.limit is None:
            # the real limit is not known yet: one request at a time until it is
            return 0.05 if self._probing else 0.0
        horizon = now - self._window()
        sent = self._sent
        while sent and sent[0] <= horizon:
            sent.popleft()
        if len(sent) < self.limit:
            return 0.0
        return sent[0] - horizon

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the limit from a response's X-HubSpot-RateLimit-* headers (``{}`` when a
        request got no response at all)."""
        maximum = _int(headers.get("x-hubspot-ratelimit-max"))
        interval_ms = _int(headers.get("x-hubspot-ratelimit-interval-milliseconds"))
        remaining = _int(headers.get("x-hubspot-ratelimit-remaining"))
        with self._lock:
            if maximum and maximum > 0:
                self.limit = maximum
            elif self.limit is None:
                self._unlabelled += 1
                if self._unlabelled >= 3:
                    # a proxy or endpoint that never says: concurrency alone limits the pace
                    self.limit = 10_000
            if interval_ms and interval_ms > 0:
                self.interval = interval_ms / 1000
            if remaining == 0 and self.limit is not None:
                # HubSpot says the window is full: trust it over our own count
                now = self._clock()
                while len(self._sent) < self.limit:
                    self._sent.append(now)
            self._probing = False
            self._lock.notify_all()

    def pause(self, seconds: float | None) -> float:
        """After a 429: hold every request for ``seconds`` (Retry-After), or until the window
        frees. Returns the pause."""
        with self._lock:
            now = self._clock()
            if seconds is None:
                seconds = self._window() if not self._sent else self._sent[0] + self._window() - now
            seconds = max(seconds, 0.05)
            self._paused_until = max(self._paused_until, now + seconds)
            self._probing = False
            self._lock.notify_all()
            return seconds

    def wake(self) -> None:
        with self._lock:
            self._lock.notify_all()


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None
