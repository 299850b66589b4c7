"""The find bar (Ctrl+F): text in any cell, searched in time-boxed slices so the window never
waits on it; the count of matches streams in, Enter and Shift+Enter move between them, Esc
closes the bar.

The search reads the rows' texts through the model's row_texts (what the cells show), a slice
of rows per turn of the event loop, never index.data() per cell. It starts again when rows
come, go or are sorted or filtered; a match whose cell was edited since is passed over."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTableView, QToolButton, QWidget

from hubevents_gui.ui.accessible import describe
from hubevents_gui.ui.slices import Slices

if TYPE_CHECKING:
    from hubevents_gui.ui.event_model import EventTableModel

#: rows searched between looks at the clock
ROWS_PER_CHECK = 32
#: typing pauses this long (ms) before the search starts again
TYPING_PAUSE_MS = 150


class FindBar(QWidget):
    def __init__(self, table: QTableView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.table = table
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        label = QLabel("Find:", self)
        label.setObjectName("findLabel")
        layout.addWidget(label)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("findText")
        self.edit.setPlaceholderText("text in any cell; Enter: next, Shift+Enter: previous")
        describe(
            self.edit,
            "Text to find in any cell: Enter finds the next match, Shift+Enter the previous, "
            "Esc closes the bar",
            name="Find text",
            tip=False,
        )
        label.setBuddy(self.edit)
        self.edit.installEventFilter(self)
        self.edit.textChanged.connect(self._typed)
        layout.addWidget(self.edit, 1)
        self.status = QLabel(self)
        self.status.setObjectName("findStatus")
        describe(self.status, "How many cells match", tip=False)
        layout.addWidget(self.status)
        close = QToolButton(self)
        close.setObjectName("findClose")
        close.setText("✕")
        close.setToolTip("Close the find bar (Esc)")
        close.setAccessibleName("Close the find bar")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self.hide()

        #: (view row, column) of every match found so far, in view order
        self.matches: list[tuple[int, int]] = []
        #: the match shown, as an index into matches (-1: none yet)
        self.current = -1
        self._needle = ""
        self._next_row = 0
        self.searching = False
        #: a move asked for before its match was found: +1 next, -1 previous
        self._wanted = 0
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.start_search)
        self._slices = Slices(self)
        self._slices.sliced.connect(self._after_slice)
        self._slices.finished.connect(self._after_slice)
        model = self._model()
        # the positions found are the view's: when rows move, they are found again
        for signal in (
            model.modelReset,
            model.layoutChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.columnsInserted,
            model.columnsRemoved,
        ):
            signal.connect(self._rows_moved)

    def _model(self) -> EventTableModel:
        return self.table.model()  # type: ignore[return-value]

    # ------------------------------------------------------------------ the bar

    @Slot()
    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()
        if self.edit.text().strip() and not self.matches and not self.searching:
            self.start_search()

    @Slot()
    def close_bar(self) -> None:
        self._stop()
        self.hide()
        self.table.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ searching

    @Slot()
    def _typed(self) -> None:
        self._stop()
        self.matches = []
        self.current = -1
        self._needle = ""
        self.status.setText("")
        self._typing.start()

    @Slot()
    def _rows_moved(self) -> None:
        if self._needle and self.isVisible():
            self.start_search()
        else:
            self._stop()
            self.matches = []
            self.current = -1
            self._needle = ""

    @Slot()
    def start_search(self) -> None:
        """Search the table for the text from its first row, a slice at a time."""
        self._typing.stop()
        self._needle = self.edit.text().strip().casefold()
        self.matches = []
        self.current = -1
        self._next_row = 0
        if not self._needle:
            self._stop()
            self.status.setText("")
            return
        self.searching = True
        # the first slice at once: a small table is done here
        self._slices.start(self._search(self._needle))

    def _stop(self) -> None:
        self._slices.stop()
        self._typing.stop()
        self.searching = False
        self._wanted = 0

    def _search(self, needle: str) -> Iterator[None]:
        model = self._model()
        view = model.document.order.view
        texts = model.row_texts
        matches = self.matches
        end = len(view)
        for position in range(0, end, ROWS_PER_CHECK):
            for number in range(position, min(end, position + ROWS_PER_CHECK)):
                for column, text in enumerate(texts(view[number])):
                    if needle in text.casefold():
                        matches.append((number, column))
            self._next_row = min(end, position + ROWS_PER_CHECK)
            yield
        self._next_row = end

    @Slot()
    def _after_slice(self) -> None:
        self.searching = self._slices.running
        if self._wanted and (self._ahead_found() or not self.searching):
            wanted, self._wanted = self._wanted, 0
            self._move(wanted)
        else:
            self._say()

    def _ahead_found(self) -> bool:
        """Whether a match after the current cell has been found (so Enter can go there)."""
        return bool(self.matches) and self.matches[-1] > self._here()

    def _here(self) -> tuple[int, int]:
        current = self.table.currentIndex()
        return (current.row(), current.column()) if current.isValid() else (-1, -1)

    def _say(self) -> None:
        count = len(self.matches)
        if self.searching:
            shown = f"{self.current + 1:,} of " if self.current >= 0 else ""
            self.status.setText(f"{shown}{count:,} so far…")
        elif not count:
            self.status.setText("not found")
        elif self.current >= 0:
            self.status.setText(f"{self.current + 1:,} of {count:,}")
        else:
            self.status.setText(f"{count:,} match{'es' if count != 1 else ''}")

    # ------------------------------------------------------------------ moving

    @Slot()
    def find_next(self) -> None:
        self._find(+1)

    @Slot()
    def find_previous(self) -> None:
        self._find(-1)

    def _find(self, step: int) -> None:
        needle = self.edit.text().strip().casefold()
        if not needle:
            return
        if needle != self._needle or (not self.searching and self._next_row == 0):
            self.start_search()
        if self.searching and not (step > 0 and self._ahead_found()):
            self._wanted = step  # when the match is found (or the search ends)
            self._say()
            return
        self._move(step)

    def _move(self, step: int) -> None:
        """Show the match after (or before) the current cell, wrapping around; a match whose
        cell no longer holds the text (edited since) is passed over."""
        matches = self.matches
        if not matches:
            self._say()
            return
        here = self._here()
        if step > 0:
            start = bisect.bisect_right(matches, here)
        else:
            start = bisect.bisect_left(matches, here) - 1
        model = self._model()
        for tried in range(len(matches)):
            number = (start + step * tried) % len(matches)
            row, column = matches[number]
            if self._still_matches(model, row, column):
                self.current = number
                index = model.index(row, column)
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                self._say()
                return
        self.current = -1
        self.status.setText("not found")

    def _still_matches(self, model: EventTableModel, row: int, column: int) -> bool:
        view = model.document.order.view
        if row >= len(view):
            return False
        texts = model.row_texts(view[row])
        return column < len(texts) and self._needle in texts[column].casefold()
