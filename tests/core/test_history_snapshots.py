"""The run history's snapshots and undo links: HubSpot's prior copy of each event a run sent,
kept with the run; an undo recorded as a run of its own that marks the run it took back; a file
an older version wrote opens, and gains the new table when written to."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Tally

PRIOR = {"objectId": "7", "fields": {"eventName": "Old name"}, "custom": {"region": "EU"}}


def test_a_runs_snapshot_is_kept_with_it(tmp_path: Path) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    run = history.start_run(
        "sandbox",
        "e.xlsx",
        "Events",
        [(RowId(1), 2, 0, {"externalEventId": "1"}), (RowId(2), 3, 0, {"externalEventId": "2"})],
        kind="upsert",
        snapshots={("acc", "1"): PRIOR, ("acc", "2"): None},
    )
    history.close()
    assert history.snapshots(run) == {("acc", "1"): PRIOR, ("acc", "2"): None}
    (summary,) = history.runs()
    assert (summary.kind, summary.has_snapshot, summary.undone_by) == ("upsert", True, "")


def test_a_run_without_a_snapshot_says_so(tmp_path: Path) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    run = history.start_run("sandbox", "a.xlsx", "Attendees", [], kind="attendance")
    history.close()
    assert history.snapshots(run) == {}
    assert not history.runs()[0].has_snapshot


def test_an_undo_that_changed_something_marks_the_run_undone(tmp_path: Path) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    run = history.start_run("sandbox", "e.xlsx", "Events", [], kind="upsert", snapshots={})
    history.finish_run(run, Tally(), 0, "")
    # an undo refused whole (nothing reached HubSpot) leaves the run to be undone again
    refused = history.start_run(
        "sandbox", "e.xlsx", "Events", [(RowId(1), 2, 0, {})], kind="undo", undoes=run
    )
    history.record_outcomes(refused, [Outcome(RowId(1), RowStatus.FAILED, message="HTTP 401")])
    history.flush()
    assert [r.undone_by for r in history.runs() if r.id == run] == [""]
    undo = history.start_run(
        "sandbox", "e.xlsx", "Events", [(RowId(1), 2, 0, {})], kind="undo", undoes=run
    )
    history.record_outcomes(undo, [Outcome(RowId(1), RowStatus.UPDATED, "7")])
    history.close()
    undone = history.run(run)
    assert undone is not None
    assert (undone.undone_by, undone.state) == (undo, "undone")
    assert [r.undoes for r in history.runs() if r.id == undo] == [run]


def test_an_older_history_file_opens_and_gains_the_snapshot_table(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE runs (id TEXT PRIMARY KEY, started REAL, finished REAL, connection TEXT,"
        " file TEXT, sheet TEXT, rows INTEGER, created INTEGER, updated INTEGER, failed INTEGER,"
        " not_sent INTEGER, requests INTEGER, stopped TEXT, recorded INTEGER DEFAULT 0);"
        "CREATE TABLE run_rows (run_id TEXT, row_id INTEGER, source_row INTEGER, batch INTEGER,"
        " payload TEXT, status TEXT, hubspot_id TEXT, message TEXT, http_status INTEGER,"
        " done REAL, PRIMARY KEY (run_id, row_id));"
        "INSERT INTO runs VALUES ('old', 1.0, 2.0, 'sandbox', 'e.xlsx', 'Events', 2, 2, 0, 0, 0,"
        " 1, '', 0);"
    )
    old.commit()
    old.close()
    history = RunHistory(path)
    (before,) = history.runs()
    assert (before.id, before.kind, before.has_snapshot, before.state) == (
        "old",
        "",
        False,
        "complete",
    )
    assert history.snapshots("old") == {}
    run = history.start_run(
        "sandbox", "e.xlsx", "Events", [], kind="upsert", snapshots={("acc", "1"): None}
    )
    history.close()
    assert history.snapshots(run) == {("acc", "1"): None}
    assert [r.id for r in history.runs()][-1] == "old"
