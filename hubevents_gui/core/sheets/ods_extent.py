"""How far the cells of each sheet of an .ods file spread, found before calamine reads it.

calamine reads every sheet of an .ods file when it opens it, each as one dense block from its
first to its last value (up to 100 million cells, about 3 GB, before it gives up); a sheet
whose values lie far apart is refused here, with the cell that lies furthest out.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from hubevents_gui.core.rows import column_letter
from hubevents_gui.core.sheets.extent import Extent
from hubevents_gui.core.sheets.xlsx_parts import chunks_until

_TOKEN = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_NAME = re.compile(rb'table:name="([^"]*)"')
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')
_ROW_END = b"</table:table-row>"


class _Table:
    """What the scan knows of one table so far."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.row = 0  # 0-based row of the row being read
        self.repeat = 1  # how many times the row being read repeats
        self.col = 0
        self.cells = 0
        self.last_row = self.last_col = 0
        self.far = "A1"

    def value(self, row: int, col: int) -> None:
        if row > self.last_row or col > self.last_col:
            self.far = f"{column_letter(col)}{row + 1}"
        self.last_row, self.last_col = max(self.last_row, row), max(self.last_col, col)

    def extent(self) -> Extent:
        return Extent(self.cells, self.last_row, self.last_col, self.far)


def ods_extents(path: Path) -> dict[str, Extent]:
    """Each table's extent, or {} when the file is not one we can scan (calamine will say)."""
    tables: dict[str, Extent] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            table: _Table | None = None
            for data in chunks_until(archive, "content.xml", _ROW_END):
                segments = data.split(_ROW_END)
                if table is not None and _plain(data):
                    _plain_rows(table, segments[:-1])
                    segments = segments[-1:]
                    if not segments[0].strip():
                        continue
                    table = _segment(segments[0], False, table, tables)
                    continue
                for index, segment in enumerate(segments):
                    ended = index < len(segments) - 1  # a row's end tag followed it
                    table = _segment(segment, ended, table, tables)
            if table is not None:
                tables[table.name] = table.extent()
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, EOFError):
        return {}
    return tables


def _plain(data: bytes) -> bool:
    """Rows as most of a sheet is written: no repeats, no table boundary, no covered cells."""
    return not any(
        mark in data
        for mark in (b"repeated", b"table:table ", b"table:table>", b"covered", b"row/>")
    )


def _plain_rows(table: _Table, rows: list[bytes]) -> None:
    """Rows without repeats, each one per segment: counted, not parsed (the common case)."""
    widths = [row.count(b"<table:table-cell") for row in rows]
    if not widths:
        return
    table.cells += sum(widths)
    widest = max(widths)
    if widest:  # a row's last cell, at the latest; a row of empty cells is counted as full
        table.value(table.row + len(rows) - 1, widest - 1)
    table.row += len(rows)


def _segment(
    segment: bytes, ended: bool, table: _Table | None, tables: dict[str, Extent]
) -> _Table | None:
    """The XML up to a row's end tag: usually one row, read with counts alone."""
    if (
        table is not None
        and ended
        and b"repeated" not in segment
        and b"table:table " not in segment
        and b"table:table>" not in segment
        and segment.count(b"<table:table-row") == 1
        and b"<table:table-row/>" not in segment
    ):
        cells = segment.count(b"<table:table-cell") + segment.count(b"<table:covered-table")
        table.cells += cells
        if cells and b"office:value-type" in segment:
            table.value(table.row, cells - 1)  # the last cell, at the latest
        table.row += 1
        return table
    for closing, kind, attrs, empty in _TOKEN.findall(segment):
        if kind == b"table":
            if table is not None and (closing or not empty):
                tables[table.name] = table.extent()
                table = None
            if not closing:
                found = _NAME.search(attrs)
                table = _Table(found.group(1).decode("utf-8", "replace") if found else "")
        elif table is None or closing:
            continue
        elif kind == b"table-row":
            repeat = _ROWS_REPEATED.search(attrs)
            table.repeat = int(repeat.group(1)) if repeat else 1
            table.col = 0
            if empty:
                table.row += table.repeat
                table.repeat = 1
        else:
            repeat = _COLUMNS_REPEATED.search(attrs)
            count = int(repeat.group(1)) if repeat else 1
            table.cells += 1
            if b"office:value-type" in attrs:
                table.value(table.row + table.repeat - 1, table.col + count - 1)
            table.col += count
    if ended and table is not None:
        table.row += table.repeat
        table.repeat = 1
    return table
