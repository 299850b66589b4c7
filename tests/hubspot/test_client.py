"""The upsert engine against respx: every path, with the exact requests it makes."""

from __future__ import annotations

import json
import logging
import random
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.hubspot.batching import compose_batches
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.report import StopReason
from hubevents_gui.hubspot.settings import ConnectionSettings
from tests import openapi

BASE = "https://api.hubapi.com"
UPSERT = BASE + "/marketing/v3/marketing-events/events/upsert"
TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
LIMIT_HEADERS = {
    "X-HubSpot-RateLimit-Max": "100",
    "X-HubSpot-RateLimit-Remaining": "99",
    "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
}


def body(n: int, **extra: Any) -> dict[str, Any]:
    item = {
        "externalAccountId": "acme",
        "externalEventId": f"E{n}",
        "eventName": f"Event {n}",
        "eventOrganizer": "Acme",
        "startDateTime": "2026-03-04T09:30:00.000Z",
        "customProperties": [],
    }
    item.update(extra)
    return item


def items(count: int) -> list[tuple[RowId, dict[str, Any]]]:
    return [(RowId(n), body(n)) for n in range(count)]


def result_for(item: dict[str, Any], object_id: str, *, created: bool = True) -> dict[str, Any]:
    result = {k: v for k, v in item.items() if k not in ("externalAccountId", "externalEventId")}
    # HubSpot writes dates its own way: the engine compares instants, not text
    if "startDateTime" in result:
        result["startDateTime"] = result["startDateTime"].replace(".000Z", "Z")
    result.update(
        id=object_id,
        objectId=object_id,
        createdAt="2026-01-01T00:00:00.000Z",
        updatedAt="2026-01-01T00:00:00.000Z" if created else "2026-02-01T00:00:00.000Z",
    )
    return result


def echo(request: httpx.Request, *, created: bool = True, status: int = 200) -> httpx.Response:
    """What HubSpot answers: every input's result, in reverse order (order means nothing)."""
    inputs = json.loads(request.content)["inputs"]
    results = [
        result_for(i, str(9000 + int(i["externalEventId"][1:])), created=created) for i in inputs
    ]
    return httpx.Response(
        status,
        headers=LIMIT_HEADERS,
        json={
            "status": "COMPLETE",
            "results": results[::-1],
            "startedAt": "2026-01-01T00:00:00Z",
            "completedAt": "2026-01-01T00:00:01Z",
        },
    )


def engine(**settings: Any) -> UpsertEngine:
    # these tests pin the legacy v3 paths; the default version is tested on its own
    defaults: dict[str, Any] = {
        "api_version": "v3",
        "concurrency": 1,
        "backoff_base": 0.01,
        "locked_wait": 0.01,
    }
    defaults.update(settings)
    return UpsertEngine(ConnectionSettings(**defaults), TOKEN, seed=1)


