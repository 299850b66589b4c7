"""From a raw sheet and a mapping to an EventTable: every cell parsed, a chunk at a time."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from itertools import islice, repeat
from typing import Any

from hubevents_gui.core.fields import CUSTOM_KEY_PREFIX, EXTRA_KEY_PREFIX, Field, FieldTable
from hubevents_gui.core.rows import EventRow, EventTable, RowIds, Unreadable
from hubevents_gui.core.sheets.mapping import fields_for, mapping_problems
from hubevents_gui.core.sheets.raw import RawSheet, SheetError, Target, describe_file, non_empty
from hubevents_gui.core.values import display_text, parse_column
from hubevents_gui.core.words import plural


def build_table(
    raw: RawSheet,
    mapping: Sequence[Target],
    *,
    day_first: bool = False,
    row_ids: RowIds | None = None,
    progress: Callable[[int], bool] | None = None,
    fields: FieldTable | None = None,
    given: Sequence[str] = (),
) -> EventTable:
    """Parse every data row of ``raw`` with ``mapping``; blank rows are skipped.

    ``fields``: the kind of table (by default what the headers say, mapping.fields_for);
    ``given``: the required columns the sheet may lack because they are given for all rows.

    Rows are parsed a chunk at a time, column by column (values.parse_column), and rows are built
    with C-level dict(zip()): a 100k-row sheet must cost little more than reading it.
    ``progress(rows_so_far)`` is called after each chunk; returning False stops the read with
    SheetError.
    """
    fields = fields or fields_for(raw.headers)
    problems = mapping_problems(raw, mapping, fields, given)
    if problems:
        raise SheetError(problems[0])
    table = _build_rows(raw, mapping, day_first, row_ids or RowIds(), progress, fields)
    raw.wait_for_checks()
    _apply_bad_cells(table, raw, mapping)
    return table


def _build_rows(
    raw: RawSheet,
    mapping: Sequence[Target],
    day_first: bool,
    row_ids: RowIds,
    progress: Callable[[int], bool] | None,
    fields: FieldTable,
) -> EventTable:
    width = len(raw.headers)
    field_columns: list[tuple[int, Field]] = []
    custom_columns: list[tuple[int, str]] = []
    extra_columns: list[int] = []
    for column, target in enumerate(mapping):
        if target is None:
            extra_columns.append(column)
        elif target in fields.by_key:
            field_columns.append((column, fields.by_key[target]))
        else:
            custom_columns.append((column, target[len(CUSTOM_KEY_PREFIX) :]))
    keys = [spec.key for _, spec in field_columns]
    custom_names = [name for _, name in custom_columns]
    rows: list[EventRow] = []
    spill_width = width
    # a chunk holds about as many cells whatever the width: a 16k-column sheet reads in short
    # chunks, a 14-column one in long ones
    chunk_rows = max(_MIN_CHUNK_ROWS, _CHUNK_CELLS // max(1, width))
    while chunk := list(islice(raw.rows, chunk_rows)):
        numbers: list[int] = []
        grid: list[list[Any]] = []
        ragged = False
        for number, cells in chunk:
            if non_empty(cells):
                numbers.append(number)
                grid.append(cells)
                ragged = ragged or len(cells) != width
        if not grid:
            continue
        columns: dict[int, Sequence[Any]]
        if ragged:  # CSV rows of differing lengths, cells right of the header, sparse sheets
            spill_width = max(spill_width, *map(len, grid))
            sent = [c for c, _ in field_columns] + [c for c, _ in custom_columns]
            columns = _ragged_columns(grid, sent)
        else:
            columns = dict(enumerate(zip(*grid, strict=True)))
        bad: dict[int, dict[str, Unreadable]] = {}
        field_values = _parsed_columns(
            [(spec.key, spec, columns[c]) for c, spec in field_columns], day_first, bad
        )
        custom_values = _parsed_columns(
            [(CUSTOM_KEY_PREFIX + name, None, columns[c]) for c, name in custom_columns],
            day_first,
            bad,
        )
        extra_indexes = [*extra_columns, *range(width, spill_width)]
        extras: Iterable[tuple[Any, ...]]
        if ragged:  # each row keeps only the extras it has: a short row costs little
            extras = (_row_extras(cells, extra_indexes) for cells in grid)
        else:
            extras = zip(*(columns[c] for c in extra_indexes), strict=True)
        ids = row_ids.take(len(grid))
        blank = [k for k, col in zip(keys, field_values, strict=True) if None in col]
        blank_custom = [
            n for n, col in zip(custom_names, custom_values, strict=True) if None in col
        ]
        field_rows = zip(*field_values, strict=True) if field_values else repeat(())
        custom_rows = zip(*custom_values, strict=True) if custom_values else repeat(())
        extra_rows = extras if extra_indexes else repeat(())
        append = rows.append
        for i, row_id, number, vals, cvals, extra in zip(
            range(len(grid)), ids, numbers, field_rows, custom_rows, extra_rows, strict=False
        ):
            values = dict(zip(keys, vals, strict=True))
            for key in blank:
                if values[key] is None:
                    del values[key]
            custom = dict(zip(custom_names, cvals, strict=True))
            for key in blank_custom:
                if custom[key] is None:
                    del custom[key]
            row_bad = bad.get(i)
            if row_bad:  # a cell that cannot be used is never also a value
                for key in row_bad:
                    if key.startswith(CUSTOM_KEY_PREFIX):
                        custom.pop(key[len(CUSTOM_KEY_PREFIX) :], None)
                    else:
                        values.pop(key, None)
            append(EventRow(row_id, number, values, custom, extra, row_bad or {}))
        if progress is not None and not progress(len(rows)):
            raise SheetError(f"reading {describe_file(raw.file)} was cancelled")
    if not rows:
        where = f"sheet {raw.sheet!r}" if raw.sheet else "the file"
        raise SheetError(
            f"{describe_file(raw.file)}: {where} has a header row (row {raw.header_row}) "
            f"but no {fields.noun} rows below it"
        )
    extra_headers = [raw.headers[c] or f"Column {raw.column_name(c)}" for c in extra_columns]
    # rows shorter than the widest keep short extras: readers of extras treat missing as blank
    extra_headers += [f"Column {raw.column_name(c)}" for c in range(width, spill_width)]
    source_columns = {
        target: raw.first_column + column
        for column, target in enumerate(mapping)
        if target is not None
    }
    column_keys: list[str] = []
    headers: dict[str, str] = {}
    extra_index = 0
    for column in range(spill_width):
        target = mapping[column] if column < len(mapping) else None
        if target is None:
            target = f"{EXTRA_KEY_PREFIX}{extra_index}"
            headers[target] = extra_headers[extra_index]
            extra_index += 1
        else:
            headers[target] = raw.headers[column]
        column_keys.append(target)
    notes = list(raw.notes)
    if extra_headers:
        shown = ", ".join(f"'{h}'" for h in extra_headers[:_NOTE_HEADERS])
        if len(extra_headers) > _NOTE_HEADERS:
            shown += f" and {len(extra_headers) - _NOTE_HEADERS:,} more"
        one = len(extra_headers) == 1
        noun = fields.noun
        notes.append(
            f"{plural(len(extra_headers), 'column')} "
            f"{f'is not an {noun} field' if one else f'are not {noun} fields'}, so "
            f"{'it is' if one else 'they are'} not sent to HubSpot: {shown} "
            f"({'it stays' if one else 'they stay'} in result files as in your file)"
        )
    return EventTable(
        file=raw.file,
        sheet=raw.sheet,
        rows=rows,
        custom_names=custom_names,
        extra_headers=extra_headers,
        source_columns=source_columns,
        column_keys=column_keys,
        headers=headers,
        header_row=raw.header_row,
        notes=notes,
        day_first=day_first,
        fields=fields,
    )


_CHUNK_CELLS = 8192 * 16
_MIN_CHUNK_ROWS = 64
#: the ignored columns a note names one by one
_NOTE_HEADERS = 12


def _ragged_columns(grid: list[list[Any]], indexes: list[int]) -> dict[int, Sequence[Any]]:
    """The columns the mapping sends, each as long as the grid, blank where a row is short."""
    return {c: [cells[c] if c < len(cells) else "" for cells in grid] for c in indexes}


def _row_extras(cells: list[Any], indexes: list[int]) -> tuple[Any, ...]:
    present = bisect_left(indexes, len(cells))  # indexes ascend
    return tuple(cells[c] for c in indexes[:present])


def _parsed_columns(
    columns: list[tuple[str, Field | None, Sequence[Any]]],
    day_first: bool,
    bad: dict[int, dict[str, Unreadable]],
) -> list[list[Any]]:
    """Parse each column; unusable cells move to ``bad`` (row index -> column key -> cell)."""
    parsed: list[list[Any]] = []
    for column_key, spec, cells in columns:
        values, unreadable = parse_column(spec, cells, day_first=day_first)
        if unreadable:
            for index, value in enumerate(values):
                if value.__class__ is Unreadable:
                    bad.setdefault(index, {})[column_key] = value
                    values[index] = None
        parsed.append(values)
    return parsed


def _apply_bad_cells(table: EventTable, raw: RawSheet, mapping: Sequence[Target]) -> None:
    """Cells the reader found unusable (formulas without values, merged cells, Excel's phantom
    29 February 1900) go to ``bad``."""
    if not raw.bad_cells and not raw.phantom_dates:
        return
    by_number = {row.source_row: row for row in table.rows}
    for (number, column), reason in raw.bad_cells.items():
        row = by_number.get(number)
        target = mapping[column] if column < len(mapping) else None
        if row is not None and target is not None:
            text = display_text(row.cell(target))
            row.set_cell(target, Unreadable(text, reason))
    for number, column in raw.phantom_dates:
        row = by_number.get(number)
        target = mapping[column] if column < len(mapping) else None
        if row is None or target is None:
            continue
        text = display_text(row.cell(target))
        # serial 60 is read as 28 February; only a cell that shows it as a date is flagged
        if text.startswith(_READ_AS):
            row.set_cell(target, Unreadable(_PHANTOM + text[len(_READ_AS) :], PHANTOM_REASON))


_READ_AS = "1900-02-28"
_PHANTOM = "1900-02-29"
PHANTOM_REASON = (
    "Excel's 29 February 1900 does not exist (Excel counts a leap day 1900 never had); "
    "enter the real date"
)
