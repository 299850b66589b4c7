"""The find bar (Ctrl+F): text in any cell, Enter for the next match, Esc to close."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTableView, QToolButton, QWidget

from hubevents_gui.ui.accessible import describe


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
        self.edit.setPlaceholderText("text in any cell; Enter finds the next")
        describe(
            self.edit,
            "Text to find in any cell: Enter finds the next match, Esc closes the bar",
            name="Find text",
            tip=False,
        )
        label.setBuddy(self.edit)
        self.edit.returnPressed.connect(self.find_next)
        layout.addWidget(self.edit, 1)
        self.status = QLabel(self)
        self.status.setObjectName("findStatus")
        layout.addWidget(self.status)
        close = QToolButton(self)
        close.setObjectName("findClose")
        close.setText("✕")
        close.setToolTip("Close the find bar (Esc)")
        close.setAccessibleName("Close the find bar")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self.hide()

    @Slot()
    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    @Slot()
    def close_bar(self) -> None:
        self.hide()
        self.table.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            event.accept()
            return
        super().keyPressEvent(event)

    @Slot()
    def find_next(self) -> None:
        needle = self.edit.text().strip().casefold()
        if not needle:
            return
        model = self.table.model()
        rows, columns = model.rowCount(), model.columnCount()
        total = rows * columns
        current = self.table.currentIndex()
        start = (current.row() * columns + current.column() + 1) if current.isValid() else 0
        for step in range(total):
            position = (start + step) % total
            index = model.index(position // columns, position % columns)
            if needle in str(index.data() or "").casefold():
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                self.status.setText("")
                return
        self.status.setText("not found")
