"""Cancel, complete, delete and archive through the engine, against respx: the exact requests
(paths, query, bodies), what HubSpot is read first, how answers become one outcome per row,
retries and the stops."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

import httpx
import respx

from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.hubspot.action_plan import Action, ActionPlan, plan_action
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.reader import HubSpotReader
from hubevents_gui.hubspot.report import RunReport, StopReason
from hubevents_gui.hubspot.settings import ConnectionSettings
from tests.hubspot.test_attendance import BERLIN, TOKEN

API = "https://api.hubapi.com/marketing/marketing-events/2026-09"
SETTINGS = ConnectionSettings(concurrency=1, backoff_base=0.001, max_attempts=4, batch_size=2)


def row(n: int, **values: Any) -> EventRow:
    base: dict[str, Any] = {
        "externalAccountId": "acme",
        "externalEventId": f"E{n}",
        "eventName": f"Event {n}",
    }
    base.update(values)
    return EventRow(RowId(n), n + 1, {k: v for k, v in base.items() if v is not None})


def plan(action: Action, *rows: EventRow, app_id: int | None = 42) -> ActionPlan:
    table = EventTable(None, "Events", list(rows))
    with HubSpotReader(SETTINGS, TOKEN) as reader:
        return plan_action(action, rows, table, BERLIN, 2, reader=reader, app_id=app_id)


def send(action: Action, planned: ActionPlan) -> tuple[dict[RowId, Outcome], RunReport]:
    engine = UpsertEngine(SETTINGS, TOKEN, seed=1)
    got: dict[RowId, Outcome] = {}
    lock = threading.Lock()

    def collect(outcomes: list[Outcome]) -> None:
        with lock:
            for outcome in outcomes:
                assert outcome.row_id not in got, "a row is reported once"
                got[outcome.row_id] = outcome

    try:
        report = engine.run(planned.batches, collect, endpoint=action.endpoint)
    finally:
        engine.close()
    assert set(got) == {row_id for row_id, _ in planned.items}
    return got, report


def the_event(request: httpx.Request, **extra: Any) -> httpx.Response:
    event_id = request.url.path.split("/")[-2]
    return httpx.Response(
        200,
        json={
            "eventName": f"Event {event_id}",
            "eventOrganizer": "Acme",
            "objectId": "9" + event_id[-1],
            "customProperties": [],
            **extra,
        },
    )


@respx.mock
def test_cancel_posts_no_body_to_each_event_with_its_account_quoted() -> None:
    route = respx.post(url__startswith=API + "/events/").mock(
        side_effect=lambda r: the_event(r, eventCancelled=True)
    )
    planned = plan(Action.CANCEL, row(1, externalEventId="Q1/2026 #1"), row(2))
    got, report = send(Action.CANCEL, planned)
    paths = sorted(c.request.url.raw_path.decode() for c in route.calls)
    assert paths == [
        "/marketing/marketing-events/2026-09/events/E2/cancel?externalAccountId=acme",
        "/marketing/marketing-events/2026-09/events/Q1%2F2026%20%231/cancel?externalAccountId=acme",
    ]
    assert all(c.request.content == b"" for c in route.calls)
    assert [got[RowId(n)].status for n in (1, 2)] == [RowStatus.CANCELLED] * 2
    assert got[RowId(2)].hubspot_id == "92"
    assert report.requests == 2


@respx.mock
def test_complete_sends_the_rows_times_in_utc_and_reads_hubspots_where_the_row_has_none() -> None:
    read = respx.get(url__startswith=API + "/events/").mock(
        side_effect=lambda r: httpx.Response(
            200 if "E2" in r.url.path else 404,
            json={
                "eventName": "Held",
                "startDateTime": "2026-05-01T08:00:00Z",
                "endDateTime": "2026-05-01T09:30:00Z",
            },
        )
    )
    route = respx.post(url__startswith=API + "/events/").mock(side_effect=the_event)
    planned = plan(
        Action.COMPLETE,
        row(1, startDateTime=datetime(2026, 3, 4, 10, 0), endDateTime=datetime(2026, 3, 4, 11, 0)),
        row(2),
        row(3),
    )
    assert len(read.calls) == 2  # only the rows without both times are read, once each
    assert [o.row_id for o in planned.not_sent] == [RowId(3)]
    assert "holds no event acme/E3" in planned.not_sent[0].message
    got, _ = send(Action.COMPLETE, planned)
    bodies = {c.request.url.path.split("/")[-2]: json.loads(c.request.content) for c in route.calls}
    assert bodies == {
        "E1": {
            "startDateTime": "2026-03-04T09:00:00.000Z",
            "endDateTime": "2026-03-04T10:00:00.000Z",
        },
        "E2": {
            "startDateTime": "2026-05-01T08:00:00.000Z",
            "endDateTime": "2026-05-01T09:30:00.000Z",
        },
    }
    assert {got[RowId(n)].status for n in (1, 2)} == {RowStatus.COMPLETED}


@respx.mock
def test_delete_goes_in_batches_with_the_apps_id_and_a_204_deletes_them_all() -> None:
    route = respx.post(API + "/events/delete").mock(return_value=httpx.Response(204))
    planned = plan(Action.DELETE, row(1), row(2), row(3), app_id=7)
    got, report = send(Action.DELETE, planned)
    bodies = [json.loads(c.request.content) for c in route.calls]
    assert sorted(len(b["inputs"]) for b in bodies) == [1, 2]
    assert {"appId": 7, "externalAccountId": "acme", "externalEventId": "E1"} in [
        i for b in bodies for i in b["inputs"]
    ]
    assert {o.status for o in got.values()} == {RowStatus.DELETED}
    assert report.counts.deleted == 3


@respx.mock
def test_a_207_fails_only_the_rows_it_names_and_points_at_deleting_by_object_id() -> None:
    missing = {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": "No event 'E2' in account 'acme' of this app",
        "context": {"externalEventId": ["E2"], "externalAccountId": ["acme"]},
    }
    respx.post(API + "/events/delete").mock(
        return_value=httpx.Response(
            207, json={"status": "COMPLETE", "results": [], "errors": [missing]}
        )
    )
    got, _ = send(Action.DELETE, plan(Action.DELETE, row(1), row(2)))
    assert got[RowId(1)].status is RowStatus.DELETED
    failed = got[RowId(2)]
    assert failed.status is RowStatus.FAILED
    assert failed.http_status == 207
    assert "--by-object-id" in failed.summary


@respx.mock
def test_archive_reads_the_object_ids_then_sends_them_and_names_missing_ones() -> None:
    respx.get(url__regex=API + r"/E\d/identifiers").mock(
        side_effect=lambda r: httpx.Response(
            200,
            json={
                "results": [
                    {
                        "externalAccountId": "acme",
                        "externalEventId": "E1",
                        "objectId": "501",
                        "marketingEventName": "Partner event",
                    },
                    {"externalAccountId": "other", "externalEventId": "E1", "objectId": "502"},
                ]
                if "E1" in r.url.path
                else []
            },
        )
    )
    route = respx.post(API + "/batch/archive").mock(return_value=httpx.Response(204))
    planned = plan(Action.ARCHIVE, row(1, eventName=None), row(2), app_id=None)
    assert planned.names[RowId(1)] == "Partner event"
    assert [o.message for o in planned.not_sent] == ["not sent: HubSpot holds no event acme/E2"]
    got, _ = send(Action.ARCHIVE, planned)
    assert json.loads(route.calls[0].request.content) == {"inputs": [{"objectId": "501"}]}
    assert got[RowId(1)] == Outcome(RowId(1), RowStatus.DELETED, "501")


@respx.mock
def test_server_errors_and_rate_limits_are_retried_and_a_401_stops_without_the_token() -> None:
    respx.post(API + "/events/delete").mock(
        side_effect=[
            httpx.Response(503, json={"message": "busy"}),
            httpx.Response(
                429, headers={"Retry-After": "0"}, json={"policyName": "TEN_SECONDLY_ROLLING"}
            ),
            httpx.Response(204),
        ]
    )
    got, report = send(Action.DELETE, plan(Action.DELETE, row(1)))
    assert got[RowId(1)].status is RowStatus.DELETED
    assert report.retries == 1
    assert report.rate_limited == 1
    respx.post(url__startswith=API + "/events/").mock(
        return_value=httpx.Response(
            401, json={"message": f"bad token {TOKEN}", "category": "INVALID_AUTHENTICATION"}
        )
    )
    got, report = send(Action.CANCEL, plan(Action.CANCEL, row(1), row(2)))
    assert report.stopped is StopReason.UNAUTHORIZED
    assert {o.status for o in got.values()} == {RowStatus.NOT_SENT}
    assert TOKEN not in report.stop_message


def test_rows_without_their_ids_are_not_sent_and_named_by_column() -> None:
    table = EventTable(None, "Events", [], headers={"externalEventId": "Event ID"})
    lacking = row(1, externalEventId=None)
    planned = plan_action(Action.CANCEL, [lacking], table, BERLIN, 2, reader=None)
    assert planned.items == []
    assert planned.not_sent[0].message == "not sent: the row has no Event ID"


def test_the_delete_and_archive_bodies_fit_the_specs_batch_inputs() -> None:
    from tests import openapi

    deleting = plan_action(
        Action.DELETE, [row(1), row(2)], EventTable(None, "Events", []), BERLIN, 2,
        reader=None, app_id=7,
    )  # fmt: skip
    body = Action.DELETE.endpoint.request(SETTINGS, deleting.batches[0])[2]
    openapi.validate("BatchInputMarketingEventExternalUniqueIdentifier", body)
    archive = Action.ARCHIVE.endpoint.request(SETTINGS, [(RowId(1), {"objectId": "501"})])[2]
    openapi.validate("BatchInputMarketingEventPublicObjectIdDeleteRequest", archive)
    completing = Action.COMPLETE.endpoint.request(
        SETTINGS,
        [(RowId(1), {"externalAccountId": "a", "externalEventId": "e",
                     "startDateTime": "2026-03-04T09:00:00.000Z",
                     "endDateTime": "2026-03-04T10:00:00.000Z"})],
    )[2]  # fmt: skip
    openapi.validate("MarketingEventCompleteRequestParams", completing)
