"""The client-side rate limiter on a fake clock: what it lets go, when, and what it learns."""

from __future__ import annotations

import threading

import pytest

from hubevents_gui.hubspot.ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, _condition: threading.Condition, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def limiter(clock: FakeClock) -> RateLimiter:
    return RateLimiter(clock=clock, wait=clock.wait)


def headers(maximum: int, remaining: int, interval_ms: int = 10_000) -> dict[str, str]:
    return {
        "x-hubspot-ratelimit-max": str(maximum),
        "x-hubspot-ratelimit-remaining": str(remaining),
        "x-hubspot-ratelimit-interval-milliseconds": str(interval_ms),
    }


def test_one_request_at_a_time_until_the_limit_is_known(clock: FakeClock) -> None:
    limit = limiter(clock)
    assert limit.acquire()
    checks = iter([False] * 20 + [True])
    # the probe has not answered: a second request keeps waiting (here until it gives up)
    assert not limit.acquire(lambda: next(checks))
    assert len(clock.waits) == 20
    limit.observe(headers(100, 98))
    assert limit.limit == 100
    assert limit.interval == 10.0
    clock.waits.clear()
    assert limit.acquire()
    assert clock.waits == []


def test_a_full_window_waits_until_its_oldest_request_leaves(clock: FakeClock) -> None:
    limit = limiter(clock)
    limit.observe(headers(3, 3, 1000))
    for _ in range(3):
        assert limit.acquire()
    started = clock.now
    assert limit.acquire()  # the fourth waits about a second (the window, with slack)
    assert 1.0 <= clock.now - started <= 1.1
    assert limit.waited == pytest.approx(clock.now - started)


def test_remaining_zero_is_trusted_over_the_own_count(clock: FakeClock) -> None:
    limit = limiter(clock)
    limit.observe(headers(5, 0, 1000))
    started = clock.now
    assert limit.acquire()
    assert clock.now - started >= 1.0


def test_a_429_pauses_everyone_for_retry_after(clock: FakeClock) -> None:
    limit = limiter(clock)
    limit.observe(headers(100, 50))
    assert limit.pause(3.0) == 3.0
    started = clock.now
    assert limit.acquire()
    assert clock.now - started == pytest.approx(3.0)


def test_without_headers_the_pace_is_left_to_concurrency(clock: FakeClock) -> None:
    limit = limiter(clock)
    for _ in range(3):
        limit.observe({})
    assert limit.limit == 10_000


def test_cancelling_stops_a_wait(clock: FakeClock) -> None:
    limit = limiter(clock)
    limit.observe(headers(1, 0, 60_000))
    calls = iter([False, False, True])
    assert not limit.acquire(lambda: next(calls))
    assert clock.now - 1000.0 < 1.0  # it gave up after two short waits, not a minute
