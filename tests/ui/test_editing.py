"""Undo and redo of every kind of change, and the spreadsheet clipboard: copy, paste (growing
the table), fill down and clear."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from hubevents_gui.core.rows import Outcome, RowStatus
from hubevents_gui.ui import commands
from hubevents_gui.ui.clipboard import parse_tsv, tsv_cell
from hubevents_gui.ui.event_model import EventTableModel
from hubevents_gui.ui.main_window import MainWindow
from tests.helpers import HEADER, write_xlsx
from tests.ui.conftest import load


@pytest.fixture
def window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """The window with the sample open."""
    load(qtbot, window)
    return window


def state(model: EventTableModel) -> list[Any]:
    """Everything a user sees of the table, to compare before and after an undo."""
    return [
        (
            row.row_id,
            dict(row.values),
            dict(row.custom),
            dict(row.bad),
            model.document.status_of(row.row_id),
            model.document.outcomes.get(row.row_id),
            [(i.field, i.message) for i in model.document.issues.get(row.row_id, [])],
        )
        for row in model.document.rows
    ] + [list(model.document.table.custom_names), [c.key for c in model.columns]]


def index_of(window: MainWindow, view_row: int, key: str) -> Any:
    column = window.document.column_of(key)
    assert column is not None
    return window.model.index(view_row, column)


def select(window: MainWindow, top: int, left_key: str, bottom: int, right_key: str) -> None:
    selection = QItemSelection(index_of(window, top, left_key), index_of(window, bottom, right_key))
    window.table.selectionModel().select(
        selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    window.table.selectionModel().setCurrentIndex(
        index_of(window, top, left_key), QItemSelectionModel.SelectionFlag.NoUpdate
    )


def check_undo_redo(window: MainWindow, change: Any) -> None:
    before = state(window.model)
    change()
    after = state(window.model)
    assert after != before
    window.rows.undo()
    assert state(window.model) == before
    window.rows.redo()
    assert state(window.model) == after


def test_undo_redo_a_cell_edit_restores_values_issues_and_outcomes(window: MainWindow) -> None:
    model = window.model
    row = model.document.row_at(0)
    model.document.apply_outcomes([Outcome(row.row_id, RowStatus.CREATED, "77")])
    check_undo_redo(window, lambda: model.setData(index_of(window, 0, "eventName"), ""))
    window.rows.undo()
    assert model.document.status_of(row.row_id) is RowStatus.CREATED  # not "edited since" any more


def test_undo_redo_rows_added_duplicated_and_deleted(window: MainWindow) -> None:
    check_undo_redo(window, window.rows.add_row)
    window.table.setCurrentIndex(index_of(window, 3, "eventName"))
    check_undo_redo(window, window.rows.duplicate_rows)
    model = window.model
    model.document.apply_outcomes(
        [Outcome(model.document.row_at(4).row_id, RowStatus.FAILED, message="no")]
    )
    select(window, 4, "eventName", 6, "eventName")
    check_undo_redo(window, window.rows.delete_rows)


def test_undo_redo_a_custom_column(window: MainWindow) -> None:
    check_undo_redo(window, lambda: commands.add_custom_column(window.document, "language"))


def test_undo_an_import_over_an_open_table(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    model = window.model
    model.setData(index_of(window, 0, "eventName"), "Edited before the import")
    before = state(model)
    other = write_xlsx(tmp_path / "other.xlsx", [HEADER, ["b", "1", "Other", "Org"]])
    window.setWindowModified(False)
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(other)
    assert len(model.document.rows) == 1
    window.rows.undo()
    assert state(model) == before
    window.rows.redo()
    assert [r.values["eventName"] for r in model.document.rows] == ["Other"]


def test_paste_a_block_from_a_spreadsheet_grows_the_table_in_one_step(window: MainWindow) -> None:
    model = window.model
    rows_before = len(model.document.rows)
    before = state(model)
    # as Excel puts it on the clipboard: tabs, CRLF, a quoted cell with a tab, newline and quotes
    text = 'acme\tNEW-1\t"Launch\tnight\nwith ""quotes"""\tAcme\r\nacme\tNEW-2\tSecond\tAcme\r\n'
    QApplication.clipboard().setText(text)
    last = len(model.document.rows) - 1
    window.table.setCurrentIndex(index_of(window, last, "externalAccountId"))
    window.editor.paste_cells()
    assert len(model.document.rows) == rows_before + 1  # the second pasted row needed a new row
    assert model.document.row_at(last).values["eventName"] == 'Launch\tnight\nwith "quotes"'
    assert model.document.row_at(last + 1).values["externalEventId"] == "NEW-2"
    assert model.document.undo_stack.undoText() == "Paste"
    window.rows.undo()
    assert state(model) == before


