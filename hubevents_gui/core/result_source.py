"""The source's cells, read again when results are written, to tell edited cells from others.

Rows keep parsed values only (850.0 is the text "850" once read), so the cell types are taken
from the file: a cell goes back as it was only while the row still holds what the reader makes
of it; anything else counts as edited. A source changed or gone since it was opened is safe:
its cells no longer match, and the rows' own values are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubevents_gui.core.rows import EventRow, EventTable
from hubevents_gui.core.sheets import CSV_SUFFIXES
from hubevents_gui.core.sheets.csv_text import open_csv
from hubevents_gui.core.sheets.workbook import open_workbook


@dataclass
class SourceCells:
    #: spreadsheet row number -> (0-based column of its first cell, its cells)
    rows: dict[int, tuple[int, list[Any]]]
    #: whether the table's date text was read day first (04/03/2026 as 4 March)
    day_first: bool = False

    def row(self, row: EventRow) -> tuple[int, list[Any]] | None:
        return self.rows.get(row.source_row) if row.source_row is not None else None


def cell_at(found: tuple[int, list[Any]], column: int) -> Any:
    """The reader's cell at a 0-based sheet column ('' right of the row's last cell)."""
    first, cells = found
    index = column - first
    return cells[index] if 0 <= index < len(cells) else ""


def read_source(table: EventTable) -> SourceCells | None:
    """The source's cells for the table's rows, or None when it cannot be read again (the
    rows' values are then written as they are)."""
    path = table.file
    wanted = {row.source_row for row in table.rows if row.source_row is not None}
    if path is None or not wanted:
        return None
    rows: dict[int, tuple[int, list[Any]]] = {}
    try:
        if path.suffix.lower() in CSV_SUFFIXES:
            raw = open_csv(path)
            rows = {n: (raw.first_column, cells) for n, cells in raw.rows if n in wanted}
        elif table.sheet is not None:
            workbook = open_workbook(path)
            try:
                sheet = workbook.get_sheet_by_name(table.sheet)
                first = sheet.start[1] if sheet.start else 0
                # calamine's rows start at the sheet's row 1, cells at its first used column
                for index, cells in enumerate(sheet.iter_rows()):
                    if index + 1 in wanted:
                        rows[index + 1] = (first, cells)
            finally:
                workbook.close()
    except Exception:  # noqa: BLE001 - unreadable now (moved, locked, changed): use the rows
        return None
    return SourceCells(rows, table.day_first)
