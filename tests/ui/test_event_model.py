"""The table model: Qt's model tester, editing, live validation marks, sorting, filtering."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester

from hubevents_gui.core.rows import Outcome, RowStatus, Unreadable
from hubevents_gui.core.sheets import read_table
from hubevents_gui.ui import commands
from hubevents_gui.ui.columns import ColumnKind
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.event_model import CHECK, COLUMN_KEY_ROLE, EventTableModel
from hubevents_gui.ui.row_order import RowFilter
from tests.ui.conftest import SAMPLE

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def model(qapp: QApplication) -> Iterator[EventTableModel]:
    assert qapp is not None  # the status icons are pixmaps: they need the application
    document = TableDocument(BERLIN)
    model = EventTableModel(document)
    document.set_table(read_table(SAMPLE))
    yield model
    # destroyed here, on the GUI thread: left to the garbage collector (they hold each other),
    # a later test's writer thread would destroy them
    shiboken6.delete(model)
    shiboken6.delete(document)


def cell(model: EventTableModel, source_row: int, key: str) -> QModelIndex:
    for view_row in range(model.rowCount()):
        if model.document.row_at(view_row).source_row == source_row:
            column = model.document.column_of(key)
            assert column is not None
            return model.index(view_row, column)
    raise AssertionError(f"no row {source_row}")


def test_model_passes_qt_model_tester(model: EventTableModel, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(model, force_py=True)


def test_columns_come_from_the_field_table(model: EventTableModel) -> None:
    keys = [
        model.headerData(c, Qt.Orientation.Horizontal, COLUMN_KEY_ROLE)
        for c in range(model.columnCount())
    ]
    assert keys[:4] == ["externalAccountId", "externalEventId", "eventName", "eventOrganizer"]
    assert "custom:region" in keys
    assert keys[-4:] == ["extra:0", "status", "hubspotId", "message"]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "External Account ID *"
    extra = model.index(0, keys.index("extra:0"))
    assert not (model.flags(extra) & Qt.ItemFlag.ItemIsEditable)
    assert model.data(extra, Qt.ItemDataRole.ForegroundRole) is not None  # greyed


def test_invalid_cells_are_marked_and_fixing_them_clears_the_mark(model: EventTableModel) -> None:
    url = cell(model, 25, "eventUrl")
    assert model.data(url, Qt.ItemDataRole.BackgroundRole) == model.style.invalid
    assert model.data(url, Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(url, Qt.ItemDataRole.ToolTipRole) == "not an absolute http(s) URL"
    assert model.document.invalid_count() == 2
    assert model.setData(url, "https://www.acme.example/fixed")
    assert model.data(url, Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(url, Qt.ItemDataRole.ToolTipRole) is None
    assert model.document.invalid_count() == 1


def test_text_that_is_not_a_date_is_kept_and_marked(model: EventTableModel) -> None:
    start = cell(model, 2, "startDateTime")
    assert model.setData(start, "next tuesday")
    assert model.data(start) == "next tuesday"  # what the user typed is not lost
    assert "not a date-time" in model.data(start, Qt.ItemDataRole.ToolTipRole)
    assert model.setData(start, "2026-03-10 17:00")
    row = model.document.row_at(start.row())
    assert row.values["startDateTime"] == datetime(2026, 3, 10, 17, 0)
    assert model.utc_preview(row, "startDateTime") == (
        "sent as 2026-03-10T16:00:00.000Z (read in Europe/Berlin)"
    )


def test_booleans_are_check_boxes(model: EventTableModel) -> None:
    cancelled = cell(model, 2, "eventCancelled")
    assert model.flags(cancelled) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.data(cancelled, CHECK) == Qt.CheckState.Unchecked
    assert model.data(cancelled) is None
    assert model.setData(cancelled, Qt.CheckState.Checked.value, CHECK)
    assert model.document.row_at(cancelled.row()).values["eventCancelled"] is True


def test_duplicate_ids_are_flagged_on_both_rows_and_cleared(model: EventTableModel) -> None:
    second = cell(model, 3, "externalEventId")
    assert model.setData(second, "WEB-2026-001")
    assert model.document.invalid_count() == 4
    first = cell(model, 2, "externalEventId")
    assert "duplicate event" in model.data(first, Qt.ItemDataRole.ToolTipRole)
    assert model.setData(second, "WEB-2026-002")
    assert model.document.invalid_count() == 2


def test_sort_in_the_model_keeps_persistent_indexes(model: EventTableModel) -> None:
    name = model.document.column_of("eventName")
    assert name is not None
    tracked = QPersistentModelIndex(cell(model, 5, "eventName"))
    model.sort(name, Qt.SortOrder.AscendingOrder)
    names = [model.index(r, name).data() for r in range(model.rowCount())]
    assert names == sorted(names, key=str.casefold)
    assert model.document.row_at(tracked.row()).source_row == 5
    start = model.document.column_of("startDateTime")
    assert start is not None
    model.sort(start, Qt.SortOrder.DescendingOrder)
    # instants, not text: Sydney 09:00+11:00 (Oct 26, 22:00Z) sorts before Frankfurt's Nov 18
    order = [model.document.row_at(r).source_row for r in range(model.rowCount())]
    assert order.index(20) > order.index(23)


def test_filters(model: EventTableModel) -> None:
    model.document.set_filter(RowFilter.INVALID)
    shown = {model.document.row_at(r).source_row for r in range(model.rowCount())}
    assert shown == {25, 26}
    first = model.document.row_at(0).row_id
    model.document.set_filter(RowFilter.ALL)
    model.document.apply_outcomes(
        [Outcome(model.document.row_at(1).row_id, RowStatus.FAILED, message="no")]
    )
    model.document.set_filter(RowFilter.FAILED)
    assert model.rowCount() == 1
    model.document.set_filter(RowFilter.NOT_SENT)
    assert model.rowCount() == 25
    assert model.document.view_row_of(first) is not None


def test_outcomes_colour_rows_and_edits_mark_them(model: EventTableModel) -> None:
    row = model.document.row_at(0)
    model.document.apply_outcomes([Outcome(row.row_id, RowStatus.CREATED, "123")])
    status = model.document.column_of("status")
    assert status is not None
    index = model.index(0, status)
    assert model.data(index) == "created"
    assert model.data(index, Qt.ItemDataRole.DecorationRole) is not None
    assert (
        model.data(index, Qt.ItemDataRole.BackgroundRole)
        == model.style.backgrounds[RowStatus.CREATED]
    )
    hubspot = model.document.column_of("hubspotId")
    assert hubspot is not None
    assert model.index(0, hubspot).data() == "123"
    name = model.document.column_of("eventName")
    assert name is not None
    assert model.setData(model.index(0, name), "Renamed")
    assert model.data(index) == RowStatus.EDITED.value


def test_rows_in_flight_are_read_only(model: EventTableModel) -> None:
    row = model.document.row_at(0)
    model.document.mark([row.row_id], RowStatus.SENDING, lock=True)
    assert not (model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable)
    assert not model.setData(model.index(0, 2), "changed")
    model.document.apply_outcomes([Outcome(row.row_id, RowStatus.UPDATED, "9")])
    assert model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable


def test_add_duplicate_and_delete_rows_and_a_custom_column(
    model: EventTableModel, qtmodeltester: ModelTester
) -> None:
    document = model.document
    new = document.new_row()
    commands.insert_rows(document, [new])
    assert document.row_at(25) is new
    assert document.invalid_count() == 3  # the empty row misses its required fields
    original = document.row_at(1)
    copy = original.copy(document.row_ids())
    commands.insert_rows(document, [copy], after=original.row_id)
    assert document.row_at(2) is copy
    assert document.invalid_count() == 5  # the copy and its original share their ids
    column = commands.add_custom_column(document, "language")
    assert model.columns[column].kind is ColumnKind.CUSTOM
    assert model.setData(model.index(2, column), "de")
    assert copy.custom["language"] == "de"
    commands.remove_rows(model.document, [new.row_id, copy.row_id])
    assert model.document.invalid_count() == 2
    assert len(model.document.rows) == 25
    qtmodeltester.check(model, force_py=True)


def test_bad_cells_read_from_the_file_show_their_text(model: EventTableModel) -> None:
    row = model.document.row_at(0)
    row.set_cell("eventOrganizer", Unreadable("", "part of merged cells"))
    model.document.revalidate_all()
    index = model.index(0, model.document.column_of("eventOrganizer") or 0)
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "part of merged cells"


def test_undoing_a_delete_of_scattered_rows_puts_each_back_in_its_place(
    model: EventTableModel, qtmodeltester: ModelTester
) -> None:
    document = model.document
    before = [r.row_id for r in document.rows]
    qtmodeltester.check(model, force_py=True)
    commands.remove_rows(document, before[::2])  # 13 runs of one row each
    assert [r.row_id for r in document.rows] == before[1::2]
    document.undo()
    assert [r.row_id for r in document.rows] == before
    view = [document.row_at(v).row_id for v in range(model.rowCount())]
    assert view == before
    assert all(document.view_row_of(r) == i for i, r in enumerate(before))


def test_undoing_a_delete_in_a_filtered_and_sorted_view_keeps_the_view_whole(
    model: EventTableModel,
) -> None:
    document = model.document
    name = document.column_of("eventName")
    assert name is not None
    model.sort(name, Qt.SortOrder.DescendingOrder)
    shown = [document.row_at(v).row_id for v in range(model.rowCount())]
    commands.remove_rows(document, shown[1::3])
    document.undo()
    again = [document.row_at(v).row_id for v in range(model.rowCount())]
    assert sorted(again) == sorted(shown)
    names = [model.index(v, name).data() for v in range(model.rowCount())]
    assert names == sorted(names, key=str.casefold, reverse=True)


def test_an_invalid_row_does_not_look_like_one_not_yet_sent(model: EventTableModel) -> None:
    invalid, fine = cell(model, 25, "status"), cell(model, 24, "status")
    assert model.data(invalid, Qt.ItemDataRole.DisplayRole) == "invalid"
    assert model.data(fine, Qt.ItemDataRole.DisplayRole) == "not yet sent"
    for role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.DecorationRole):
        assert model.data(invalid, role) != model.data(fine, role), role
    assert model.data(invalid, Qt.ItemDataRole.DecorationRole) == model.style.warning_icon
    # the Message column says why, in the column's own words
    message = cell(model, 25, "message")
    assert model.data(message, Qt.ItemDataRole.DisplayRole) == (
        "Event URL: not an absolute http(s) URL"
    )
    assert model.setData(cell(model, 25, "eventUrl"), "https://www.acme.example/fixed")
    assert model.data(invalid, Qt.ItemDataRole.DisplayRole) == "not yet sent"
    assert model.data(message, Qt.ItemDataRole.DisplayRole) == ""


def test_a_filter_in_force_follows_the_outcomes_as_they_arrive(model: EventTableModel) -> None:
    from hubevents_gui.core.rows import Outcome, RowStatus
    from hubevents_gui.ui.row_order import RowFilter

    document = model.document
    document.set_filter(RowFilter.NOT_SENT)
    shown = model.rowCount()
    assert shown == 25
    first = [document.row_at(i).row_id for i in range(3)]
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _parent, a, b: removed.append((a, b)))
    document.apply_outcomes([Outcome(r, RowStatus.CREATED, hubspot_id="1") for r in first])
    assert model.rowCount() == shown - 3  # gone at once, in one contiguous run
    assert removed == [(0, 2)]
    assert all(document.row_at(i).row_id not in first for i in range(model.rowCount()))
    # rows that come into a filter join it, at the latest when the run ends
    document.set_filter(RowFilter.FAILED)
    assert model.rowCount() == 0
    late = document.rows[5].row_id
    document.apply_outcomes([Outcome(late, RowStatus.FAILED, message="HTTP 400")])
    document.refilter(now=True)
    assert model.rowCount() == 1
    assert document.row_at(0).row_id == late
