"""Attendee rows to the attendance endpoints: the exact requests (paths, query, bodies, epoch
milliseconds), batches by event, state and kind of id, attribution by echoed email or vid, and
the engine's handling of what the endpoint answers."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import respx

from hubevents_gui.core.rows import EventRow, Outcome, RowId, RowStatus
from hubevents_gui.hubspot.attendance import (
    ATTENDANCE,
    AttendanceContext,
    attendance_item,
    compose_attendance_batches,
)
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.settings import ConnectionSettings

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
START = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
BASE = "https://api.hubapi.com/marketing/marketing-events/2026-09/attendance"
CTX = AttendanceContext(BERLIN, NOW, {("acme", "WEB 1"): START})


def row(n: int, **values: Any) -> EventRow:
    made = EventRow(RowId(n), n + 1)
    base = {"externalEventId": "WEB 1", "externalAccountId": "acme", "state": "Attended"}
    base.update(values)
    for key, value in base.items():
        made.set_cell(key, value)
    return made


def ms(value: datetime) -> int:
    return round(value.timestamp() * 1000)


def test_an_attended_email_row_without_a_time_takes_the_events_start() -> None:
    item = attendance_item(
        row(
            1,
            email=" Anna@Example.com ",
            joinedAt=datetime(2026, 3, 4, 10, 0),
            leftAt=datetime(2026, 3, 4, 11, 30),
            firstname="Anna",
            jobtitle="CTO",
        ),
        CTX,
    )
    assert item == {
        "externalAccountId": "acme",
        "externalEventId": "WEB 1",
        "subscriberState": "attend",
        "email": "Anna@Example.com",
        "interactionDateTime": ms(START),
        # Berlin wall clock, sent as UTC instants
        "properties": {
            "joinedAt": "2026-03-04T09:00:00.000Z",
            "leftAt": "2026-03-04T10:30:00.000Z",
        },
        "contactProperties": {"firstname": "Anna", "jobtitle": "CTO"},
    }


def test_registered_rows_default_to_now_and_contact_id_rows_send_a_vid() -> None:
    registered = row(1, email="bo@example.com", state="register")
    registered.custom = {"lifecyclestage": "lead"}
    by_id = row(2, contactId="0042", state="Cancelled", interactionDateTime=datetime(2026, 3, 1, 8))
    first, second = attendance_item(registered, CTX), attendance_item(by_id, CTX)
    assert first["interactionDateTime"] == ms(NOW)
    assert first["properties"] == {}
    assert first["contactProperties"] == {"lifecyclestage": "lead"}
    assert second == {
        "externalAccountId": "acme",
        "externalEventId": "WEB 1",
        "subscriberState": "cancel",
        "vid": 42,
        "interactionDateTime": ms(datetime(2026, 3, 1, 7, tzinfo=UTC)),
        "properties": {},
    }


def test_sheet_wide_event_and_state_fill_blank_cells() -> None:
    blank = EventRow(RowId(1), 2)
    blank.set_cell("email", "cy@example.com")
    ctx = AttendanceContext(
        BERLIN,
        NOW,
        {},
        {"externalEventId": "CONF", "externalAccountId": "acme", "state": "attended"},
    )
    item = attendance_item(blank, ctx)
    assert (item["externalEventId"], item["subscriberState"]) == ("CONF", "attend")
    assert item["interactionDateTime"] == ms(NOW)  # no start known: the time of sending


def test_batches_hold_one_event_state_and_kind_of_id_and_never_one_contact_twice() -> None:
    rows = [
        row(1, email="a@x.com"),
        row(2, email="b@x.com"),
        row(3, email="A@X.com "),  # the same contact as row 1
        row(4, contactId="7"),
        row(5, email="c@x.com", state="Registered"),
        row(6, email="d@x.com", externalEventId="WEB 2"),
        row(7, email="e@x.com"),
    ]
    items = [(r.row_id, attendance_item(r, CTX)) for r in rows]
    batches = compose_attendance_batches(items, 3)
    assert [[row_id for row_id, _ in batch] for batch in batches] == [[1, 2, 7], [3], [4], [5], [6]]


def answer(request: httpx.Request, *, shuffle: bool = True, upper: bool = False) -> httpx.Response:
    inputs = json.loads(request.content)["inputs"]
    results = []
    for n, given in enumerate(inputs):
        if "email" in given:
            email = given["email"].upper() + "  " if upper else given["email"]
            results.append({"email": email, "vid": 900 + n})
        else:
            results.append({"vid": given["vid"]})
    return httpx.Response(
        200, json={"status": "COMPLETE", "results": results[::-1] if shuffle else results}
    )


def run(items: list[tuple[RowId, dict[str, Any]]], size: int = 100) -> dict[RowId, Outcome]:
    settings = ConnectionSettings(concurrency=1, backoff_base=0.001, locked_wait=0.001)
    engine = UpsertEngine(settings, TOKEN, seed=1)
    got: dict[RowId, Outcome] = {}
    lock = threading.Lock()

    def collect(outcomes: list[Outcome]) -> None:
        with lock:
            for outcome in outcomes:
                assert outcome.row_id not in got, "a row is reported once"
                got[outcome.row_id] = outcome

    try:
        engine.run(compose_attendance_batches(items, size), collect, endpoint=ATTENDANCE)
    finally:
        engine.close()
    assert set(got) == {row_id for row_id, _ in items}
    return got


def items_of(*rows: EventRow) -> list[tuple[RowId, dict[str, Any]]]:
    return [(r.row_id, attendance_item(r, CTX)) for r in rows]


@respx.mock
def test_the_exact_requests_and_a_reordered_answer_with_changed_case() -> None:
    by_email = respx.post(f"{BASE}/WEB%201/attend/email-create").mock(
        side_effect=lambda request: answer(request, upper=True)
    )
    by_id = respx.post(f"{BASE}/WEB%201/attend/create").mock(side_effect=answer)
    got = run(items_of(row(1, email="a@x.com"), row(2, email="b@x.com"), row(3, contactId="55")))
    assert by_email.call_count == 1
    sent = by_email.calls[0].request
    assert sent.url.params["externalAccountId"] == "acme"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(sent.content) == {
        "inputs": [
            {
                "email": e,
                "interactionDateTime": ms(START),
                "properties": {},
                "contactProperties": {},
            }
            for e in ("a@x.com", "b@x.com")
        ]
    }
    assert json.loads(by_id.calls[0].request.content) == {
        "inputs": [{"vid": 55, "interactionDateTime": ms(START), "properties": {}}]
    }
    assert {r: (o.status, o.hubspot_id) for r, o in got.items()} == {
        1: (RowStatus.RECORDED, "900"),
        2: (RowStatus.RECORDED, "901"),
        3: (RowStatus.RECORDED, "55"),
    }


@respx.mock
def test_a_207_fails_only_the_input_it_names() -> None:
    def partly(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        return httpx.Response(
            207,
            json={
                "status": "COMPLETE",
                "results": [
                    {"email": i["email"], "vid": 1} for i in inputs if "bad" not in i["email"]
                ],
                "errors": [
                    {
                        "status": "error",
                        "category": "VALIDATION_ERROR",
                        "message": "Invalid email",
                        "context": {"emails": ["bad@x.com"]},
                    }
                ],
                "numErrors": 1,
            },
        )

    respx.post(f"{BASE}/WEB%201/attend/email-create").mock(side_effect=partly)
    got = run(items_of(row(1, email="a@x.com"), row(2, email="bad@x.com")))
    assert got[RowId(1)].status is RowStatus.RECORDED
    failed = got[RowId(2)]
    assert (failed.status, failed.http_status, failed.category) == (
        RowStatus.FAILED,
        207,
        "VALIDATION_ERROR",
    )
    assert failed.summary == "HTTP 207 VALIDATION_ERROR: Invalid email"


@respx.mock
def test_an_unknown_event_fails_its_batch_in_one_request_without_splitting() -> None:
    route = respx.post(f"{BASE}/WEB%201/attend/email-create").mock(
        return_value=httpx.Response(
            404,
            json={
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "message": "Event WEB 1 not found for account acme",
            },
        )
    )
    got = run(items_of(*(row(n, email=f"p{n}@x.com") for n in range(1, 9))))
    assert route.call_count == 1
    assert {o.status for o in got.values()} == {RowStatus.FAILED}
    assert (
        got[RowId(3)].summary == "HTTP 404 OBJECT_NOT_FOUND: Event WEB 1 not found for account acme"
    )


@respx.mock
def test_a_rejected_batch_is_bisected_to_the_bad_row() -> None:
    def picky(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        if any(i["email"] == "bad@x.com" for i in inputs):
            return httpx.Response(400, json={"status": "error", "message": "Invalid input"})
        return answer(request)

    route = respx.post(f"{BASE}/WEB%201/attend/email-create").mock(side_effect=picky)
    rows = [row(n, email="bad@x.com" if n == 3 else f"p{n}@x.com") for n in range(1, 5)]
    got = run(items_of(*rows))
    assert [got[RowId(n)].status for n in range(1, 5)] == [
        RowStatus.RECORDED,
        RowStatus.RECORDED,
        RowStatus.FAILED,
        RowStatus.RECORDED,
    ]
    assert route.call_count > 2


@respx.mock
def test_rows_an_answer_leaves_out_are_sent_again() -> None:
    calls: list[list[str]] = []

    def forgetful(request: httpx.Request) -> httpx.Response:
        inputs = json.loads(request.content)["inputs"]
        calls.append([i["email"] for i in inputs])
        kept = inputs if len(calls) > 1 else inputs[:1]
        return httpx.Response(
            200, json={"results": [{"email": i["email"], "vid": 5} for i in kept]}
        )

    respx.post(f"{BASE}/WEB%201/attend/email-create").mock(side_effect=forgetful)
    got = run(items_of(row(1, email="a@x.com"), row(2, email="b@x.com")))
    assert calls == [["a@x.com", "b@x.com"], ["b@x.com"]]
    assert {o.status for o in got.values()} == {RowStatus.RECORDED}


@respx.mock
def test_a_daily_limit_stops_the_run_and_the_rest_are_not_sent() -> None:
    respx.post(f"{BASE}/WEB%201/attend/email-create").mock(
        return_value=httpx.Response(
            429, json={"status": "error", "policyName": "DAILY", "message": "daily limit"}
        )
    )
    respx.post(f"{BASE}/WEB%201/register/email-create").mock(side_effect=answer)
    got = run(
        items_of(row(1, email="a@x.com"), row(2, email="b@x.com", state="Registered")), size=1
    )
    assert {o.status for o in got.values()} == {RowStatus.NOT_SENT}
