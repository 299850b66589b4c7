"""How far a sheet's cells spread, found before calamine reads it.

calamine lays a sheet out as one dense block from its first to its last cell: one value at
XFD1048576 asks for seventeen billion cells and the process aborts. These scans find the
block's size from the XML, cheaply, so that a sheet whose cells lie far apart is read cell by
cell (sparse.py) or refused, never laid out.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from hubevents_gui.core.rows import column_letter
from hubevents_gui.core.sheets.xlsx_parts import letters_value, row_chunks, sheet_member

#: a block up to this many cells is laid out whatever it holds (~100 MB at worst in calamine)
DENSE_CELLS = 2_000_000
#: a larger block is laid out when at least one in this many of its cells is really there
DENSE_RATIO = 4


@dataclass(frozen=True)
class Extent:
    """The block a sheet's cells span (from A1: an over-estimate is safe) and how many exist."""

    #: cells written in the file (an over-estimate: styled empty cells count); None when not
    #: counted, because the block is small enough to lay out whatever it holds
    cells: int | None
    #: 0-based last row and last column any cell reaches
    last_row: int
    last_column: int
    #: the cell that reaches furthest, as Excel names it (XFD1048576)
    far_cell: str

    @property
    def area(self) -> int:
        return (self.last_row + 1) * (self.last_column + 1)

    @property
    def sparse(self) -> bool:
        """Too spread out to lay out as a block."""
        return (
            self.area > DENSE_CELLS
            and self.cells is not None
            and self.area > DENSE_RATIO * self.cells
        )


def _greater_number(digits: str) -> str:
    """A regex for whole numbers (no leading zeros) greater than ``digits``."""
    parts = [rf"[1-9]\d{{{len(digits)},}}"]
    for i, ch in enumerate(digits):
        if ch != "9":
            rest = len(digits) - i - 1
            parts.append(f"{digits[:i]}[{int(ch) + 1}-9]" + (rf"\d{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(parts) + ")"


def _greater_letters(letters: str) -> str:
    """A regex for column letters right of ``letters``."""
    parts = [f"[A-Z]{{{len(letters) + 1},}}"]
    for i, ch in enumerate(letters):
        if ch != "Z":
            rest = len(letters) - i - 1
            parts.append(
                f"{letters[:i]}[{chr(ord(ch) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else "")
            )
    return "(?:" + "|".join(parts) + ")"


_PREFIX = re.compile(rb"<(\w+:)?sheetData\b")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?[A-Z]+\$?\d+(?::\$?([A-Z]+)\$?(\d+))?"')
_TAG = re.compile(rb"<(?:\w+:)?(c|row)\b([^>]*?)/?>")
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_ROW_NUMBER = re.compile(rb'\br="(\d{1,7})"')


def xlsx_extent(path: Path, sheet: str) -> Extent | None:
    """The extent of an .xlsx sheet, or None when the file is not one we can scan."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = sheet_member(archive, sheet)
            if member is None:
                return None
            return _fast_scan(archive, member) or _slow_scan(row_chunks(archive, member))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError):
        return None


def _fast_scan(archive: zipfile.ZipFile, member: str) -> Extent | None:
    """Find the extent at C speed: None when the cells are not all written as <c r="...">.

    With a <dimension>, only a search for cells beyond it runs over the XML; without one, the
    column letters of every cell are collected (a set of a few distinct values).
    """
    chunks = row_chunks(archive, member)
    head = b""
    for data in chunks:  # what comes before the first row: the dimension and the tag prefix
        head += data
        if _PREFIX.search(head) or len(head) > (1 << 22):
            break
    found = _PREFIX.search(head)
    if found is None:
        return None
    prefix = found.group(1) or b""
    dimension = _DIMENSION.search(head, 0, found.start())
    if dimension is not None and dimension.group(1) is not None:
        return _claimed_scan(chain([head], chunks), prefix, dimension)
    cell = re.compile(b"<" + prefix + rb'c(?:\s+r="([A-Z]{1,3})(\d{1,7})"|[\s>/])')
    letters: set[bytes] = set()
    cells = last_row = 0
    for data in chain([head], chunks):
        refs = cell.findall(data)
        if not refs:
            continue
        cells += len(refs)
        letters.update(col for col, _ in refs)
        last_row = max(last_row, int(refs[-1][1] or 0), int(refs[0][1] or 0))
    if b"" in letters:
        return None  # a cell placed by counting
    if not letters:
        return Extent(0, 0, 0, "A1")
    last_col = max(letters_value(col) for col in letters)
    return Extent(cells, last_row - 1, last_col, f"{column_letter(last_col)}{last_row}")


def _claimed_scan(
    chunks: Iterable[bytes], prefix: bytes, dimension: re.Match[bytes]
) -> Extent | None:
    """Trust the sheet's <dimension> once a search finds no cell beyond it, nor one without r."""
    end_col, end_row = dimension.group(1).decode(), dimension.group(2).decode()
    cell = b"<" + prefix + b"c"
    odd = re.compile(
        re.escape(cell)
        + b'(?:\\s+r="(?:'
        + f'{_greater_letters(end_col)}\\d|[A-Z]{{1,3}}{_greater_number(end_row)}"'.encode()
        + rb')|(?!\s+r=")[\s>/])'
    )
    beyond = re.compile(re.escape(cell) + rb'\s+r="([A-Z]{1,3})(\d{1,7})"')
    last_row, last_col = int(end_row) - 1, letters_value(end_col)
    far = f"{end_col}{end_row}"
    # the count matters only for a large block: is it full enough to lay out?
    counting = (last_row + 1) * (last_col + 1) > DENSE_CELLS
    cells = 0
    for data in chunks:
        if counting:
            cells += data.count(cell + b" ")
        if odd.search(data) is None:
            continue
        for match in odd.finditer(data):
            ref = beyond.match(data, match.start())
            if ref is None:
                return None  # a cell placed by counting
            col, row = letters_value(ref.group(1)), int(ref.group(2)) - 1
            if col > last_col or row > last_row:
                far = (ref.group(1) + ref.group(2)).decode()
            last_col, last_row = max(last_col, col), max(last_row, row)
        counting = counting or (last_row + 1) * (last_col + 1) > DENSE_CELLS
    return Extent(cells if counting else None, last_row, last_col, far)


def _slow_scan(chunks: Iterable[bytes]) -> Extent:
    """Every cell and row tag, placed as a reader places them (by r="..." or by counting)."""
    row = col = -1
    last_row = last_col = 0
    cells = 0
    far = "A1"
    for data in chunks:
        for match in _TAG.finditer(data):
            attrs = match.group(2)
            if match.group(1) == b"row":
                number = _ROW_NUMBER.search(attrs)
                row = int(number.group(1)) - 1 if number else row + 1
                col = -1
                continue
            cells += 1
            ref = _REF.search(attrs)
            if ref is not None:
                col, row = letters_value(ref.group(1)), int(ref.group(2)) - 1
            else:
                col += 1
            if col > last_col or row > last_row:
                far = f"{column_letter(col)}{row + 1}"
            last_col, last_row = max(last_col, col), max(last_row, row)
    return Extent(cells, last_row, last_col, far)
