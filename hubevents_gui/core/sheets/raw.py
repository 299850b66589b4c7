"""A sheet before mapping: its header and a stream of raw rows; the error every reader raises."""

from __future__ import annotations

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
    #: (1-based row number, cells) for every row below the header, blank rows included
    rows: Iterator[tuple[int, list[Any]]]
    notes: list[str] = field(default_factory=list)
    #: (row number, 0-based column within headers) -> why the cell cannot be used
    bad_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: checks still running beside the read (the formula scan); see wait_for_checks
    pending: list[Callable[[], None]] = field(default_factory=list)

    def peek(self, count: int) -> list[list[Any]]:
        """The first ``count`` non-blank data rows, without taking them from ``rows``."""
        taken: list[tuple[int, list[Any]]] = []
        for item in self.rows:
            taken.append(item)
            if sum(1 for _, cells in taken if non_empty(cells)) >= count:
                break
        self.rows = chain(taken, self.rows)
        return [cells for _, cells in taken if non_empty(cells)][:count]

    def wait_for_checks(self) -> None:
        """Let the checks that run beside the read finish and add what they found."""
        while self.pending:
            self.pending.pop()()

    @property
    def location_prefix(self) -> str:
        return self.sheet if self.sheet is not None else self.file.stem

    def cell_name(self, row: int, column: int) -> str:
        """Sheet1!C7 for a row number and a 0-based column within headers."""
        return f"{self.location_prefix}!{column_letter(self.first_column + column)}{row}"

    def column_name(self, column: int) -> str:
        return column_letter(self.first_column + column)


def describe_file(path: Path) -> str:
    return f"'{path.name}'"


def check_file(path: Path) -> str:
    if not path.exists():
        raise SheetError(f"{describe_file(path)}: no such file ({path})")
    if path.is_dir():
        raise SheetError(f"{describe_file(path)} is a folder, not a spreadsheet file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SheetError(
            f"{describe_file(path)}: cannot read {suffix or 'files without an extension'}; "
            "use .xlsx, .xlsm, .xls, .ods or .csv"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SheetError(f"{describe_file(path)} cannot be read: {exc.strerror}") from None
    if size == 0:
        raise SheetError(f"{describe_file(path)} is empty (0 bytes)")
    return suffix


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
