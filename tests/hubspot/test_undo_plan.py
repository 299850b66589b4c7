"""Planning an undo from a run's record and HubSpot's copy now: created events deleted, changed
ones put back field by field (empty text and custom properties cleared, flags false, empty
date-times named as not clearable), events edited since or gone left alone, runs that cannot be
undone refused with the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Tally
from hubevents_gui.hubspot.snapshot import decode
from hubevents_gui.hubspot.undo import (
    UndoRefusedError,
    plan_undo,
    restore_input,
    stored_rows,
)

BEFORE: dict[str, Any] = {
    "objectId": "11",
    "fields": {"eventName": "Old", "eventOrganizer": "Acme"},
    "custom": {"region": "EMEA"},
}


def sent(event_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "externalAccountId": "acme",
        "externalEventId": event_id,
        "eventName": "New",
        "eventOrganizer": "Acme",
        "customProperties": [{"name": "region", "value": "AMER"}],
        **fields,
    }


def recorded(tmp_path: Path, **extra: Any) -> tuple[RunHistory, str]:
    history = RunHistory(tmp_path / "history.sqlite")
    bodies = [
        sent("CHANGED", eventType="WEBINAR", eventCancelled=True,
             startDateTime="2026-03-04T10:00:00.000Z"),
        sent("CREATED"),
        sent("EDITED"),
        sent("FAILED"),
    ]  # fmt: skip
    run = history.start_run(
        "sandbox",
        "e.xlsx",
        "Events",
        [(RowId(n), n + 2, 0, body) for n, body in enumerate(bodies)],
        kind="upsert",
        snapshots={
            ("acme", "CHANGED"): BEFORE,
            ("acme", "CREATED"): None,
            ("acme", "EDITED"): BEFORE,
            ("acme", "FAILED"): BEFORE,
        },
        **extra,
    )
    history.record_outcomes(
        run,
        [
            Outcome(RowId(0), RowStatus.UPDATED, "11"),
            Outcome(RowId(1), RowStatus.CREATED, "12"),
            Outcome(RowId(2), RowStatus.UPDATED, "13"),
            Outcome(RowId(3), RowStatus.FAILED, message="HTTP 400"),
        ],
    )
    history.finish_run(run, Tally(created=1, updated=2, failed=1), 1, "")
    history.close()
    return history, run


def test_each_event_gets_what_undoing_it_takes(tmp_path: Path) -> None:
    history, run_id = recorded(tmp_path)
    run, rows = stored_rows(history, run_id)
    assert sorted(rows) == [("acme", "CHANGED"), ("acme", "CREATED"), ("acme", "EDITED")]
    as_sent = {key: decode(key, {"fields": row.payload}) for key, row in rows.items()}
    for event in as_sent.values():
        event.custom = {"region": "AMER"}
    as_sent[("acme", "EDITED")].fields["eventName"] = "Edited by hand"
    plan = plan_undo(run, rows, history.snapshots(run_id), as_sent)
    assert plan.deletions == [("acme", "CREATED")]
    assert plan.changed == {("acme", "EDITED"): ["Event Name"]}
    ((key, body),) = plan.restores
    assert key == ("acme", "CHANGED")
    assert body == {
        "externalAccountId": "acme",
        "externalEventId": "CHANGED",
        "eventName": "Old",
        "eventOrganizer": "Acme",
        "eventType": "",
        "eventCancelled": False,
        "customProperties": [{"name": "region", "value": "EMEA"}],
    }
    # the start was empty before the run: an upsert cannot clear a date-time
    assert plan.uncleared == {key: ["Start"]}
    gone = plan_undo(run, rows, history.snapshots(run_id), {})
    assert (gone.gone, gone.deletions, gone.restores) == (sorted(rows), [], [])


def test_a_property_hubspot_dropped_is_no_change_since(tmp_path: Path) -> None:
    history, run_id = recorded(tmp_path)
    run, rows = stored_rows(history, run_id)
    now = {key: decode(key, {"fields": row.payload}) for key, row in rows.items()}
    plan = plan_undo(run, rows, history.snapshots(run_id), now)
    assert plan.changed == {}
    assert len(plan.restores) == 2


def test_a_custom_property_that_was_empty_is_cleared() -> None:
    body, _ = restore_input(sent("X"), decode(("acme", "X"), {"fields": BEFORE["fields"]}))
    assert body["customProperties"] == [{"name": "region", "value": ""}]


def test_an_undo_is_not_undone(tmp_path: Path) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    undo = history.start_run("sandbox", "e.xlsx", "Events", [], kind="undo", undoes="abc")
    history.close()
    with pytest.raises(UndoRefusedError, match=r"is itself an undo \(of run abc\)"):
        stored_rows(history, undo)


def test_runs_without_a_snapshot_or_of_attendees_are_refused(tmp_path: Path) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    old = history.start_run("sandbox", "e.xlsx", "Events", [], kind="upsert")
    attendees = history.start_run("sandbox", "a.xlsx", "Attendees", [], kind="attendance")
    history.close()
    with pytest.raises(UndoRefusedError, match="without HubSpot's prior copy"):
        stored_rows(history, old)
    with pytest.raises(UndoRefusedError, match="only event upserts are undone"):
        stored_rows(history, attendees)
    with pytest.raises(UndoRefusedError, match="has no run nope"):
        stored_rows(history, "nope")


def test_a_run_that_changed_only_a_dropped_property_has_nothing_to_put_back(
    tmp_path: Path,
) -> None:
    # the run sent the prior values and a property the account does not define: HubSpot
    # dropped it, so the run changed nothing and the undo sends nothing for it
    history = RunHistory(tmp_path / "history.sqlite")
    body = {
        "externalAccountId": "acme",
        "externalEventId": "TAGGED",
        "eventName": "Old",
        "eventOrganizer": "Acme",
        "customProperties": [
            {"name": "region", "value": "EMEA"},
            {"name": "legacy_tag", "value": "spring"},
        ],
    }
    key = ("acme", "TAGGED")
    run_id = history.start_run(
        "sandbox", "e.xlsx", "Events", [(RowId(0), 2, 0, body)], kind="upsert",
        snapshots={key: BEFORE},
    )  # fmt: skip
    history.record_outcomes(run_id, [Outcome(RowId(0), RowStatus.UPDATED, "11")])
    history.close()
    run, rows = stored_rows(history, run_id)
    plan = plan_undo(run, rows, history.snapshots(run_id), {key: decode(key, BEFORE)})
    assert (plan.restores, plan.changed, plan.unchanged) == ([], {}, 1)
    assert plan.entries() == []


def test_the_preview_lists_each_event_with_what_becomes_of_it(tmp_path: Path) -> None:
    history, run_id = recorded(tmp_path)
    run, rows = stored_rows(history, run_id)
    now = {key: decode(key, {"fields": row.payload}) for key, row in rows.items()}
    for event in now.values():
        event.custom = {"region": "AMER"}
    now[("acme", "EDITED")].fields["eventName"] = "Edited by hand"
    plan = plan_undo(run, rows, history.snapshots(run_id), now)
    said = [(e.what.value, e.key[1], e.why) for e in plan.entries()]
    assert said == [
        ("delete", "CREATED", ""),
        ("put back", "CHANGED", ""),
        ("left alone", "EDITED", "changed since the run (Event Name)"),
        (
            "note",
            "CHANGED",
            "Start was empty before the run; an upsert cannot clear it, so it keeps the "
            "run's value",
        ),
    ]
    assert plan.summary_line() == (
        "1 event the run created will be deleted, 1 it changed put back, 1 left alone "
        "because changed in HubSpot since, 0 no longer in HubSpot, 0 unchanged by the run"
    )


def test_runs_of_actions_on_events_are_refused_saying_what_they_did(tmp_path: Path) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    cancel = history.start_run("sandbox", "e.xlsx", "Events", [], kind="cancel")
    history.close()
    with pytest.raises(UndoRefusedError, match="cancelled events: only event upserts"):
        stored_rows(history, cancel)
