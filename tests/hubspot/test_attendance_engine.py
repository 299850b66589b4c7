"""The shared engine on the attendance endpoint: quoted paths, rate limits, the stops (401,
daily limit), cancel, refusals of the subscriber state, rows HubSpot never confirms; one
outcome per row whatever happens."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

import httpx
import respx

from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.hubspot.attendance import (
    ATTENDANCE,
    AttendanceContext,
    attendance_item,
    compose_attendance_batches,
)
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.report import RunReport, StopReason
from hubevents_gui.hubspot.settings import ConnectionSettings
from tests.hubspot.test_attendance import BASE, BERLIN, CTX, NOW, TOKEN, answer, items_of, ms, row

Items = list[tuple[RowId, dict[str, Any]]]
EMAIL_CREATE = f"{BASE}/WEB%201/attend/email-create"


def send(
    items: Items, size: int = 100, cancel_after: int | None = None, attempts: int = 5
) -> tuple[dict[RowId, Outcome], RunReport]:
    """Run the items; every row must get exactly one outcome."""
    settings = ConnectionSettings(
        concurrency=1, backoff_base=0.001, locked_wait=0.001, max_attempts=attempts
    )
    engine = UpsertEngine(settings, TOKEN, seed=1)
    cancel = threading.Event()
    got: dict[RowId, Outcome] = {}
    lock = threading.Lock()

    def collect(outcomes: list[Outcome]) -> None:
        with lock:
            for outcome in outcomes:
                assert outcome.row_id not in got, "a row is reported once"
                got[outcome.row_id] = outcome
            if cancel_after is not None and len(got) >= cancel_after:
                cancel.set()

    try:
        batches = compose_attendance_batches(items, size)
        report = engine.run(batches, collect, cancel=cancel, endpoint=ATTENDANCE)
    finally:
        engine.close()
    assert set(got) == {row_id for row_id, _ in items}
    return got, report


def error(status: int, message: str, **extra: Any) -> httpx.Response:
    return httpx.Response(status, json={"status": "error", "message": message, **extra})


@respx.mock
def test_event_ids_and_states_are_quoted_as_one_path_segment_each() -> None:
    route = respx.post(url__startswith=BASE).mock(side_effect=answer)
    got, _ = send(items_of(row(1, contactId="8", externalEventId="Q1/2026 #1?", state="cancel")))
    assert got[RowId(1)].status is RowStatus.RECORDED
    sent = route.calls[0].request
    assert (
        sent.url.raw_path.decode()
        .split("?")[0]
        .endswith("/attendance/Q1%2F2026%20%231%3F/cancel/create")
    )
    assert sent.url.params["externalAccountId"] == "acme"


def test_join_and_leave_times_go_only_with_attended_rows() -> None:
    times = {"joinedAt": datetime(2026, 3, 4, 10, 0), "leftAt": datetime(2026, 3, 4, 11, 0)}
    attended = attendance_item(row(1, email="a@x.com", **times), CTX)
    registered = attendance_item(row(2, email="b@x.com", state="Registered", **times), CTX)
    # 10:00 in Berlin in March is 09:00 UTC
    assert attended["properties"] == {
        "joinedAt": "2026-03-04T09:00:00.000Z",
        "leftAt": "2026-03-04T10:00:00.000Z",
    }
    assert registered["properties"] == {}
    assert registered["interactionDateTime"] == ms(NOW)


def test_an_interaction_time_is_the_tables_wall_clock() -> None:
    item = attendance_item(
        row(1, email="a@x.com", interactionDateTime=datetime(2026, 7, 1, 18, 30)),
        AttendanceContext(BERLIN, NOW),
    )
    # Berlin is UTC+2 in July
    assert item["interactionDateTime"] == ms(datetime.fromisoformat("2026-07-01T16:30:00+00:00"))


@respx.mock
def test_a_429_waits_as_retry_after_says_and_the_batch_goes_again() -> None:
    answers = iter(
        [
            error(429, "slow down", policyName="TEN_SECONDLY_ROLLING"),
            None,
        ]
    )

    def limited(request: httpx.Request) -> httpx.Response:
        first = next(answers)
        if first is not None:
            first.headers["Retry-After"] = "0"
            return first
        return answer(request)

    route = respx.post(EMAIL_CREATE).mock(side_effect=limited)
    got, report = send(items_of(row(1, email="a@x.com"), row(2, email="b@x.com")))
    assert route.call_count == 2
    assert report.rate_limited == 1
    assert {o.status for o in got.values()} == {RowStatus.RECORDED}


@respx.mock
def test_a_401_stops_the_run_without_the_token_in_any_message() -> None:
    route = respx.post(url__startswith=BASE).mock(
        return_value=error(401, f"bad token {TOKEN}", category="INVALID_AUTHENTICATION")
    )
    rows = [row(n, email=f"p{n}@x.com", externalEventId=f"E{n}") for n in range(1, 5)]
    got, report = send(items_of(*rows))
    assert route.call_count == 1  # the other events' batches never go
    assert report.stopped is StopReason.UNAUTHORIZED
    assert {o.status for o in got.values()} == {RowStatus.NOT_SENT}
    assert all(TOKEN not in o.message for o in got.values())
    assert TOKEN not in report.stop_message


@respx.mock
def test_a_cancel_sends_nothing_new_and_the_rest_are_not_sent() -> None:
    route = respx.post(url__startswith=BASE).mock(side_effect=answer)
    rows = [row(n, email=f"p{n}@x.com") for n in range(1, 7)]
    got, report = send(items_of(*rows), size=2, cancel_after=2)
    assert route.call_count == 1
    assert report.stopped is StopReason.CANCELLED
    assert [got[RowId(n)].status for n in range(1, 7)] == [RowStatus.RECORDED] * 2 + [
        RowStatus.NOT_SENT
    ] * 4
    assert got[RowId(5)].message == "not sent: the run was cancelled"


@respx.mock
def test_a_refused_subscriber_state_fails_the_batch_in_one_request() -> None:
    route = respx.post(EMAIL_CREATE).mock(
        return_value=error(
            400,
            "subscriberState 'attend' is not one of the accepted states",
            category="VALIDATION_ERROR",
        )
    )
    got, report = send(items_of(*(row(n, email=f"p{n}@x.com") for n in range(1, 6))))
    assert route.call_count == 1
    assert report.split_requests == 0
    assert {o.summary for o in got.values()} == {
        "HTTP 400 VALIDATION_ERROR: subscriberState 'attend' is not one of the accepted states"
    }


@respx.mock
def test_a_400_about_a_contact_property_named_state_is_one_rows_and_bisected() -> None:
    def picky(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        if any(i["contactProperties"].get("state") == "??" for i in inputs):
            return error(400, "Property values were not valid: state")
        return answer(request)

    respx.post(EMAIL_CREATE).mock(side_effect=picky)
    rows = [row(n, email=f"p{n}@x.com") for n in range(1, 5)]
    rows[1].custom["state"] = "??"
    got, _ = send(items_of(*rows))
    assert [got[RowId(n)].status for n in range(1, 5)] == [
        RowStatus.RECORDED,
        RowStatus.FAILED,
        RowStatus.RECORDED,
        RowStatus.RECORDED,
    ]


@respx.mock
def test_a_row_hubspot_never_names_is_resent_a_few_times_then_fails() -> None:
    def forgetful(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        kept = [i for i in inputs if i["email"] != "lost@x.com"]
        return httpx.Response(
            200, json={"results": [{"email": i["email"], "vid": 5} for i in kept]}
        )

    route = respx.post(EMAIL_CREATE).mock(side_effect=forgetful)
    got, _ = send(items_of(row(1, email="a@x.com"), row(2, email="lost@x.com")), attempts=3)
    assert route.call_count == 3
    assert got[RowId(1)].status is RowStatus.RECORDED
    lost = got[RowId(2)]
    assert lost.status is RowStatus.FAILED
    assert lost.message.startswith("HubSpot did not confirm this row")
    assert lost.message.endswith("(gave up after 3 attempts)")


@respx.mock
def test_a_vid_error_fails_only_that_contact_id_row() -> None:
    def partly(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        return httpx.Response(
            207,
            json={
                "results": [{"vid": i["vid"]} for i in inputs if i["vid"] != 404],
                "errors": [
                    {
                        "category": "OBJECT_NOT_FOUND",
                        "message": "Contact 404 does not exist",
                        "context": {"ids": ["404"]},
                    }
                ],
                "numErrors": 1,
            },
        )

    respx.post(f"{BASE}/WEB%201/attend/create").mock(side_effect=partly)
    got, _ = send(items_of(row(1, contactId="404"), row(2, contactId="12")))
    assert (got[RowId(1)].status, got[RowId(1)].http_status) == (RowStatus.FAILED, 207)
    assert got[RowId(1)].message == "Contact 404 does not exist"
    assert (got[RowId(2)].status, got[RowId(2)].hubspot_id) == (RowStatus.RECORDED, "12")


@respx.mock
def test_an_error_naming_no_contact_is_the_one_row_no_result_names() -> None:
    def partly(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        return httpx.Response(
            207,
            json={
                "results": [{"email": i["email"], "vid": 3} for i in inputs[1:]],
                "errors": [{"category": "VALIDATION_ERROR", "message": "Bad input"}],
                "numErrors": 1,
            },
        )

    route = respx.post(EMAIL_CREATE).mock(side_effect=partly)
    got, _ = send(items_of(row(1, email="odd@x.com"), row(2, email="b@x.com")))
    assert route.call_count == 1  # nothing to resend: the error is the first row's
    assert got[RowId(1)].summary == "HTTP 207 VALIDATION_ERROR: Bad input"
    assert got[RowId(2)].status is RowStatus.RECORDED


@respx.mock
def test_contact_id_results_are_matched_by_vid_even_when_they_carry_an_email() -> None:
    respx.post(f"{BASE}/WEB%201/attend/create").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json={
                "results": [
                    {"vid": i["vid"], "email": f"c{i['vid']}@x.com"}
                    for i in json.loads(request.content)["inputs"]
                ][::-1]
            },
        )
    )
    got, _ = send(items_of(row(1, contactId="21"), row(2, contactId="22")))
    assert {r: o.hubspot_id for r, o in got.items()} == {RowId(1): "21", RowId(2): "22"}
