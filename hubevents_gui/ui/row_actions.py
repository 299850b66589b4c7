"""Row and column edits from the window's actions: add, duplicate, delete rows, add a custom
column, undo and redo. Each goes through the document's commands; what a run protects is said
in the status bar, never silently dropped."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox

from hubevents_gui.core.words import plural
from hubevents_gui.ui import commands
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.table_view import EventTableView


class RowActions(QObject):
    def __init__(self, window: QMainWindow, table: EventTableView, document: TableDocument) -> None:
        super().__init__(window)
        self.window = window
        self.table = table
        self.document = document

    def _say(self, text: str | None) -> None:
        if text:
            self.window.statusBar().showMessage(text, 8000)

    @Slot()
    def add_row(self) -> None:
        row = self.document.new_row()
        commands.insert_rows(self.document, [row])
        self.table.go_to(row.row_id, "externalAccountId", edit=True)

    @Slot()
    def duplicate_rows(self) -> None:
        ids = self.table.selected_row_ids()
        originals = [r for i in ids if (r := self.document.row(i)) is not None]
        if not originals:
            return
        copies = [row.copy(self.document.row_ids()) for row in originals]
        commands.insert_rows(self.document, copies, after=ids[-1])
        self.table.go_to(copies[0].row_id, "externalEventId")
        self._say(f"{plural(len(copies), 'row')} duplicated: give each a new External Event ID")

    @Slot()
    def delete_rows(self) -> None:
        ids = self.table.selected_row_ids()
        if not ids:
            return
        question = f"Delete {plural(len(ids), 'row')} from the table?"
        answer = QMessageBox.question(self.window, "Delete rows", question)
        if answer == QMessageBox.StandardButton.Yes:
            kept = commands.remove_rows(self.document, ids)
            if kept:
                self._say(f"{plural(kept, 'row')} being sent were kept; delete them after the run")

    @Slot()
    def add_custom_column(self) -> None:
        name, ok = QInputDialog.getText(
            self.window,
            "Add a custom property column",
            "Internal name of the marketing-event property (it must exist in HubSpot):",
        )
        if not ok or not name.strip():
            return
        try:
            column = commands.add_custom_column(self.document, name)
        except ValueError as exc:
            QMessageBox.warning(self.window, "Cannot add the column", str(exc))
            return
        self.table.horizontalHeader().resizeSection(column, 160)

    @Slot()
    def undo(self) -> None:
        self._say(self.document.undo())

    @Slot()
    def redo(self) -> None:
        self._say(self.document.redo())
