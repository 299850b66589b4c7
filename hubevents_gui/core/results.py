"""Result workbooks: the rows as they are now (original columns, edited values) plus Status,
HubSpot ID and Message, written with openpyxl; or those three columns added to the original .xlsx.

What the user did not edit comes back as it was, with its cell type; edited cells carry the
edited value with its type; text is never a formula (see result_cells). When a file cannot be
written, every row's outcome goes to a fallback file and the error says where (result_files).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path

from hubevents_gui.core.fields import CUSTOM_KEY_PREFIX
from hubevents_gui.core.result_cells import CellTooLongError, fill, needs_a_cell, workbook_value
from hubevents_gui.core.result_files import (
    RESULT_HEADERS,
    ResultCells,
    ResultsError,
    check_results_path,
    guarded,
    result_headers,
    save_workbook,
)
from hubevents_gui.core.result_rows import check_cells_fit, header_too_long, row_cells, too_long
from hubevents_gui.core.result_source import read_source
from hubevents_gui.core.result_writeback import write_back
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowStatus
from hubevents_gui.core.validation import Issue

__all__ = [
    "RESULT_HEADERS",
    "ResultCells",
    "ResultsError",
    "add_result_columns",
    "check_results",
    "check_results_path",
    "layout",
    "result_cells",
    "write_results",
]

ResultOf = Callable[[EventRow], ResultCells]


def result_cells(
    status: RowStatus,
    issues: Sequence[Issue] | None,
    outcome: Outcome | None,
    table: EventTable | None = None,
) -> ResultCells:
    """Status, HubSpot ID and Message of a row: "invalid" with its issues (each named by the
    column's title in ``table``) when it was never sent because of them, else its status and
    what HubSpot said."""
    if issues and status in (RowStatus.NEW, RowStatus.NOT_SENT) and outcome is None:
        name = table.column_title if table is not None else str
        return "invalid", "", "; ".join(f"{name(i.field)}: {i.message}" for i in issues)
    if outcome is None:
        return status.value, "", ""
    return status.value, outcome.hubspot_id or "", outcome.summary


def layout(table: EventTable) -> list[tuple[str, str]]:
    """(column key, header) of every column, in the source's order; columns the app added after."""
    keys = list(table.column_keys)
    present = set(keys)
    for spec in table.fields.columns:
        if spec.key not in present and any(
            spec.key in r.values or spec.key in r.bad for r in table.rows
        ):
            keys.append(spec.key)
    for name in table.custom_names:
        if CUSTOM_KEY_PREFIX + name not in present:
            keys.append(CUSTOM_KEY_PREFIX + name)
    headers = []
    for key in keys:
        header = table.headers.get(key)
        if header is None:
            header = table.fields.title(key)
        headers.append((key, header))
    return headers


def check_results(table: EventTable, path: Path) -> None:
    """Before anything is sent: ResultsError unless the results workbook can be written at
    ``path`` and every cell of the table fits in a workbook cell."""
    check_results_path(path, table.file)
    check_cells_fit(table, layout(table))


def write_results(
    table: EventTable, rows: Sequence[EventRow], result_of: ResultOf, path: Path
) -> None:
    """A new workbook at ``path`` (written to a temporary file, then renamed into place).

    Never the source file. When it cannot be written, ResultsError says why and, when rows
    have outcomes, in which fallback file of the data folder they are kept.
    """
    guarded(rows, result_of, Path(path), lambda: _write_new(table, rows, result_of, Path(path)))


def _write_new(
    table: EventTable, rows: Sequence[EventRow], result_of: ResultOf, path: Path
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    check_results_path(path, table.file)
    columns = layout(table)
    source = read_source(table)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.sheet or "Results")
    bold = Font(bold=True)

    def cell_of(value: object) -> object:
        if not needs_a_cell(value):
            return value
        cell = WriteOnlyCell(sheet)
        fill(cell, value)
        return cell

    header_cells = []
    for _, header in [*columns, *((h, h) for h in result_headers(table.fields))]:
        cell = WriteOnlyCell(sheet)
        try:
            fill(cell, workbook_value(header))
        except CellTooLongError as exc:
            raise header_too_long(header, exc.length) from None
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    try:
        for row in rows:
            values = [value for _, value in row_cells(table, row, columns, source)]
            try:
                values += map(workbook_value, result_of(row))
            except CellTooLongError as exc:
                where = f"the Message of {table.cell_name(row, table.fields.columns[0].key)}"
                raise too_long(where, exc.length) from None
            sheet.append([cell_of(v) for v in values])
        save_workbook(workbook, path)
    except BaseException:
        with contextlib.suppress(Exception):
            sheet.close()  # end the stream openpyxl began (it deletes its temp file at exit)
        raise


def add_result_columns(
    table: EventTable, rows: Sequence[EventRow], result_of: ResultOf, path: Path
) -> None:
    """Write Status, HubSpot ID and Message into a copy of the source .xlsx, beside its columns,
    keeping its formatting and other sheets; edited values replace the source's cells (the
    caller keeps a backup when ``path`` is the source). Failures as for write_results."""
    guarded(rows, result_of, Path(path), lambda: write_back(table, rows, result_of, Path(path)))
