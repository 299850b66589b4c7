"""A sheet before mapping: its header and a stream of raw rows; the error every reader raises;
the checks every file passes before it is opened."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from hubevents_gui.core.rows import column_letter
from hubevents_gui.core.values import cell_text

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES + CSV_SUFFIXES

#: the widest sheet a spreadsheet program holds (Excel's last column is XFD)
MAX_COLUMNS = 16_384
#: columns right of the header that hold values are carried (untitled) up to this many; more is
#: not a table but stray cells, and carrying them would cost every row that many cells
MAX_UNTITLED_COLUMNS = 100

#: a column's target: a field key, "custom:NAME", or None for a column carried but not sent
Target = str | None


class SheetError(Exception):
    """A file that cannot be read as an event table; the message is for the user."""


@dataclass
class RawSheet:
    """A sheet's header and a stream of its data rows, before any mapping."""

    file: Path
    #: the sheet's name; None for CSV
    sheet: str | None
    headers: list[str]
    #: 1-based spreadsheet row of the header
    header_row: int
    #: 0-based column of the first header cell
    first_column: int
    #: (1-based row number, cells) for every row below the header, blank rows included; cells
    #: past the header are only those of ``far_columns`` (see :func:`fit_rows`)
    rows: Iterator[tuple[int, list[Any]]]
    notes: list[str] = field(default_factory=list)
    #: (row number, 0-based column within headers) -> why the cell cannot be used
    bad_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: (row number, 0-based column within headers) of cells holding Excel's serial 60, which
    #: Excel shows as 29 February 1900 (a day that never was) and readers as 28 February
    phantom_dates: set[tuple[int, int]] = field(default_factory=set)
    #: checks still running beside the read (the formula scan); see wait_for_checks
    pending: list[Callable[[], None]] = field(default_factory=list)
    #: for cells right of the header: the offset from ``first_column`` of row cell
    #: ``len(headers) + i`` is ``far_columns[i]`` (filled in as the rows are read)
    far_columns: list[int] = field(default_factory=list)

    def peek(self, count: int) -> list[list[Any]]:
        """The first ``count`` non-blank data rows, without taking them from ``rows``.

        A row that cannot be read stops the peek quietly; reading the rows raises it again.
        """
        taken: list[tuple[int, list[Any]]] = []
        rest: Iterator[tuple[int, list[Any]]] = self.rows
        try:
            for item in self.rows:
                taken.append(item)
                if sum(1 for _, cells in taken if non_empty(cells)) >= count:
                    break
        except SheetError as exc:
            rest = _raising(exc)
        self.rows = chain(taken, rest)
        return [cells for _, cells in taken if non_empty(cells)][:count]

    def wait_for_checks(self) -> None:
        """Let the checks that run beside the read finish and add what they found."""
        while self.pending:
            self.pending.pop()()

    @property
    def location_prefix(self) -> str:
        return self.sheet if self.sheet is not None else self.file.stem

    def offset_of(self, column: int) -> int:
        """How far right of ``first_column`` a row cell lies (cells past the header are sparse)."""
        far = column - len(self.headers)
        if 0 <= far < len(self.far_columns):
            return self.far_columns[far]
        return column

    def cell_name(self, row: int, column: int) -> str:
        """Sheet1!C7 for a row number and a 0-based column within headers."""
        return f"{self.location_prefix}!{self.column_name(column)}{row}"

    def column_name(self, column: int) -> str:
        return column_letter(self.first_column + self.offset_of(column))


def _raising(exc: SheetError) -> Iterator[tuple[int, list[Any]]]:
    yield from ()
    raise exc


def fit_rows(
    raw: RawSheet, rows: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[int, list[Any]]]:
    """Rows cut to the header's width, the values right of it kept in ``raw.far_columns``.

    Only the columns that hold something are kept, so one stray cell at XFD2000 costs one
    column, not sixteen thousand cells in every row; more than MAX_UNTITLED_COLUMNS of them is
    an error naming the row.
    """
    width = len(raw.headers)
    slot_of: dict[int, int] = {}
    for number, cells in rows:
        if len(cells) > width:
            tail = cells[width:]
            cells = cells[:width]
            if non_empty(tail):
                found = ((width + i, c) for i, c in enumerate(tail) if not _blank(c))
                cells += _far_cells(raw, number, found, slot_of)
        yield number, cells


