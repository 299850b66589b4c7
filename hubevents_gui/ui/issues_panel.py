"""The Issues panel: every problem of the table, by cell, then the last preview's property
warnings (a column HubSpot does not define, a value that does not fit its property: the row is
still sent); double-click goes to the cell.

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

from hubevents_gui.core.properties import PROPERTY
from hubevents_gui.core.rows import RowId
from hubevents_gui.core.validation import Issue
from hubevents_gui.core.words import plural
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.preview_marks import PreviewMarks
from hubevents_gui.ui.status_style import StatusStyle

#: issues listed in the panel at most (the status bar counts them all)
MAX_LISTED = 2000

Index = QModelIndex | QPersistentModelIndex


class IssuesModel(QAbstractListModel):
    def __init__(
        self,
        document: TableDocument,
        parent: QWidget | None = None,
        marks: PreviewMarks | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.marks = marks
        self.style = StatusStyle()
        self.entries: list[tuple[RowId, Issue, str]] = []
        #: how many of ``entries`` (the first ones) are errors; the rest are warnings
        self.errors = 0
        self.total = 0
        self.warnings = 0

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
        errors = len(entries)
        warnings = self._warnings(MAX_LISTED - errors)
        self.beginResetModel()
        self.entries = entries + warnings
        self.errors = errors
        self.total = sum(len(found) for found in document.issues.values())
        self.warnings = len(warnings)
        self.endResetModel()

    def _warnings(self, room: int) -> list[tuple[RowId, Issue, str]]:
        marks = self.marks
        if marks is None or room <= 0:
            return []
        document = self.document
        table = document.table
        found: list[tuple[RowId, Issue, str]] = []
        first = table.rows[0].row_id if table.rows else None
        for key, message in marks.columns.items():
            if first is not None:
                title = table.column_title(key)
                found.append((first, Issue(key, message, PROPERTY), f"Warning: {title}: {message}"))
        for row in table.rows:
            for issue in marks.cells.get(row.row_id, ()):
                title = table.column_title(issue.field)
                text = f"Warning: {table.cell_name(row, issue.field)} ({title}): {issue.message}"
                found.append((row.row_id, issue, text))
        return found[:room]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        text = self.entries[index.row()][2]
        warning = index.row() >= self.errors
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.DecorationRole:
            return self.style.notice_icon if warning else self.style.warning_icon
        if role == Qt.ItemDataRole.ToolTipRole:
            if warning:
                return "A warning: the row is still sent. Double-click to go to the cell"
            return "Double-click to go to the cell"
        return None

    def target(self, row: int) -> tuple[RowId, str]:
        row_id, issue, _ = self.entries[row]
        return row_id, issue.field


class IssuesPanel(QDockWidget):
    #: the user asked to go to a cell (row, column key)
    issue_activated = Signal(int, str)

    def __init__(
        self,
        document: TableDocument,
        parent: QWidget | None = None,
        marks: PreviewMarks | None = None,
    ) -> None:
        super().__init__("Issues", parent)
        self.setObjectName("issuesDock")
        self.model = IssuesModel(document, self, marks)
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
        self._listen(document, marks, True)

    def _listen(self, document: TableDocument, marks: PreviewMarks | None, on: bool) -> None:
        signals = [document.validation_changed, document.reset_done]
        if marks is not None:
            signals.append(marks.changed)
        for signal in signals:
            if on:
                signal.connect(self._timer.start)
            else:
                signal.disconnect(self._timer.start)

    def show_document(self, document: TableDocument, marks: PreviewMarks | None) -> None:
        """List the issues of another table (the tab shown)."""
        model = self.model
        if model.document is document:
            return
        self._listen(model.document, model.marks, False)
        model.document, model.marks = document, marks
        self._listen(document, marks, True)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.model.refresh()
        total, listed = self.model.total, self.model.errors
        more = f" (first {listed} listed)" if total > listed else ""
        title = f"Issues: {total}{more}" if total else "Issues: none"
        if self.model.warnings:
            title += f", {plural(self.model.warnings, 'warning')}"
        self.setWindowTitle(title)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        row_id, key = self.model.target(index.row())
        self.issue_activated.emit(int(row_id), key)
