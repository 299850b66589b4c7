"""The request quota: read from answers' headers and the daily usage endpoint, said in one line,
and a run that needs more than is left today refused before it starts."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import httpx
import pytest
import respx

from hubevents_gui.core.rows import RowId
from hubevents_gui.hubspot.batching import compose_batches
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.quota import (
    USAGE_PATH,
    Quota,
    QuotaSnapshot,
    fetch_quota,
    planned_requests,
    shortfall,
)
from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Sandbox,
    SandboxConfig,
    SandboxServer,
    SandboxTransport,
)
from hubevents_gui.hubspot.settings import SANDBOX_URL, ConnectionSettings

BASE = "https://api.test"
NOW = 1_800_000_000.0

HEADERS = {
    "X-HubSpot-RateLimit-Daily": "250000",
    "X-HubSpot-RateLimit-Daily-Remaining": "249876",
    "X-HubSpot-RateLimit-Max": "100",
    "X-HubSpot-RateLimit-Remaining": "97",
    "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
}


def quota_at(now: float = NOW) -> Quota:
    return Quota(clock=lambda: now)


def observed(headers: dict[str, str]) -> QuotaSnapshot:
    quota = quota_at()
    quota.observe(httpx.Headers(headers))
    return quota.snapshot()


def test_headers_give_the_day_and_the_window_in_one_line() -> None:
    snapshot = observed(HEADERS)
    assert snapshot.line(now=NOW + 1) == (
        "HubSpot requests left: 249,876 of 250,000 today, 97 of 100 in this 10-second window"
    )
    # once the window has rolled on, only what it allows is known
    assert snapshot.line(now=NOW + 30) == (
        "HubSpot requests left: 249,876 of 250,000 today, up to 100 per 10-second window"
    )


def test_oauth_answers_without_daily_headers_show_only_the_window() -> None:
    window_only = {k: v for k, v in HEADERS.items() if "Daily" not in k}
    snapshot = observed(window_only)
    assert snapshot.daily_remaining is None
    assert snapshot.line(now=NOW) == "HubSpot requests left: 97 of 100 in this 10-second window"
    assert shortfall(10**9, snapshot) is None  # unknown never stops a run


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-HubSpot-RateLimit-Daily-Remaining": "lots", "X-HubSpot-RateLimit-Max": "-5"},
        {"X-HubSpot-RateLimit-Daily-Remaining": "", "X-HubSpot-RateLimit-Max": "1e3"},
    ],
)
def test_missing_or_garbled_headers_say_nothing(headers: dict[str, str]) -> None:
    snapshot = observed(headers)
    assert not snapshot.known
    assert snapshot.line() == "HubSpot requests left: unknown"


def test_a_late_answer_does_not_raise_the_count_but_a_new_day_does() -> None:
    now = [NOW]
    quota = Quota(clock=lambda: now[0])
    quota.observe(
        {"x-hubspot-ratelimit-daily": "1000", "x-hubspot-ratelimit-daily-remaining": "500"}
    )
    # an answer to a request sent earlier, arriving after: the lower figure stands
    quota.observe(
        {"x-hubspot-ratelimit-daily": "1000", "x-hubspot-ratelimit-daily-remaining": "503"}
    )
    assert quota.snapshot().daily_remaining == 500
    now[0] += 3600
    quota.observe(
        {"x-hubspot-ratelimit-daily": "1000", "x-hubspot-ratelimit-daily-remaining": "999"}
    )
    assert quota.snapshot().daily_remaining == 999


def usage_body(limit: object = 250_000, used: object = 124) -> dict[str, object]:
    return {
        "results": [
            {
                "name": "api-calls-daily",
                "usageLimit": limit,
                "currentUsage": used,
                "collectedAt": "2027-01-15T08:00:00Z",
                "fetchStatus": "SUCCESS",
                "resetsAt": "2027-01-16T05:00:00Z",
            }
        ]
    }


@respx.mock
def test_the_daily_usage_endpoint_gives_what_is_left_and_when_it_resets() -> None:
    route = respx.get(BASE + USAGE_PATH).mock(return_value=httpx.Response(200, json=usage_body()))
    now = datetime(2027, 1, 15, 9, tzinfo=UTC).timestamp()
    snapshot = fetch_quota(BASE, "pat-na1-x", quota_at(now))
    assert route.call_count == 1
    assert route.calls[0].request.headers["authorization"] == "Bearer pat-na1-x"
    assert snapshot.line(now=now) == "HubSpot requests left: 249,876 of 250,000 today"
    problem = shortfall(249_877, snapshot)
    assert problem is not None
    assert "needs 249,877 requests but HubSpot allows only 249,876 more today" in problem
    assert "2027-01-16 05:00 UTC" in problem
    assert shortfall(249_876, snapshot) is None


@respx.mock
def test_a_new_day_after_the_reset_has_the_whole_allowance() -> None:
    respx.get(BASE + USAGE_PATH).mock(
        return_value=httpx.Response(200, json=usage_body(used=250_000))
    )
    after_reset = datetime(2027, 1, 16, 6, tzinfo=UTC).timestamp()
    snapshot = fetch_quota(BASE, "t", quota_at(after_reset))
    assert snapshot.daily_remaining == 250_000


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (httpx.Response(403, json={"category": "MISSING_SCOPES"}), "HTTP 403"),
        (httpx.Response(404, text="not here"), "HTTP 404"),
        (httpx.Response(200, text="<html>"), "not usage figures"),
        (httpx.Response(200, json={"results": [{"usageLimit": "x"}]}), "not usage figures"),
        (httpx.Response(200, json=[1, 2]), "not usage figures"),
        (httpx.ConnectError("refused"), "could not be read: ConnectError"),
    ],
)
@respx.mock
def test_a_usage_endpoint_that_cannot_be_read_says_unknown(
    answer: httpx.Response | Exception, why: str
) -> None:
    respx.get(BASE + USAGE_PATH).mock(
        side_effect=answer if isinstance(answer, Exception) else None,
        return_value=answer if isinstance(answer, httpx.Response) else None,
    )
    snapshot = fetch_quota(BASE, "t", quota_at())
    assert snapshot.daily_remaining is None
    assert snapshot.line().startswith("HubSpot requests left: unknown (")
    assert why in snapshot.line()
    assert shortfall(1_000_000, snapshot) is None


@respx.mock
def test_a_refused_usage_read_still_learns_from_its_headers() -> None:
    respx.get(BASE + USAGE_PATH).mock(return_value=httpx.Response(403, headers=HEADERS))
    snapshot = fetch_quota(BASE, "t", quota_at())
    assert snapshot.daily_remaining == 249_876


def test_the_engine_keeps_the_sandbox_figures_during_a_run() -> None:
    sandbox = Sandbox(SandboxConfig(rate_limit=100))
    items = [
        (RowId(n), {"externalAccountId": "a", "externalEventId": str(n), "eventName": f"n{n}",
                    "eventOrganizer": "o", "customProperties": []})
        for n in range(250)
    ]  # fmt: skip
    engine = UpsertEngine(
        ConnectionSettings(base_url=SANDBOX_URL), DEFAULT_TOKEN,
        transport=SandboxTransport(sandbox),
    )  # fmt: skip
    try:
        engine.run(compose_batches(items, 100), lambda _o: None, threading.Event())
    finally:
        engine.close()
    snapshot = engine.quota.snapshot()
    assert (snapshot.daily_limit, snapshot.daily_remaining) == (250_000, 250_000 - 3)
    assert snapshot.window_max == 100
    assert snapshot.line().startswith("HubSpot requests left: 249,997 of 250,000 today, ")


def test_planned_requests_are_one_per_batch() -> None:
    assert planned_requests(0, 100) == 0
    assert planned_requests(1, 100) == 1
    assert planned_requests(201, 100) == 3


def test_the_sandbox_usage_endpoint_over_loopback() -> None:
    with SandboxServer(Sandbox(SandboxConfig(daily_limit=1_000))) as server:
        snapshot = fetch_quota(server.base_url, DEFAULT_TOKEN, Quota())
    assert snapshot.daily_limit == 1_000
    assert snapshot.daily_remaining is not None
    assert 998 <= snapshot.daily_remaining <= 1_000
    assert snapshot.resets_at is not None
    problem = shortfall(1_001, snapshot)
    assert problem is not None
    assert "needs 1,001 requests" in problem
