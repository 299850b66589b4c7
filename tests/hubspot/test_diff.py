"""Each row against HubSpot's copy: create, update with each change, unchanged, conflict."""

from __future__ import annotations

from typing import Any

from hubevents_gui.core.properties import PropertyDefinition
from hubevents_gui.core.rows import RowId
from hubevents_gui.hubspot.diff import Action, Change, plan_rows
from hubevents_gui.hubspot.holdings import Holdings, RemoteEvent


def remote(
    object_id: str, account: str, event_id: str, app: str = "7", **fields: Any
) -> RemoteEvent:
    custom = fields.pop("custom", {})
    base = {"eventName": "Launch", "eventOrganizer": "Acme"}
    return RemoteEvent(object_id, event_id, account, app, "Partner", {**base, **fields}, custom)


def body(event_id: str = "E1", **fields: Any) -> dict[str, Any]:
    custom = fields.pop("custom", {})
    return {
        "externalAccountId": "acc",
        "externalEventId": event_id,
        "eventName": "Launch",
        "eventOrganizer": "Acme",
        **fields,
        "customProperties": [{"name": n, "value": v} for n, v in custom.items()],
    }


def held(*events: RemoteEvent, others: tuple[RemoteEvent, ...] = ()) -> Holdings:
    holdings = Holdings("7")
    for event in events:
        assert event.key is not None
        holdings.own[event.key] = event
    holdings.others = list(others)
    return holdings


def test_dates_compare_as_instants_and_booleans_default_to_false() -> None:
    current = remote("1", "acc", "E1", startDateTime="2026-03-10T16:00:00Z")
    same = body(startDateTime="2026-03-10T16:00:00.000Z", eventCancelled=False)
    plans = plan_rows([(RowId(1), same)], held(current))
    assert plans[RowId(1)].action is Action.UNCHANGED
    assert plans[RowId(1)].object_id == "1"


def test_an_update_lists_each_changed_field_with_hubspots_value_and_the_rows() -> None:
    current = remote("1", "acc", "E1", eventType="WEBINAR", custom={"region": "EMEA"})
    changed = body(eventType="WORKSHOP", eventCompleted=True, custom={"region": "APAC"})
    plan = plan_rows([(RowId(1), changed)], held(current))[RowId(1)]
    assert plan.action is Action.UPDATE
    assert plan.changes == {
        "eventType": Change("WEBINAR", "WORKSHOP"),
        "eventCompleted": Change(None, True),
        "custom:region": Change("EMEA", "APAC"),
    }


def test_fields_a_row_leaves_blank_are_not_changes() -> None:
    current = remote("1", "acc", "E1", eventDescription="kept by HubSpot")
    assert plan_rows([(RowId(1), body())], held(current))[RowId(1)].action is Action.UNCHANGED


def test_a_property_hubspot_would_drop_is_no_change_when_definitions_are_known() -> None:
    current = remote("1", "acc", "E1", custom={"budget": "1000.0"})
    row = body(custom={"legacy_tag": "x", "budget": "1000"})
    definitions = {"budget": PropertyDefinition("budget", "Budget", "number")}
    assert plan_rows([(RowId(1), row)], held(current), definitions)[RowId(1)].action is (
        Action.UNCHANGED
    )
    # without definitions the property counts: the after-send check catches the drop
    assert plan_rows([(RowId(1), row)], held(current))[RowId(1)].changes.keys() == {
        "custom:legacy_tag",
        "custom:budget",
    }


def test_another_apps_event_with_these_ids_is_a_conflict_and_a_new_one_a_create() -> None:
    theirs = remote("9", "acc", "E1", app="9")
    plans = plan_rows([(RowId(1), body("E1")), (RowId(2), body("E2"))], held(others=(theirs,)))
    assert plans[RowId(1)].action is Action.CONFLICT
    assert plans[RowId(1)].other_app == "Partner"
    assert plans[RowId(1)].object_id == "9"
    assert plans[RowId(2)].action is Action.CREATE