def run(
    eng: UpsertEngine,
    work: list[tuple[RowId, dict[str, Any]]],
    cancel: threading.Event | None = None,
) -> tuple[dict[RowId, Outcome], Any]:
    got: dict[RowId, Outcome] = {}
    seen: Counter[RowId] = Counter()

    def collect(outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            seen[outcome.row_id] += 1
            got[outcome.row_id] = outcome

    report = eng.run(compose_batches(work, eng.settings.batch_size), collect, cancel)
    eng.close()
    assert set(got) == {row_id for row_id, _ in work}, "every row has an outcome"
    assert max(seen.values(), default=1) == 1, "no row is reported twice"
    return got, report


def sent_inputs(route: respx.Route) -> list[list[str]]:
    return [
        [i["externalEventId"] for i in json.loads(call.request.content)["inputs"]]
        for call in route.calls
    ]


@respx.mock
def test_batches_headers_and_bodies_are_exact() -> None:
    route = respx.post(UPSERT).mock(side_effect=echo)
    work = items(250)
    got, report = run(engine(batch_size=100), work)
    assert [len(b) for b in sent_inputs(route)] == [100, 100, 50]
    first = route.calls[0].request
    assert first.headers["Authorization"] == f"Bearer {TOKEN}"
    assert first.headers["Content-Type"] == "application/json"
    assert json.loads(first.content) == {"inputs": [b for _, b in work[:100]]}
    if openapi.SPEC.exists():
        for call in route.calls:
            openapi.validate(
                "BatchInputMarketingEventCreateRequestParams", json.loads(call.request.content)
            )
    assert all(o.status is RowStatus.CREATED for o in got.values())
    assert got[RowId(7)].hubspot_id == "9007"  # matched by echo, not by (reversed) order
    assert report.requests == 3
    assert report.counts.created == 250


@respx.mock
def test_created_vs_updated_from_timestamps() -> None:
    respx.post(UPSERT).mock(side_effect=lambda r: echo(r, created=False))
    got, report = run(engine(), items(3))
    assert {o.status for o in got.values()} == {RowStatus.UPDATED}
    assert report.counts.updated == 3


@respx.mock
def test_dated_api_version_path() -> None:
    route = respx.post(BASE + "/marketing/marketing-events/2026-03/events/upsert").mock(
        side_effect=echo
    )
    run(engine(api_version="2026-03"), items(2))
    assert route.call_count == 1


@respx.mock
def test_new_connections_use_the_newest_dated_version() -> None:
    route = respx.post(BASE + "/marketing/marketing-events/2026-09/events/upsert").mock(
        side_effect=echo
    )
    eng = UpsertEngine(ConnectionSettings(concurrency=1), TOKEN, seed=1)
    run(eng, items(2))
    assert route.call_count == 1


def test_inputs_that_echo_alike_never_share_a_batch() -> None:
    twins = [
        (RowId(1), body(1, eventName="Same", externalAccountId="a")),
        (RowId(2), body(1, eventName="Same", externalAccountId="b")),
        (RowId(3), body(3)),
    ]
    batches = compose_batches(twins, 100)
    assert [[r for r, _ in b] for b in batches] == [[1, 3], [2]]


@respx.mock
def test_twins_in_different_accounts_get_their_own_ids() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        results = [result_for(i, i["externalAccountId"] + "-id") for i in inputs]
        return httpx.Response(
            200,
            headers=LIMIT_HEADERS,
            json={"status": "COMPLETE", "results": results, "startedAt": "x", "completedAt": "y"},
        )

    route = respx.post(UPSERT).mock(side_effect=answer)
    twins = [
        (RowId(1), body(1, eventName="Same", externalAccountId="a")),
        (RowId(2), body(1, eventName="Same", externalAccountId="b")),
    ]
    got, _ = run(engine(), twins)
    assert route.call_count == 2
    assert got[RowId(1)].hubspot_id == "a-id"
    assert got[RowId(2)].hubspot_id == "b-id"


@respx.mock
def test_207_is_read_like_200_and_errors_name_their_rows() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        good = [result_for(i, "1") for i in inputs if i["externalEventId"] != "E1"]
        errors = [
            {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "bad organizer",
                "context": {"externalEventId": ["E1"]},
            }
        ]
        return httpx.Response(
            207,
            headers=LIMIT_HEADERS,
            json={"status": "COMPLETE", "results": good, "errors": errors, "numErrors": 1},
        )

    respx.post(UPSERT).mock(side_effect=answer)
    got, report = run(engine(), items(3))
    assert got[RowId(1)].status is RowStatus.FAILED
    assert got[RowId(1)].message == "bad organizer"
    assert got[RowId(1)].http_status == 207
    assert got[RowId(0)].status is RowStatus.CREATED
    assert report.counts.failed == 1


@respx.mock
def test_empty_results_for_a_batch_is_never_success() -> None:
    route = respx.post(UPSERT).mock(
        return_value=httpx.Response(
            200, headers=LIMIT_HEADERS, json={"status": "COMPLETE", "results": []}
        )
    )
    got, report = run(engine(max_attempts=3), items(2))
    assert route.call_count == 3
    assert {o.status for o in got.values()} == {RowStatus.FAILED}
    assert "no results" in got[RowId(0)].message
    assert report.counts.created == 0


@respx.mock
def test_unmatched_rows_are_confirmed_by_external_ids() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        # the result for E1 comes back with a name HubSpot changed: it matches no input
        results = [result_for(i, "100" + i["externalEventId"][1:]) for i in inputs]
        results[1]["eventName"] = "EVENT 1"
        return httpx.Response(
            200, headers=LIMIT_HEADERS, json={"status": "COMPLETE", "results": results}
        )

    respx.post(UPSERT).mock(side_effect=answer)
    get = respx.get(BASE + "/marketing/v3/marketing-events/events/E1").mock(
        return_value=httpx.Response(200, headers=LIMIT_HEADERS, json=result_for(body(1), "1001"))
    )
    got, report = run(engine(), items(2))
    assert get.calls[0].request.url.params["externalAccountId"] == "acme"
    assert got[RowId(1)].hubspot_id == "1001"
    assert got[RowId(1)].status is RowStatus.CREATED
    assert report.confirm_requests == 1


@respx.mock
def test_transient_failures_are_retried_and_counted_once() -> None:
    answers: Iterator[httpx.Response | Exception] = iter(
        [
            httpx.Response(503, json={"message": "down"}),
            httpx.ReadTimeout("slow"),
            httpx.RemoteProtocolError("reset"),
            httpx.Response(423, json={"message": "locked"}),
        ]
    )

    def flaky(request: httpx.Request) -> httpx.Response:
        answer = next(answers, None)
        if answer is None:
            return echo(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    route = respx.post(UPSERT).mock(side_effect=flaky)
    got, report = run(engine(), items(5))
    assert route.call_count == 5
    assert report.retries == 4
    assert report.counts.created == 5
    assert all(o.status is RowStatus.CREATED for o in got.values())


@respx.mock
def test_transient_failures_give_up_after_bounded_attempts() -> None:
    route = respx.post(UPSERT).mock(
        return_value=httpx.Response(502, json={"message": "bad gateway"})
    )
    got, _ = run(engine(max_attempts=3), items(2))
    assert route.call_count == 3
    assert got[RowId(0)].status is RowStatus.FAILED
    assert got[RowId(0)].http_status == 502
    assert "gave up after 3 attempts" in got[RowId(0)].message


@respx.mock
def test_429_ten_secondly_waits_and_resends() -> None:
    answers = iter(
        [
            httpx.Response(
                429,
                headers={"Retry-After": "1"},
                json={
                    "status": "error",
                    "errorType": "RATE_LIMIT",
                    "policyName": "TEN_SECONDLY_ROLLING",
                    "message": "You have reached your ten_secondly_rolling limit.",
                },
            )
        ]
    )
    route = respx.post(UPSERT).mock(side_effect=lambda r: next(answers, None) or echo(r))
    got, report = run(engine(), items(3))
    assert route.call_count == 2
    assert report.rate_limited == 1
    assert report.retries == 0  # a rate limit is not a failure
    assert all(o.status is RowStatus.CREATED for o in got.values())


@respx.mock
def test_429_daily_stops_and_the_rest_are_not_sent() -> None:
    daily = httpx.Response(
        429,
        json={
            "status": "error",
            "errorType": "RATE_LIMIT",
            "policyName": "DAILY",
            "message": "daily limit",
        },
    )
    answers = iter([None, daily])
    route = respx.post(UPSERT).mock(side_effect=lambda r: next(answers, None) or echo(r))
    got, report = run(engine(batch_size=2), items(6))
    assert route.call_count == 2
    assert report.stopped is StopReason.DAILY_LIMIT
    assert [got[RowId(n)].status for n in range(6)] == [RowStatus.CREATED] * 2 + [
        RowStatus.NOT_SENT
    ] * 4
    assert "daily request limit" in got[RowId(5)].message


@respx.mock
def test_401_stops_at_once() -> None:
    route = respx.post(UPSERT).mock(
        return_value=httpx.Response(
            401,
            json={
                "status": "error",
                "category": "INVALID_AUTHENTICATION",
                "message": "expired",
                "correlationId": "c-1",
            },
        )
    )
    got, report = run(engine(batch_size=2), items(6))
    assert route.call_count == 1
    assert report.stopped is StopReason.UNAUTHORIZED
    assert {o.status for o in got.values()} == {RowStatus.NOT_SENT}
    assert "INVALID_AUTHENTICATION" in report.stop_message


@respx.mock
def test_403_reports_the_missing_scopes() -> None:
    respx.post(UPSERT).mock(
        return_value=httpx.Response(
            403,
            json={
                "status": "error",
                "category": "MISSING_SCOPES",
                "message": "scopes",
                "errors": [
                    {
                        "message": "One or more of the following scopes are required.",
                        "context": {
                            "requiredGranularScopes": ["crm.objects.marketing_events.write"]
                        },
                    }
                ],
            },
        )
    )
    _got, report = run(engine(), items(2))
    assert report.stopped is StopReason.FORBIDDEN
    assert report.missing_scopes == ["crm.objects.marketing_events.write"]


def rejecting(bad: set[str], *, name_index: bool) -> Any:
    """A HubSpot that refuses a whole batch holding any bad input, naming the first one."""

    def answer(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        wrong = [k for k, i in enumerate(inputs) if i["externalEventId"] in bad]
        if not wrong:
            return echo(request)
        error: dict[str, Any] = {"message": f"bad input {inputs[wrong[0]]['externalEventId']}"}
        if name_index:
            error["in"] = f"inputs[{wrong[0]}].startDateTime"
        return httpx.Response(
            400,
            json={
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "Invalid input",
                "errors": [error],
            },
        )

    return answer


@pytest.mark.parametrize("name_index", [True, False])
def test_a_rejected_batch_is_split_until_each_bad_row_stands_alone(name_index: bool) -> None:
    with respx.mock:
        route = respx.post(UPSERT).mock(
            side_effect=rejecting({"E13", "E77"}, name_index=name_index)
        )
        got, report = run(engine(), items(100))
    failed = {r for r, o in got.items() if o.status is RowStatus.FAILED}
    assert failed == {RowId(13), RowId(77)}
    assert "bad input E13" in got[RowId(13)].message
    assert got[RowId(13)].http_status == 400
    assert report.counts.created == 98
    # every request beyond the one planned was a split's; a named input costs two per bad row
    assert report.split_requests == route.call_count - 1
    assert report.split_requests <= (4 if name_index else 28)


@respx.mock
def test_splitting_is_bounded() -> None:
    respx.post(UPSERT).mock(side_effect=rejecting({"E1", "E2", "E3"}, name_index=False))
    got, report = run(engine(max_split_requests=4), items(8))
    assert report.split_requests == 4
    failed = [o for o in got.values() if o.status is RowStatus.FAILED]
    assert any("limit of extra requests" in o.message for o in failed)
    assert report.counts.created + report.counts.failed == 8


@respx.mock
def test_cancel_stops_new_batches_and_in_flight_ones_finish() -> None:
    cancel = threading.Event()

    def answer(request: httpx.Request) -> httpx.Response:
        cancel.set()  # the user presses Cancel while the first batch is in flight
        return echo(request)

    route = respx.post(UPSERT).mock(side_effect=answer)
    got, report = run(engine(batch_size=2), items(6), cancel)
    assert route.call_count == 1
    assert report.stopped is StopReason.CANCELLED
    assert [got[RowId(n)].status for n in range(6)] == [RowStatus.CREATED] * 2 + [
        RowStatus.NOT_SENT
    ] * 4
    assert got[RowId(4)].message == "not sent: the run was cancelled"


@respx.mock
def test_the_token_never_reaches_messages_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    respx.post(UPSERT).mock(
        return_value=httpx.Response(400, json={"message": f"token {TOKEN} is not allowed here"})
    )
    got, _report = run(engine(), items(1))
    assert TOKEN not in got[RowId(0)].message
    assert "[token]" in got[RowId(0)].message
    assert TOKEN not in caplog.text


@respx.mock
def test_rate_limit_is_learned_from_headers() -> None:
    headers = {
        "X-HubSpot-RateLimit-Max": "7",
        "X-HubSpot-RateLimit-Remaining": "6",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "2000",
    }
    respx.post(UPSERT).mock(
        side_effect=lambda r: httpx.Response(200, headers=headers, json=echo(r).json())
    )
    eng = engine()
    run(eng, items(3))
    assert eng.limiter.limit == 7
    assert eng.limiter.interval == 2.0


def test_concurrent_run_with_random_shuffles_gets_every_id_right() -> None:
    rng = random.Random(4)

    def answer(request: httpx.Request) -> httpx.Response:
        response = echo(request)
        data = response.json()
        rng.shuffle(data["results"])
        return httpx.Response(200, headers=LIMIT_HEADERS, json=data)

    with respx.mock:
        respx.post(UPSERT).mock(side_effect=answer)
        got, _ = run(engine(concurrency=4, batch_size=7), items(200))
    assert all(got[RowId(n)].hubspot_id == str(9000 + n) for n in range(200))
