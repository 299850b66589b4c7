"""The spreadsheet clipboard and block edits of the table: copy, paste, fill down, clear.

Blocks follow what the user sees: the selection's bounding block in view rows and *visual*
column order (the Status column is shown first). Every block edit is one undo step.
"""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QApplication, QStatusBar, QTableView

from hubevents_gui.core.words import plural
from hubevents_gui.ui.columns import Column
from hubevents_gui.ui.commands import change_cells, insert_rows
from hubevents_gui.ui.event_model import EventTableModel


def tsv_cell(text: str) -> str:
    """A cell for the clipboard, quoted the way spreadsheets quote tabs, newlines and quotes."""
    if any(ch in text for ch in '\t\n\r"'):
        return '"' + text.replace('"', '""') + '"'
    return text


def parse_tsv(text: str) -> list[list[str]]:
    """A block copied from a spreadsheet: tab-separated, quoted cells may hold tabs, newlines
    and doubled quotes; the trailing line break spreadsheets add is not a row."""
    if not text:
        return []
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter="\t"))
    while rows and rows[-1] in ([], [""]):
        rows.pop()
    return rows


class TableEditor(QObject):
    """Block edits on a table view over an EventTableModel."""

    def __init__(self, table: QTableView, model: EventTableModel, status: QStatusBar) -> None:
        super().__init__(table)
        self.table = table
        self.model = model
        self.status = status

    def _selected_block(self) -> tuple[list[int], list[int]]:
        """Rows and logical columns of the selection's bounding block, in view order."""
        indexes = self.table.selectionModel().selectedIndexes()
        if not indexes:
            current = self.table.currentIndex()
            indexes = [current] if current.isValid() else []
        if not indexes:
            return [], []
        header = self.table.horizontalHeader()
        rows = sorted({i.row() for i in indexes})
        visual = sorted({header.visualIndex(i.column()) for i in indexes})
        rows = list(range(rows[0], rows[-1] + 1))
        columns = [header.logicalIndex(v) for v in range(visual[0], visual[-1] + 1)]
        return rows, columns

    @Slot()
    def copy_cells(self) -> None:
        """The selected block as tab-separated text, as spreadsheets put it on the clipboard."""
        rows, columns = self._selected_block()
        if not rows:
            return
        selection = self.table.selectionModel()
        lines = []
        for row in rows:
            cells = []
            for column in columns:
                index = self.model.index(row, column)
                selected = selection.isSelected(index) or index == self.table.currentIndex()
                cells.append(
                    tsv_cell(str(index.data(Qt.ItemDataRole.EditRole) or "")) if selected else ""
                )
            lines.append("\t".join(cells))
        QApplication.clipboard().setText("\n".join(lines) + "\n")

    @Slot()
    def paste_cells(self) -> None:
        """Tab-separated text from Excel, LibreOffice or Google Sheets into the table from the
        current cell, each value parsed through the field table; the table grows when the block
        reaches past its end. One undo step."""
        block = parse_tsv(QApplication.clipboard().text())
        current = self.table.currentIndex()
        if not block or not current.isValid():
            return
        rows, columns = self._selected_block()
        if len(block) == 1 and len(block[0]) == 1 and (len(rows) > 1 or len(columns) > 1):
            block = [[block[0][0]] * len(columns) for _ in rows]  # one value fills the selection
            start_row, start_visual = rows[0], self.table.horizontalHeader().visualIndex(columns[0])
        else:
            start_row = current.row()
            start_visual = self.table.horizontalHeader().visualIndex(current.column())
        self._write_block(block, start_row, start_visual)

    def _write_block(self, block: list[list[str]], start_row: int, start_visual: int) -> None:
        model = self.model
        document = model.document
        header = self.table.horizontalHeader()
        # where each value goes (block row, column), decided before anything changes
        cells: list[tuple[int, Column, str]] = []
        skipped = 0
        for r, values in enumerate(block):
            for c, text in enumerate(values):
                visual = start_visual + c
                column = (
                    model.columns[header.logicalIndex(visual)]
                    if visual < len(model.columns)
                    else None
                )
                if column is None or not column.editable:
                    skipped += 1
                    continue
                cells.append((r, column, text))
        missing = start_row + len(block) - model.rowCount()
        locked = document.locked
        lands = missing > 0 or any(
            document.row_at(start_row + r).row_id not in locked for r, _, _ in cells
        )
        if not cells or not lands:  # nothing would change: no empty step on the undo stack
            self._say_left_out(len(cells), skipped)
            return
        stack = document.undo_stack
        stack.beginMacro("Paste")
        try:
            if missing > 0:
                insert_rows(document, [document.new_row() for _ in range(missing)])
            changes = [
                (document.row_at(start_row + r).row_id, column.key, model.parse(column, text))
                for r, column, text in cells
            ]
            in_flight = change_cells(document, changes, "Paste")
        finally:
            stack.endMacro()
        self._say_left_out(in_flight, skipped)

    @Slot()
    def fill_down(self) -> None:
        rows, columns = self._selected_block()
        if len(rows) < 2:
            return
        document = self.model.document
        changes = []
        for column_number in columns:
            column = document.columns[column_number]
            if not column.editable:
                continue
            top = document.row_at(rows[0]).cell(column.key)
            changes += [(document.row_at(r).row_id, column.key, top) for r in rows[1:]]
        self._say_left_out(change_cells(document, changes, "Fill down"))

    @Slot()
    def clear_cells(self) -> None:
        document = self.model.document
        changes = [
            (document.row_at(i.row()).row_id, document.columns[i.column()].key, None)
            for i in self.table.selectionModel().selectedIndexes()
            if document.columns[i.column()].editable
        ]
        self._say_left_out(change_cells(document, changes, "Clear cells"))

    def _say_left_out(self, in_flight: int, read_only: int = 0) -> None:
        """Say in the status bar which cells an edit could not change, and why."""
        parts = []
        if in_flight:
            parts.append(f"{plural(in_flight, 'cell')} of rows being sent")
        if read_only:
            parts.append(f"{plural(read_only, 'value')} on read-only columns")
        if parts:
            self.status.showMessage(" and ".join(parts) + " were left as they were", 8000)
