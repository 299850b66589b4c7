"""Cells of an .xlsx sheet that calamine reads without saying what is wrong with them: formulas
without a saved value (read as '') and Excel's serial 60, the 29 February 1900 that never was
(read as 28 February)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from hubevents_gui.core.sheets.xlsx_parts import (
    letters_value,
    row_chunks,
    sheet_member,
    uses_1904,
    xml_unescape,
)

_FORMULA_CELL = re.compile(
    rb"<c\b([^>]*)>\s*(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)\s*(<v\s*/>|<v>\s*</v>)?\s*</c>"
)
#: a number cell whose value is serial 60 (with or without a time of day)
_SERIAL_60 = re.compile(
    rb"<c\b([^>]*)>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?\s*<v>\s*60(?:\.\d*)?\s*</v>"
)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_TEXT_TYPE = re.compile(rb'\bt="(?:s|str|inlineStr|b|e|d)"')


@dataclass
class CellFindings:
    """(0-based row, 0-based column) of the sheet -> what is wrong there."""

    #: cells with a formula and no saved value -> the formula
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    #: cells holding serial 60 in a 1900-based workbook
    serial_60: set[tuple[int, int]] = field(default_factory=set)


def scan_cells(path: Path, sheet: str) -> CellFindings:
    """What calamine will not say about the cells of an .xlsx sheet.

    Files written by scripts (openpyxl, for one) store formulas without results; Excel computes
    them on opening, but nothing can be read from the file itself. Serial 60 is Excel's
    29 February 1900, kept from Lotus 1-2-3: calamine (like every calendar) reads 28 February.
    """
    found = CellFindings()
    try:
        with zipfile.ZipFile(path) as archive:
            member = sheet_member(archive, sheet)
            if member is None:
                return found
            phantom = not uses_1904(archive)
            for data in row_chunks(archive, member):
                _scan_formulas(data, found.formulas)
                if phantom and b"<v>60" in data:
                    _scan_serial_60(data, found.serial_60)
    except (KeyError, OSError, zipfile.BadZipFile):
        return CellFindings()
    return found


def formulas_without_values(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """Cells of an .xlsx sheet holding a formula but no saved result (calamine reads them as '')."""
    return scan_cells(path, sheet).formulas


def _position(cell_attrs: bytes) -> tuple[int, int] | None:
    ref = _CELL_REF.search(cell_attrs)
    if ref is None:
        return None
    return int(ref.group(2)) - 1, letters_value(ref.group(1))


def _scan_formulas(data: bytes, found: dict[tuple[int, int], str]) -> None:
    if b"<f" not in data:
        return
    for match in _FORMULA_CELL.finditer(data):
        cell_attrs, formula, empty_value = match.group(1), match.group(2), match.group(3)
        if empty_value is not None and b't="str"' in cell_attrs:
            continue  # a formula whose saved result is the empty string
        where = _position(cell_attrs)
        if where is not None:
            found[where] = xml_unescape(formula) if formula else "…"


def _scan_serial_60(data: bytes, found: set[tuple[int, int]]) -> None:
    for match in _SERIAL_60.finditer(data):
        if _TEXT_TYPE.search(match.group(1)):
            continue  # the text "60", a shared string number 60, TRUE...
        where = _position(match.group(1))
        if where is not None:
            found.add(where)
