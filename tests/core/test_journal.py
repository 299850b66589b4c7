"""The session journal round-trips rows, edits, unusable cells, outcomes and the layout."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from hubevents_gui.core.journal import Journal, read_journal
from hubevents_gui.core.package_data import sample_path
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus, Unreadable
from hubevents_gui.core.sheets import read_table


def test_a_table_round_trips(tmp_path: Path) -> None:
    table = read_table(sample_path("events"), day_first=True)
    first = table.rows[0]
    first.set_cell("startDateTime", datetime(2026, 3, 4, 9, 30, tzinfo=UTC))
    first.set_cell("eventUrl", Unreadable("www.x", "not an absolute http(s) URL"))
    first.extras = (date(2026, 1, 2), time(9, 30), timedelta(hours=2), 4.5, True)
    journal = Journal(tmp_path / "session.sqlite")
    journal.start_table(table, {"timezone": "Europe/Berlin"})
    outcome = Outcome(first.row_id, RowStatus.FAILED, None, "bad", 400, "VALIDATION_ERROR", "c-1")
    journal.outcomes_changed(
        [(first.row_id, outcome, RowStatus.FAILED), (table.rows[1].row_id, None, RowStatus.QUEUED)]
    )
    journal.flush()
    session = read_journal(tmp_path / "session.sqlite")
    assert session is not None
    assert [r.row_id for r in session.table.rows] == [r.row_id for r in table.rows]
    assert session.table.rows[0] == first
    assert session.table.rows[5] == table.rows[5]
    assert session.table.extra_headers == table.extra_headers
    assert session.table.column_keys == table.column_keys
    assert session.table.file == table.file
    assert session.table.day_first  # how its date text was read comes back with it
    assert session.outcomes == {first.row_id: outcome}
    assert session.states[table.rows[1].row_id] is RowStatus.QUEUED
    assert session.extra == {"timezone": "Europe/Berlin"}
    journal.close()


def test_changed_rows_and_order(tmp_path: Path) -> None:
    rows = [EventRow(RowId(i), i + 1, {"eventName": f"n{i}"}) for i in range(3)]
    table = EventTable(tmp_path / "x.xlsx", "Sheet1", rows)
    journal = Journal(tmp_path / "j.sqlite")
    journal.start_table(table)
    rows[1].set_cell("eventName", "changed")
    added = EventRow(RowId(9), None, {"eventName": "new"})
    table.rows[:] = [rows[2], added, rows[1]]  # row 0 deleted, one added, order changed
    journal.rows_changed([rows[1], added], [2, 9, 1])
    journal.flush()
    session = read_journal(tmp_path / "j.sqlite")
    assert session is not None
    assert [(r.row_id, r.values["eventName"]) for r in session.table.rows] == [
        (2, "n2"), (9, "new"), (1, "changed"),
    ]  # fmt: skip
    journal.discard()
    journal.flush()
    assert read_journal(tmp_path / "j.sqlite") is None
    journal.close(remove=True)
    assert not (tmp_path / "j.sqlite").exists()


def test_the_custom_properties_hubspot_dropped_survive_a_restart(tmp_path: Path) -> None:
    table = read_table(sample_path("events"), day_first=True)
    row_id = table.rows[0].row_id
    outcome = Outcome(row_id, RowStatus.CREATED, "77", dropped=("legacy_tag", "other"))
    journal = Journal(tmp_path / "session.sqlite")
    journal.start_table(table)
    journal.outcomes_changed([(row_id, outcome, RowStatus.CREATED)])
    journal.flush()
    journal.close()
    session = read_journal(tmp_path / "session.sqlite")
    assert session is not None
    restored = session.outcomes[row_id]
    assert restored.dropped == ("legacy_tag", "other")
    assert restored.summary == "HubSpot dropped custom properties: legacy_tag, other"
