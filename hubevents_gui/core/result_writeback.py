"""Results added to the user's own workbook: Status, HubSpot ID and Message beside its columns,
their headers in the style of its header; only the cells the user edited are written, so the
rest keeps its value, type, formula and formatting. Rows added in the app go below the last
row of the sheet, with their outcomes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy
from pathlib import Path
from typing import Any

from hubevents_gui.core.result_cells import fill, workbook_value
from hubevents_gui.core.result_files import (
    ResultCells,
    ResultsError,
    result_headers,
    save_workbook,
)
from hubevents_gui.core.result_rows import row_cells
from hubevents_gui.core.result_source import read_source
from hubevents_gui.core.rows import EventRow, EventTable


def write_back(
    table: EventTable,
    rows: Sequence[EventRow],
    result_of: Callable[[EventRow], ResultCells],
    path: Path,
) -> None:
    from openpyxl import load_workbook

    source = table.file
    if source is None or source.suffix.lower() not in (".xlsx", ".xlsm") or table.sheet is None:
        raise ResultsError("results can be added only to an .xlsx or .xlsm workbook")
    if path.suffix.lower() != source.suffix.lower():
        raise ResultsError(f"'{path.name}': a copy of '{source.name}' must end in {source.suffix}")
    cells = read_source(table)
    try:
        workbook = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ResultsError(f"'{source.name}' cannot be opened to add results: {exc}") from None
    sheet = workbook[table.sheet]
    header_row = table.header_row or 1
    headers = result_headers(table.fields)
    template = _header_template(sheet, header_row, headers)
    first_result = sheet.max_column + 1
    # rows added in the app go below the sheet's last row, so their outcomes are kept too
    appended = sheet.max_row + 1
    for offset, header in enumerate(headers):
        existing = [
            c for c in range(1, sheet.max_column + 1) if sheet.cell(header_row, c).value == header
        ]
        column = existing[0] if existing else first_result + offset
        if not existing:
            head = sheet.cell(header_row, column)
            fill(head, header)
            _copy_header_style(sheet, template, head)
        added = appended
        for row in rows:
            number = row.source_row
            if number is None:
                number, added = added, added + 1
            fill(sheet.cell(number, column), workbook_value(result_of(row)[offset]))
    columns = [(key, table.headers.get(key, key)) for key in table.source_columns]
    added = appended
    for row in rows:
        if row.source_row is None:
            for (key, _), (_, value) in zip(
                columns, row_cells(table, row, columns, None), strict=True
            ):
                fill(sheet.cell(added, table.source_columns[key] + 1), value)
            added += 1
            continue
        written = row_cells(table, row, columns, cells)
        for (key, _), (as_was, value) in zip(columns, written, strict=True):
            number, column = row.source_row, table.source_columns[key] + 1
            if not as_was:
                fill(_writable(sheet, number, column), value)
            elif isinstance(value, str):
                # left as it is, unless openpyxl read its text otherwise (it drops _x005F_)
                cell = sheet.cell(number, column)
                if cell.data_type == "s" and cell.value != value:
                    fill(cell, value)
    save_workbook(workbook, path)


def _header_template(sheet: Any, header_row: int, headers: tuple[str, ...]) -> Any:
    """The user's rightmost header cell: the new headers look like it."""
    for column in range(sheet.max_column, 0, -1):
        cell = sheet.cell(header_row, column)
        if cell.value not in (None, "") and cell.value not in headers:
            return cell
    return None


def _copy_header_style(sheet: Any, template: Any, cell: Any) -> None:
    if template is None:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)
        return
    for part in ("font", "fill", "border", "alignment", "protection"):
        setattr(cell, part, copy(getattr(template, part)))
    cell.number_format = template.number_format
    letter = template.column_letter
    if letter in sheet.column_dimensions and sheet.column_dimensions[letter].width:
        sheet.column_dimensions[cell.column_letter].width = sheet.column_dimensions[letter].width


def _writable(sheet: Any, row: int, column: int) -> Any:
    """The cell at (row, column), unmerged first when an edit lands inside merged cells."""
    from openpyxl.cell.cell import MergedCell

    cell = sheet.cell(row, column)
    if isinstance(cell, MergedCell):
        for merged in list(sheet.merged_cells.ranges):
            if cell.coordinate in merged:
                sheet.unmerge_cells(str(merged))
                break
        cell = sheet.cell(row, column)
    return cell