def fit_sparse_rows(
    raw: RawSheet, rows: Iterator[tuple[int, list[tuple[int, Any]]]]
) -> Iterator[tuple[int, list[Any]]]:
    """Rows given as (offset from ``first_column``, value) pairs, laid out as :func:`fit_rows`."""
    width = len(raw.headers)
    slot_of: dict[int, int] = {}
    for number, pairs in rows:
        inside = [(offset, value) for offset, value in pairs if 0 <= offset < width]
        cells: list[Any] = [""] * (max(o for o, _ in inside) + 1) if inside else []
        for offset, value in inside:
            cells[offset] = value
        if len(inside) < len(pairs):
            found = ((o, v) for o, v in pairs if o >= width and not _blank(v))
            far = _far_cells(raw, number, found, slot_of)
            if far:
                cells += [""] * (width - len(cells))
                cells += far
        yield number, cells


def _blank(cell: Any) -> bool:
    return cell is None or (cell.__class__ is str and (not cell or cell.isspace()))


def _far_cells(
    raw: RawSheet, number: int, found: Iterator[tuple[int, Any]], slot_of: dict[int, int]
) -> list[Any]:
    """The cells right of the header in their slots (offset -> slot in ``slot_of``)."""
    far = raw.far_columns
    placed: dict[int, Any] = {}
    for offset, cell in found:
        slot = slot_of.get(offset)
        if slot is None:
            if len(far) >= MAX_UNTITLED_COLUMNS:
                where = f", sheet {raw.sheet!r}" if raw.sheet else ""
                letter = column_letter(raw.first_column + offset)
                raise SheetError(
                    f"{describe_file(raw.file)}{where}: values lie in more than "
                    f"{MAX_UNTITLED_COLUMNS} untitled columns right of the header (the next at "
                    f"{raw.location_prefix}!{letter}{number}); give those columns headers, or "
                    "delete the stray values"
                )
            slot = slot_of[offset] = len(far)
            far.append(offset)
        placed[slot] = cell
    if not placed:
        return []
    out: list[Any] = [""] * (max(placed) + 1)
    for slot, cell in placed.items():
        out[slot] = cell
    return out


def describe_file(path: Path) -> str:
    return f"'{path.name}'"


def check_file(path: Path) -> str:
    """The file's suffix, once it is known to be a non-empty regular file of a kind we read."""
    where = describe_file(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise SheetError(_stat_failure(path, exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise SheetError(f"{where} is a folder, not a spreadsheet file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SheetError(
            f"{where}: cannot read {suffix or 'files without an extension'}; "
            "use .xlsx, .xlsm, .xls, .ods, .csv, .tsv or .txt"
        )
    if not stat.S_ISREG(info.st_mode):
        raise SheetError(
            f"{where} is {_special_kind(info.st_mode)}, not a file: save the table "
            "as a file and open that"
        )
    if info.st_size == 0:
        raise SheetError(f"{where} is empty (0 bytes)")
    return suffix


def _stat_failure(path: Path, exc: OSError) -> str:
    where = describe_file(path)
    if exc.errno == errno.ELOOP:
        return f"{where} is a symbolic link that leads back to itself ({path})"
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return f"{where} is a link to a file that does not exist ({target})"
        return f"{where}: no such file ({path})"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{where} cannot be read: permission denied"
    if exc.errno == errno.ENOTDIR:
        return f"{where}: no such file ({path}: a folder in the path is a file)"
    return f"{where} cannot be read: {exc.strerror or exc}"


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def non_empty(cells: Sequence[Any]) -> bool:
    for cell in cells:  # returns at the first cell of almost every row
        if cell.__class__ is not str:
            if cell is not None:
                return True
        elif cell and not cell.isspace():
            return True
    return False


def trim_header(cells: Sequence[Any]) -> tuple[list[str], int]:
    """Header texts from the first to the last non-empty cell, and the offset of the first."""
    texts = [cell_text(cell) for cell in cells]
    first = next(i for i, text in enumerate(texts) if text)
    last = max(i for i, text in enumerate(texts) if text)
    return texts[first : last + 1], first
