"""Result workbooks: the rows as they are now (original columns, edited values) plus Status,
HubSpot ID and Message, written with openpyxl; or those three columns added to the original .xlsx.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from hubevents_gui.core.fields import (
    COLUMN_FIELDS,
    CUSTOM_KEY_PREFIX,
    EXTRA_KEY_PREFIX,
    FIELD_BY_KEY,
)
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowStatus, Unreadable
from hubevents_gui.core.validation import Issue
from hubevents_gui.core.values import display_text

RESULT_HEADERS = ("Status", "HubSpot ID", "Message")

#: (status text, HubSpot id, message) of a row
ResultCells = tuple[str, str, str]


def result_cells(
    status: RowStatus, issues: Sequence[Issue] | None, outcome: Outcome | None
) -> ResultCells:
    """Status, HubSpot ID and Message of a row: "invalid" with its issues when it was never
    sent because of them, else its status and what HubSpot said."""
    if issues and status in (RowStatus.NEW, RowStatus.NOT_SENT) and outcome is None:
        return "invalid", "", "; ".join(f"{i.field}: {i.message}" for i in issues)
    if outcome is None:
        return status.value, "", ""
    return status.value, outcome.hubspot_id or "", outcome.summary


class ResultsError(Exception):
    """The results could not be written; the message names the file."""


def layout(table: EventTable) -> list[tuple[str, str]]:
    """(column key, header) of every column, in the source's order; columns the app added after."""
    keys = list(table.column_keys)
    present = set(keys)
    for spec in COLUMN_FIELDS:
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
            header = FIELD_BY_KEY[key].title if key in FIELD_BY_KEY else key
        headers.append((key, header))
    return headers


def cell_value(row: EventRow, key: str) -> object:
    """A cell as it goes into a workbook: typed where Excel has the type, text otherwise."""
    if key.startswith(EXTRA_KEY_PREFIX):
        index = int(key.partition(":")[2])
        value = row.extras[index] if index < len(row.extras) else None
        return None if value == "" else value
    value = row.cell(key)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Unreadable):
        return value.text
    if isinstance(value, datetime) and value.tzinfo is None:
        return value  # Excel date cells have no zone: wall clock, as it came
    return display_text(value)


def _atomic_target(path: Path) -> tuple[int, str]:
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)


def write_results(
    table: EventTable,
    rows: Sequence[EventRow],
    result_of: Callable[[EventRow], ResultCells],
    path: Path,
) -> None:
    """A new workbook at ``path`` (written to a temporary file, then renamed into place)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    path = Path(path)
    columns = layout(table)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.sheet or "Results")
    bold = Font(bold=True)
    header_cells = []
    for _, header in [*columns, *((h, h) for h in RESULT_HEADERS)]:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([*(cell_value(row, key) for key, _ in columns), *result_of(row)])
    _save(workbook, path)


def add_result_columns(
    table: EventTable,
    rows: Sequence[EventRow],
    result_of: Callable[[EventRow], ResultCells],
    path: Path,
) -> None:
    """Write Status, HubSpot ID and Message into a copy of the source .xlsx, beside its columns,
    keeping its formatting and other sheets; edited values replace the source's cells."""
    from openpyxl import load_workbook

    source = table.file
    if source is None or source.suffix.lower() not in (".xlsx", ".xlsm") or table.sheet is None:
        raise ResultsError("results can be added only to an .xlsx or .xlsm workbook")
    try:
        workbook = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ResultsError(f"'{source.name}' cannot be opened to add results: {exc}") from None
    sheet = workbook[table.sheet]
    header_row = table.header_row or 1
    first_result = sheet.max_column + 1
    for offset, header in enumerate(RESULT_HEADERS):
        existing = [
            c for c in range(1, sheet.max_column + 1) if sheet.cell(header_row, c).value == header
        ]
        column = existing[0] if existing else first_result + offset
        sheet.cell(header_row, column, header)
        for row in rows:
            if row.source_row is None:
                continue
            sheet.cell(row.source_row, column, result_of(row)[offset] or None)
    for row in rows:
        if row.source_row is None:
            continue
        for key, column in table.source_columns.items():
            sheet.cell(row.source_row, column + 1, cell_value(row, key))
    _save(workbook, path)


def _save(workbook: object, path: Path) -> None:
    handle, temp = _atomic_target(path)
    os.close(handle)
    try:
        workbook.save(temp)  # type: ignore[attr-defined]
        os.replace(temp, path)
    except PermissionError:
        _discard(temp)
        raise ResultsError(
            f"'{path.name}' cannot be written: permission denied (is it open in Excel?)"
        ) from None
    except OSError as exc:
        _discard(temp)
        raise ResultsError(f"'{path.name}' cannot be written: {exc.strerror or exc}") from None


def _discard(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)
