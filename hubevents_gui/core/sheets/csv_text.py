"""Text tables (.csv .tsv .txt): the delimiter and the raw rows (text_decoding has the bytes)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hubevents_gui.core.sheets.raw import (
    MAX_COLUMNS,
    RawSheet,
    SheetError,
    describe_file,
    fit_rows,
    non_empty,
    trim_header,
)
from hubevents_gui.core.sheets.text_decoding import decode_text

#: the delimiter is guessed from the first lines, and from no more than this much of them
_SNIFF_CHARS = 1 << 16


def _sniff_delimiter(text: str) -> str:
    sample = text[:_SNIFF_CHARS]
    lines = sample.splitlines()[:21]
    if len(sample) < len(text) and len(lines) > 1:
        lines.pop()  # cut short by the sample
    sample_lines = [line for line in lines[:20] if line.strip()]
    if not sample_lines:
        return ","
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        # counting is enough (quotes aside): csv.reader here would refuse a long line
        counts = [_fields(line, delimiter) - 1 for line in sample_lines]
        # a delimiter that splits the header and splits most lines alike wins
        score = counts[0] * 2 + sum(1 for c in counts if c == counts[0] and c > 0)
        if counts[0] > 0 and score > best_score:
            best, best_score = delimiter, score
    return best


def _fields(line: str, delimiter: str) -> int:
    if '"' not in line:
        return line.count(delimiter) + 1
    return len(next(csv.reader([line], delimiter=delimiter), [""]))


def _allow_fields_of(size: int) -> None:
    # the csv module refuses fields over 128 KiB by default; the limit is the module's, for the
    # whole process, so it only ever grows, and never past what the text could hold
    if csv.field_size_limit() <= size:
        csv.field_size_limit(min(size + 1, 2**31 - 1))


def open_csv(path: Path) -> RawSheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"{describe_file(path)} cannot be read: {exc.strerror or exc}") from None
    text, notes = decode_text(path, data)
    del data
    _allow_fields_of(len(text))
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    del text
    number = 0
    header: list[str] | None = None
    try:
        for cells in reader:
            number += 1
            if non_empty(cells):
                header = cells
                break
    except csv.Error as exc:
        raise SheetError(
            f"{describe_file(path)}: row {number + 1} is not valid CSV ({exc})"
        ) from None
    if header is None:
        raise SheetError(f"{describe_file(path)} has no rows (only blank lines)")
    headers, offset = trim_header(header)
    if len(headers) > MAX_COLUMNS:
        raise SheetError(
            f"{describe_file(path)}: the header (row {number}) has {len(headers):,} columns, "
            f"more than a spreadsheet can hold ({MAX_COLUMNS:,}); is it really a table?"
        )

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        row_number = number
        line = reader.line_num
        try:
            for cells in reader:
                row_number += 1
                if reader.line_num - line > 1 and len(raw.notes) < 20:
                    # said in the sheet's notes, which are read once every row is
                    lines = (line + 1, reader.line_num)
                    _note_runaway_quote(raw, cells, row_number, lines, delimiter)
                line = reader.line_num
                yield row_number, cells[offset:] if offset else cells
        except csv.Error as exc:
            raise SheetError(
                f"{describe_file(path)}: row {row_number + 1} is not valid CSV ({exc})"
            ) from None

    raw = RawSheet(path, None, headers, number, offset, iter(()), notes)
    raw.rows = fit_rows(raw, data_rows())
    return raw


def _note_runaway_quote(
    raw: RawSheet,
    cells: list[Any],
    row_number: int,
    lines: tuple[int, int],
    delimiter: str,
) -> None:
    """Say so when a quoted cell spans lines that look like rows of their own: a quote that
    was never closed swallowed them (a text with line breaks in it looks nothing like that)."""
    width = len(raw.headers)
    for column, cell in enumerate(cells):
        if not isinstance(cell, str) or "\n" not in cell:
            continue
        parts = cell.split("\n")
        if any(part.count(delimiter) >= max(1, width - 2) for part in parts[1:]):
            raw.notes.append(
                f"{raw.cell_name(row_number, column)}: its text in quotes runs from line "
                f"{lines[0]} to line {lines[1]} and holds what look like rows of their own: "
                "is a closing quote missing?"
            )
            return
