"""The Issues panel: every problem of the table, by cell; double-click goes to the cell.

Backed by a list model over the document's issues (the first MAX_LISTED of them: the status
bar counts them all), refreshed a moment after the issues change rather than on every edit.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QDockWidget, QListView, QWidget

from hubevents_gui.core.rows import RowId
from hubevents_gui.core.validation import Issue
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.status_style import StatusStyle

#: issues listed in the panel at most (the status bar counts them all)
MAX_LISTED = 2000

Index = QModelIndex | QPersistentModelIndex


class IssuesModel(QAbstractListModel):
    def __init__(self, document: TableDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.style = StatusStyle()
        self.entries: list[tuple[RowId, Issue, str]] = []
        self.total = 0

    def refresh(self) -> None:
        document = self.document
        table = document.table
        entries: list[tuple[RowId, Issue, str]] = []
        for row in table.rows:
            for issue in document.issues.get(row.row_id, ()):
                if len(entries) >= MAX_LISTED:
                    break
                column = document.column_of(issue.field)
                title = document.columns[column].header if column is not None else issue.field
                text = f"{table.cell_name(row, issue.field)} ({title}): {issue.message}"
                entries.append((row.row_id, issue, text))
            if len(entries) >= MAX_LISTED:
                break
        self.beginResetModel()
        self.entries = entries
        self.total = sum(len(found) for found in document.issues.values())
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        text = self.entries[index.row()][2]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.DecorationRole:
            return self.style.warning_icon
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Double-click to go to the cell"
        return None

    def target(self, row: int) -> tuple[RowId, str]:
        row_id, issue, _ = self.entries[row]
        return row_id, issue.field


class IssuesPanel(QDockWidget):
    #: the user asked to go to a cell (row, column key)
    issue_activated = Signal(int, str)

    def __init__(self, document: TableDocument, parent: QWidget | None = None) -> None:
        super().__init__("Issues", parent)
        self.setObjectName("issuesDock")
        self.model = IssuesModel(document, self)
        self.view = QListView(self)
        self.view.setObjectName("issuesList")
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setToolTip("Double-click an issue to go to its cell")
        self.view.setAccessibleName("Issues")
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.setWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        document.validation_changed.connect(self._timer.start)
        document.reset_done.connect(self._timer.start)

    @Slot()
    def refresh(self) -> None:
        self.model.refresh()
        total, listed = self.model.total, len(self.model.entries)
        more = f" (first {listed} listed)" if total > listed else ""
        self.setWindowTitle(f"Issues: {total}{more}" if total else "Issues: none")

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        row_id, key = self.model.target(index.row())
        self.issue_activated.emit(int(row_id), key)