def test_paste_parses_through_the_field_table(window: MainWindow) -> None:
    QApplication.clipboard().setText("2026-07-01 10:00\tyes\n")
    window.table.setCurrentIndex(index_of(window, 0, "startDateTime"))
    window.editor.paste_cells()
    row = window.document.row_at(0)
    from datetime import datetime

    assert row.values["startDateTime"] == datetime(2026, 7, 1, 10, 0)
    # the column after Start (in view order) is End: "yes" is no date, kept and marked
    assert row.cell("endDateTime").text == "yes"  # type: ignore[union-attr]


def test_copy_gives_what_paste_reads(window: MainWindow) -> None:
    model = window.model
    model.setData(index_of(window, 0, "eventDescription"), 'Two lines\nand a "quote"')
    select(window, 0, "eventName", 1, "eventDescription")
    window.editor.copy_cells()
    block = parse_tsv(QApplication.clipboard().text())
    assert len(block) == 2
    assert block[0][0] == model.document.row_at(0).values["eventName"]
    assert block[0][-1] == 'Two lines\nand a "quote"'
    assert tsv_cell("a\tb") == '"a\tb"'


def test_fill_down_and_clear(window: MainWindow) -> None:
    model = window.model
    select(window, 0, "eventOrganizer", 4, "eventOrganizer")
    window.editor.fill_down()
    organizers = {model.document.row_at(r).values["eventOrganizer"] for r in range(5)}
    assert organizers == {model.document.row_at(0).values["eventOrganizer"]}
    before = state(model)
    select(window, 0, "eventType", 2, "eventType")
    window.editor.clear_cells()
    assert all("eventType" not in model.document.row_at(r).values for r in range(3))
    window.rows.undo()
    assert state(model) == before


def test_undo_during_a_run_leaves_the_rows_in_flight_untouched(
    qtbot: QtBot, window: MainWindow
) -> None:
    document = window.document
    first, second = document.row_at(0), document.row_at(1)
    window.model.setData(index_of(window, 0, "eventName"), "Changed")
    with qtbot.waitSignal(window.controller.run_finished, timeout=20_000):
        window.controller.upsert([first])  # the first row is in flight, the second is not
        assert first.row_id in document.locked
        window.rows.undo()  # its edit cannot be undone now: refused, said, nothing changed
        assert first.values["eventName"] == "Changed"
        assert "being sent" in window.statusBar().currentMessage()
        window.model.setData(index_of(window, 1, "eventName"), "Edited meanwhile")
        window.rows.undo()  # an edit of a row that is not being sent is undone as usual
        assert second.values["eventName"] != "Edited meanwhile"
        # a paste, a fill or a delete leaves the row in flight as it is
        assert commands.change_cells(document, [(first.row_id, "eventName", "X")]) == 1
        assert commands.remove_rows(document, [first.row_id]) == 1
        assert first.values["eventName"] == "Changed"
        assert document.row(first.row_id) is first
        with pytest.raises(RuntimeError):
            commands.replace_table(document, document.table)
    window.rows.undo()  # once its outcome is in, the edit can be undone
    assert first.values["eventName"] != "Changed"


def test_a_paste_that_changes_nothing_leaves_no_undo_step(window: MainWindow) -> None:
    document = window.document
    steps = document.undo_stack.count()
    QApplication.clipboard().setText("x\n")
    select(window, 0, "status", 0, "status")  # a read-only column
    window.editor.paste_cells()
    assert document.undo_stack.count() == steps
    assert "read-only" in window.statusBar().currentMessage()


def type_in(qtbot: QtBot, table: QWidget, text: str) -> QWidget:
    """Type into the current cell as a user does: the first key opens its editor."""
    qtbot.keyClick(table, text[0])
    editor = QApplication.focusWidget()
    assert editor is not None
    assert editor is not table
    qtbot.keyClicks(editor, text[1:])
    return editor


def test_enter_moves_down_a_row_as_a_spreadsheet_does(qtbot: QtBot, window: MainWindow) -> None:
    table = window.table
    table.setFocus()
    table.setCurrentIndex(index_of(window, 0, "eventName"))
    qtbot.keyClick(table, Qt.Key.Key_Return)  # not editing: just down
    assert table.currentIndex() == index_of(window, 1, "eventName")
    qtbot.keyClick(table, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert table.currentIndex() == index_of(window, 0, "eventName")
    editor = type_in(qtbot, table, "Renamed")  # typing edits the cell
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.currentIndex() == index_of(window, 1, "eventName"))
    assert window.document.rows[0].values["eventName"] == "Renamed"
    editor = type_in(qtbot, table, "Dropped")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # Esc gives the edit up and stays
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    assert table.currentIndex() == index_of(window, 1, "eventName")
    assert window.document.rows[1].values["eventName"] != "Dropped"
