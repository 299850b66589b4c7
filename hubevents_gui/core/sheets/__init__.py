"""Reading spreadsheets (.xlsx .xlsm .xls .ods via python-calamine, .csv .tsv .txt via the csv
module) into event tables.

Reading is two steps so that a window can ask the user in between: :func:`choose_sheet` finds
the sheet and its header and streams the raw cells; :func:`build_table` maps the columns to
fields and parses every cell. :func:`read_table` does both with the guessed mapping. Every
problem a user can cause raises :class:`SheetError` with one sentence naming the file (and
sheet, row, column).

- raw: RawSheet, SheetError, the file checks, cells right of the header
- workbook / csv_text: the two kinds of file; text_decoding: a text file's bytes
- choice: the sheet-choosing policy
- extent / ods_extent: how far a sheet's cells spread, before calamine lays them out
- sparse: an .xlsx sheet whose cells lie far apart, read cell by cell
- formulas: cells calamine reads without a word (formulas without values, serial 60);
  xlsx_parts: the .xlsx parts those scans read
- mapping: columns to fields
- builder: raw rows to an EventTable
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hubevents_gui.core.fields import FieldTable
from hubevents_gui.core.rows import EventTable, RowIds
from hubevents_gui.core.sheets.builder import build_table
from hubevents_gui.core.sheets.choice import SheetChoice, choose_workbook_sheet
from hubevents_gui.core.sheets.csv_text import open_csv
from hubevents_gui.core.sheets.mapping import (
    fields_for,
    guess_mapping,
    header_label,
    mapping_problems,
    needs_confirmation,
)
from hubevents_gui.core.sheets.raw import (
    CSV_SUFFIXES,
    SUPPORTED_SUFFIXES,
    WORKBOOK_SUFFIXES,
    RawSheet,
    SheetError,
    Target,
    check_file,
    describe_file,
)

__all__ = [
    "CSV_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "WORKBOOK_SUFFIXES",
    "RawSheet",
    "SheetChoice",
    "SheetError",
    "Target",
    "build_table",
    "choose_sheet",
    "describe_file",
    "fields_for",
    "guess_mapping",
    "header_label",
    "mapping_problems",
    "needs_confirmation",
    "open_sheet",
    "read_table",
]


def choose_sheet(path: Path, sheet: str | None = None) -> SheetChoice:
    """The sheet to read (``sheet`` when given), or the sheets a user must choose from."""
    path = Path(path)
    if check_file(path) in CSV_SUFFIXES:
        if sheet is not None:
            raise SheetError(f"{describe_file(path)} is a text file: it has no sheets to choose")
        return SheetChoice(open_csv(path))
    return choose_workbook_sheet(path, sheet)


def open_sheet(path: Path, sheet: str | None = None) -> RawSheet:
    """The chosen sheet's header and rows; several sheets of events are an error here."""
    choice = choose_sheet(path, sheet)
    if choice.raw is None:
        names = ", ".join(
            f"'{name}'" + (" (hidden)" if name in choice.hidden else "")
            for name in choice.candidates
        )
        raise SheetError(
            f"{describe_file(Path(path))} has several sheets of events ({names}): choose one"
        )
    return choice.raw


def read_table(
    path: Path | str,
    sheet: str | None = None,
    *,
    day_first: bool = False,
    row_ids: RowIds | None = None,
    fields: FieldTable | None = None,
    given: Sequence[str] = (),
) -> EventTable:
    """Open, map by header names and parse: the headless path (``hubevents validate``).
    ``fields``: the kind of table (by default what the headers say); ``given``: required
    columns given once for all rows instead."""
    raw = open_sheet(Path(path), sheet)
    fields = fields or fields_for(raw.headers)
    return build_table(
        raw,
        guess_mapping(raw.headers, fields),
        day_first=day_first,
        row_ids=row_ids,
        fields=fields,
        given=given,
    )
