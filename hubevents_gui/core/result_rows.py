"""A row as the cells of a results workbook: for each column, whether it is as in the source
and the value to write; and the check that every cell fits before anything is sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hubevents_gui.core.fields import EXTRA_KEY_PREFIX
from hubevents_gui.core.result_cells import (
    CELL_LIMIT,
    CellTooLongError,
    edited_value,
    escape_text,
    unchanged,
    workbook_value,
)
from hubevents_gui.core.result_files import ResultsError
from hubevents_gui.core.result_source import SourceCells, cell_at
from hubevents_gui.core.rows import EventRow, EventTable, column_letter

#: (column key, header) of each column written
Columns = Sequence[tuple[str, str]]


def too_long(where: str, length: int) -> ResultsError:
    return ResultsError(
        f"{where} holds {length:,} characters (as written), more than the {CELL_LIMIT:,} a "
        "workbook cell holds: shorten it"
    )


def header_too_long(header: str, length: int) -> ResultsError:
    return ResultsError(
        f"the header {header[:30]!r}… holds {length:,} characters, more than the "
        f"{CELL_LIMIT:,} a workbook cell holds: shorten it"
    )


def cell_name(table: EventTable, row: EventRow, key: str) -> str:
    """Sheet1!E7 for any column, carried ones too (the table names only the mapped ones)."""
    if key not in table.source_columns and key in table.column_keys and table.source_columns:
        mapped, column = next(iter(table.source_columns.items()))
        first = column - table.column_keys.index(mapped)
        letter = column_letter(first + table.column_keys.index(key))
        if row.source_row is not None:
            return f"{table.location_prefix}!{letter}{row.source_row}"
    return table.cell_name(row, key)


def _extra(row: EventRow, key: str) -> object:
    index = int(key.partition(":")[2])
    return row.extras[index] if index < len(row.extras) else None


def _cell(
    table: EventTable, row: EventRow, key: str, found: tuple[int, list[Any]] | None, day_first: bool
) -> tuple[bool, object]:
    if key.startswith(EXTRA_KEY_PREFIX):  # carried columns hold the reader's cells, unedited
        return True, workbook_value(_extra(row, key))
    value = row.cell(key)
    column = table.source_columns.get(key)
    if found is None or column is None:
        return False, edited_value(value, None)
    raw = cell_at(found, column)
    if unchanged(key, value, raw, day_first=day_first, fields=table.fields):
        return True, workbook_value(raw)
    return False, edited_value(value, raw)


def row_cells(
    table: EventTable, row: EventRow, columns: Columns, source: SourceCells | None
) -> list[tuple[bool, object]]:
    """(whether the cell is as in the source, its workbook value) for each of ``columns``;
    ResultsError naming the cell when one is too long for a workbook."""
    found = source.row(row) if source is not None else None
    day_first = source.day_first if source is not None else False
    cells = []
    for key, header in columns:
        try:
            cells.append(_cell(table, row, key, found, day_first))
        except CellTooLongError as exc:
            raise too_long(f"{cell_name(table, row, key)} ({header})", exc.length) from None
    return cells


def check_cells_fit(table: EventTable, columns: Columns) -> None:
    """ResultsError naming the first cell too long for a workbook cell, as written: a header
    too, which goes into the results like any cell."""
    for _key, header in columns:
        if len(header) * 7 > CELL_LIMIT and len(escape_text(header)) > CELL_LIMIT:
            raise header_too_long(header, len(escape_text(header)))
    for row in table.rows:
        for key, header in columns:
            value = _extra(row, key) if key.startswith(EXTRA_KEY_PREFIX) else row.cell(key)
            text = value if isinstance(value, str) else getattr(value, "text", None)
            # escaping makes a character at most 7 long: shorter text always fits
            if isinstance(text, str) and len(text) * 7 > CELL_LIMIT:
                length = len(escape_text(text))
                if length > CELL_LIMIT:
                    raise too_long(f"{cell_name(table, row, key)} ({header})", length)
