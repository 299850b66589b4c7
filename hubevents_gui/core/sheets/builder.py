"""From a raw sheet and a mapping to an EventTable: every cell parsed, a chunk at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice, repeat
from typing import Any

from hubevents_gui.core.fields import CUSTOM_KEY_PREFIX, EXTRA_KEY_PREFIX, FIELD_BY_KEY, Field
from hubevents_gui.core.rows import EventRow, EventTable, RowIds, Unreadable
from hubevents_gui.core.sheets.mapping import mapping_problems
from hubevents_gui.core.sheets.raw import RawSheet, SheetError, Target, describe_file, non_empty
from hubevents_gui.core.values import display_text, parse_column


def build_table(
    raw: RawSheet,
    mapping: Sequence[Target],
    *,
    day_first: bool = False,
    row_ids: RowIds | None = None,
    progress: Callable[[int], bool] | None = None,
) -> EventTable:
    """Parse every data row of ``raw`` with ``mapping``; blank rows are skipped.

    Rows are parsed a chunk at a time, column by column (values.parse_column), and rows are built
    with C-level dict(zip()): a 100k-row sheet must cost little more than reading it.
    ``progress(rows_so_far)`` is called after each chunk; returning False stops the read with
    SheetError.
    """
    problems = mapping_problems(raw, mapping)
    if problems:
        raise SheetError(problems[0])
    table = _build_rows(raw, mapping, day_first, row_ids or RowIds(), progress)
    raw.wait_for_checks()
    _apply_bad_cells(table, raw, mapping)
    return table


def _build_rows(
    raw: RawSheet,
    mapping: Sequence[Target],
    day_first: bool,
    row_ids: RowIds,
    progress: Callable[[int], bool] | None,
) -> EventTable:
    width = len(raw.headers)
    field_columns: list[tuple[int, Field]] = []
    custom_columns: list[tuple[int, str]] = []
    extra_columns: list[int] = []
    for column, target in enumerate(mapping):
        if target is None:
            extra_columns.append(column)
        elif target in FIELD_BY_KEY:
            field_columns.append((column, FIELD_BY_KEY[target]))
        else:
            custom_columns.append((column, target[len(CUSTOM_KEY_PREFIX) :]))
    keys = [spec.key for _, spec in field_columns]
    custom_names = [name for _, name in custom_columns]
    rows: list[EventRow] = []
    spill_width = width
    while chunk := list(islice(raw.rows, _CHUNK)):
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
        if ragged:  # CSV rows of differing lengths, or cells right of the header
            spill_width = max(spill_width, *map(len, grid))
            grid = [[*cells, *([""] * (spill_width - len(cells)))] for cells in grid]
        columns = list(zip(*grid, strict=True))
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
            "but no event rows below it"
        )
    extra_headers = [raw.headers[c] or f"Column {raw.column_name(c)}" for c in extra_columns]
    extra_headers += [f"Column {raw.column_name(c)}" for c in range(width, spill_width)]
    if spill_width > width:  # rows of earlier chunks were narrower
        for row in rows:
            if len(row.extras) < len(extra_headers):
                row.extras = (*row.extras, *([""] * (len(extra_headers) - len(row.extras))))
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
        notes.append(
            "not sent to HubSpot (kept in result files): "
            + ", ".join(f"'{h}'" for h in extra_headers)
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
    )


_CHUNK = 8192


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
    """Cells the reader found unusable (formulas without values, merged cells) go to ``bad``."""
    if not raw.bad_cells:
        return
    by_number = {row.source_row: row for row in table.rows}
    for (number, column), reason in raw.bad_cells.items():
        row = by_number.get(number)
        target = mapping[column] if column < len(mapping) else None
        if row is not None and target is not None:
            text = display_text(row.cell(target))
            row.set_cell(target, Unreadable(text, reason))
