"""A sheet of events made by the app (HubSpot's copy, pulled): its headers, its rows, its file.

The headers are the ones the app reads (field titles, ``custom:NAME``), so the file opens in the
app with no mapping dialog; a ``HubSpot ID`` column is carried beside them. Workbooks get typed
cells (date-times as dates, booleans as booleans, text as text even when it begins with "=");
CSV files get ISO 8601 date-times with their offset, so no zone is lost in text.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from hubevents_gui.core.result_cells import CellTooLongError, fill, needs_a_cell, workbook_value
from hubevents_gui.core.result_files import ResultsError, check_results_path, save_workbook
from hubevents_gui.core.result_rows import too_long
from hubevents_gui.core.rows import column_letter

#: the carried column that says which HubSpot event a row is (a results file has one too)
HUBSPOT_ID_HEADER = "HubSpot ID"
SHEET_SUFFIXES = (".xlsx", ".csv")


def check_sheet_path(path: Path) -> None:
    """Raise ResultsError with one sentence when ``path`` cannot take an event sheet."""
    if path.suffix.lower() not in SHEET_SUFFIXES:
        raise ResultsError(f"'{path.name}': write events to a .xlsx or .csv file")
    check_results_path(path, None, SHEET_SUFFIXES)


def write_event_sheet(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]], sheet: str = "Events"
) -> None:
    """Write ``rows`` (values: text, bool, datetime, None) under ``headers`` to ``path``."""
    check_sheet_path(path)
    if path.suffix.lower() == ".csv":
        _write_csv(path, headers, rows)
    else:
        _write_xlsx(path, headers, rows, sheet)


def _write_xlsx(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]], title: str
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)

    def cell_of(value: object, bold_font: bool = False) -> object:
        value = workbook_value(value)
        if not bold_font and not needs_a_cell(value):
            return value
        cell = WriteOnlyCell(sheet)
        fill(cell, value)
        if bold_font:
            cell.font = bold
        return cell

    try:
        sheet.append([cell_of(h, True) for h in headers])
        for number, row in enumerate(rows, start=2):
            cells = []
            for column, value in enumerate(row):
                try:
                    cells.append(cell_of(value))
                except CellTooLongError as exc:
                    raise too_long(f"cell {column_letter(column)}{number}", exc.length) from None
            sheet.append(cells)
        save_workbook(workbook, path)
    except BaseException:
        sheet.close()  # end the stream openpyxl began (it deletes its temp file at exit)
        raise


def _write_csv(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, datetime):
            return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
        return str(value)

    try:
        # utf-8-sig: Excel opens it as UTF-8 (the app reads either)
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows([text(v) for v in row] for row in rows)
    except OSError as exc:
        raise ResultsError(f"'{path.name}' cannot be written: {exc.strerror or exc}") from None
