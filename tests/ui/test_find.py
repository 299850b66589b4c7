"""Find (Ctrl+F): the search runs in slices while the window goes on, the count of matching
cells streams in, Enter and Shift+Enter move between matches (wrapping), and Esc closes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubevents_gui.ui import find_bar as find_module
from hubevents_gui.ui import slices
from hubevents_gui.ui.main_window import MainWindow
from tests.helpers import HEADER, write_xlsx
from tests.ui.conftest import load


def _cells_showing(window: MainWindow, text: str) -> list[tuple[int, int]]:
    """Every (row, column) whose shown text holds ``text``: read cell by cell, as a user
    would, independently of the find bar's own reading."""
    model = window.model
    found = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            shown = model.index(row, column).data()
            if isinstance(shown, str) and text.casefold() in shown.casefold():
                found.append((row, column))
    return found


def _search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    bar = window.find_bar
    bar.open_bar()
    bar.edit.setText(text)
    bar.start_search()
    qtbot.waitUntil(lambda: not bar.searching, timeout=20_000)


def _here(window: MainWindow) -> tuple[int, int]:
    current = window.table.currentIndex()
    return current.row(), current.column()


def test_find_counts_the_matches_and_enter_moves_between_them(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    expected = _cells_showing(window, "summit")
    assert len(expected) > 3
    _search(qtbot, window, "Summit")
    bar = window.find_bar
    assert bar.status.text() == f"{len(expected)} matches"
    window.table.setCurrentIndex(window.model.index(0, 0))
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert _here(window) == expected[0]
    assert bar.status.text() == f"1 of {len(expected)}"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert _here(window) == expected[1]
    # Shift+Enter goes back, and from the first wraps to the last
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert _here(window) == expected[-1]
    assert bar.status.text() == f"{len(expected)} of {len(expected)}"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert window.table.hasFocus() or not window.isActiveWindow()


def test_no_match_says_so(qtbot: QtBot, window: MainWindow) -> None:
    load(qtbot, window)
    _search(qtbot, window, "no such text anywhere")
    window.find_bar.find_next()
    assert window.find_bar.status.text() == "not found"


def test_a_large_table_is_searched_in_slices_with_the_count_streaming_in(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [[f"acct-{n}", f"EV-{n}", f"Event {n}", "Acme" if n % 7 else "Zed"] for n in range(3000)]
    load(qtbot, window, write_xlsx(tmp_path / "big.xlsx", [HEADER, *rows]))
    # tiny slices, so that the test sees the search go on between turns of the event loop
    monkeypatch.setattr(slices, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(find_module, "ROWS_PER_CHECK", 50)
    bar = window.find_bar
    bar.open_bar()
    bar.edit.setText("zed")
    bar.start_search()
    assert bar.searching  # one slice, then the window goes on
    assert bar.status.text().endswith("so far…")
    seen: list[int] = []

    def done() -> bool:
        seen.append(len(bar.matches))
        return not bar.searching

    qtbot.waitUntil(done, timeout=20_000)
    assert len(set(seen)) > 3  # the count grew slice by slice
    assert bar.status.text() == f"{len(range(0, 3000, 7))} matches"


def test_enter_before_the_search_ends_goes_to_the_first_match_when_found(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [[f"acct-{n}", f"EV-{n}", f"Event {n}", "Acme"] for n in range(2000)]
    rows[1500][2] = "The needle"
    load(qtbot, window, write_xlsx(tmp_path / "big.xlsx", [HEADER, *rows]))
    monkeypatch.setattr(slices, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(find_module, "ROWS_PER_CHECK", 100)
    bar = window.find_bar
    bar.open_bar()
    bar.edit.setText("needle")
    bar.find_next()  # Enter at once: the match is not found yet
    qtbot.waitUntil(lambda: window.table.currentIndex().data() == "The needle", timeout=20_000)
    if bar.searching:
        assert bar.status.text().startswith("1 of 1")
        qtbot.waitUntil(lambda: not bar.searching, timeout=20_000)
    assert bar.status.text() == "1 of 1"


def test_an_edited_match_is_passed_over_and_a_sort_finds_them_again(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    _search(qtbot, window, "Summit")
    bar = window.find_bar
    first_row, first_column = bar.matches[0]
    window.model.setData(window.model.index(first_row, first_column), "Renamed")
    window.table.setCurrentIndex(window.model.index(0, 0))
    bar.find_next()
    assert "summit" in str(window.table.currentIndex().data()).casefold()
    assert _here(window) != (first_row, first_column)
    # sorted: the matches are where the rows are now
    name = window.document.column_of("eventName")
    assert name is not None
    window.model.sort(name, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not bar.searching, timeout=20_000)
    assert bar.matches == _cells_showing(window, "summit")
