"""Sorting: stable, numbers by value (within text too), blanks last; a large table sorts in
time-boxed slices while the window goes on, and rows that come or go meanwhile are sorted in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hubevents_gui.core.sheets import read_table
from hubevents_gui.ui import document as document_module
from hubevents_gui.ui import slices
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.event_model import EventTableModel
from hubevents_gui.ui.row_order import natural
from tests.helpers import HEADER, write_xlsx

TableOf = Callable[..., EventTableModel]


@pytest.fixture
def table_of(qapp: QApplication, tmp_path: Path) -> Iterator[TableOf]:
    assert qapp is not None  # the status icons are pixmaps: they need the application
    made: list[EventTableModel] = []

    def build(names: list[str], organizers: list[str] | None = None) -> EventTableModel:
        organizers = organizers or ["Acme"] * len(names)
        rows = [
            [f"acct-{n}", f"EV-{n}", name, organizer]
            for n, (name, organizer) in enumerate(zip(names, organizers, strict=True))
        ]
        path = write_xlsx(tmp_path / f"t{len(made)}.xlsx", [HEADER, *rows])
        document = TableDocument(ZoneInfo("UTC"))
        model = EventTableModel(document)
        document.set_table(read_table(path))
        made.append(model)
        return model

    yield build
    for model in made:
        document = model.document
        shiboken6.delete(model)
        shiboken6.delete(document)


def _column(model: EventTableModel, key: str) -> list[str]:
    number = model.document.column_of(key)
    assert number is not None
    return [model.index(r, number).data() for r in range(model.rowCount())]


def _sort(model: EventTableModel, key: str, order: Qt.SortOrder) -> None:
    number = model.document.column_of(key)
    assert number is not None
    model.sort(number, order)


def test_numbers_in_text_sort_by_value_and_blanks_last(table_of: TableOf) -> None:
    model = table_of(
        ["Event number 540", "event number 54", "", "Event number 539", "Event number 9", "-2",
         "10", "1.5", "Alpha"]
    )  # fmt: skip
    _sort(model, "eventName", Qt.SortOrder.AscendingOrder)
    assert _column(model, "eventName") == [
        "-2", "1.5", "10", "Alpha", "Event number 9", "event number 54", "Event number 539",
        "Event number 540", "",
    ]  # fmt: skip
    _sort(model, "eventName", Qt.SortOrder.DescendingOrder)
    assert _column(model, "eventName")[0] == "Event number 540"
    assert _column(model, "eventName")[-1] == ""  # blanks last either way


def test_the_sort_is_stable(table_of: TableOf) -> None:
    names = [f"Event {n}" for n in range(12)]
    organizers = ["B", "A", "B", "A", "C", "A", "B", "C", "A", "B", "C", "A"]
    model = table_of(names, organizers)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        _sort(model, "eventOrganizer", order)
        pairs = list(
            zip(_column(model, "eventOrganizer"), _column(model, "eventName"), strict=True)
        )
        for organizer in "ABC":
            # within one organizer, the table's own order (Event 0, 1, ... ascending)
            same = [natural(name) for who, name in pairs if who == organizer]
            assert same == sorted(same)
        _sort(model, "eventName", Qt.SortOrder.AscendingOrder)  # shuffle before the next


def test_natural_keys() -> None:
    assert natural("Event 9") < natural("Event 10") < natural("event 11")
    assert natural("2") < natural("10") < natural("a")
    assert natural("-1.5") < natural("0")
    assert natural("nan") > natural("5")  # not a number: text


def test_a_large_table_sorts_in_slices_and_moves_once(
    table_of: TableOf, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(document_module, "SORT_AT_ONCE", 10)
    monkeypatch.setattr(slices, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr("hubevents_gui.ui.row_order._STEP_ROWS", 50)
    monkeypatch.setattr("hubevents_gui.ui.row_order._CHUNK_ROWS", 300)
    names = [f"Event {n}" for n in range(2000, 0, -1)]
    model = table_of(names)
    moved: list[int] = []
    model.layoutChanged.connect(lambda *_: moved.append(1))
    _sort(model, "eventName", Qt.SortOrder.AscendingOrder)
    assert model.document.sorting  # the window goes on meanwhile
    assert _column(model, "eventName")[0] == "Event 2000"  # not moved yet
    qtbot.waitUntil(lambda: not model.document.sorting, timeout=20_000)
    assert _column(model, "eventName") == [f"Event {n}" for n in range(1, 2001)]
    assert moved == [1]


def test_rows_deleted_during_a_sort_are_sorted_without(
    table_of: TableOf, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubevents_gui.ui.commands import RemoveRowsCommand

    monkeypatch.setattr(document_module, "SORT_AT_ONCE", 10)
    monkeypatch.setattr(slices, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr("hubevents_gui.ui.row_order._STEP_ROWS", 50)
    model = table_of([f"Event {n}" for n in range(1000, 0, -1)])
    document = model.document
    _sort(model, "eventName", Qt.SortOrder.AscendingOrder)
    assert document.sorting
    gone = [document.row_at(0).row_id, document.row_at(1).row_id]  # Event 1000 and 999
    document.undo_stack.push(RemoveRowsCommand(document, gone))
    qtbot.waitUntil(lambda: not document.sorting and _column(model, "eventName")[0] == "Event 1")
    assert _column(model, "eventName") == [f"Event {n}" for n in range(1, 999)]
