"""How one cell goes into a results workbook.

A cell the user did not edit goes back as the reader gave it, with its type: 850 as the number
850 (calamine's 850.0 made whole again), a date cell as a date, TRUE as a boolean, text as the
exact text (a CSV's cells are all text, so a CSV's dates and numbers stay the text that was
typed: converting "00123" or "04/03/2026" would change what a re-import reads). An edited cell
carries the edited value with its type: dates as date cells, booleans as booleans, and text
that was a number cell and still reads as the same number as a number.

Text is always written as text: "=HYPERLINK(...)" and "#N/A" are strings, never a formula or
an error. Characters a workbook cannot hold are written in Excel's own escape, ``_x000B_``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from hubevents_gui.core.fields import EVENT_FIELDS, FieldTable
from hubevents_gui.core.rows import CellValue, Unreadable
from hubevents_gui.core.values import (
    cell_text,
    display_text,
    format_datetime,
    parse_cell,
    parse_custom,
)

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

#: the most characters a workbook cell holds (openpyxl cuts longer text without a word)
CELL_LIMIT = 32_767

# What XML 1.0 cannot carry (C0 controls but tab and newline, noncharacters, lone surrogates),
# CR (XML readers turn it into LF), and the "_" of a literal _xHHHH_ (or it would read back as
# the character it names). Excel, LibreOffice and calamine decode _xHHHH_ back to the
# character, so the app reads back exactly the text it wrote; openpyxl shows the escape as is:
# visible, and unambiguous because literal escapes are escaped too (_x005F_x000B_).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]|_(?=x[0-9A-Fa-f]{4}_)")

#: text openpyxl would otherwise store as an error value
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class CellTooLongError(ValueError):
    """Text longer than a workbook cell holds; the writer names the cell."""

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length


def escape_text(text: str) -> str:
    """``text`` in a form a workbook holds and gives back: a vertical tab becomes _x000B_."""
    if _UNSAFE.search(text) is not None:
        text = _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    if text and not text.strip():
        # openpyxl marks no whitespace-only text "preserve": readers would read it as empty
        text = f"_x{ord(text[0]):04X}_{text[1:]}"
    return text


def workbook_value(cell: object) -> object:
    """A reader's cell or a typed value as a workbook holds it (None for a blank).

    Whole floats become ints (calamine reads every number as a float); text is escaped and
    checked against the cell limit (raises CellTooLongError); anything else Excel has no type for
    is its text.
    """
    kind = cell.__class__
    if kind is str:
        if not cell:
            return None
        text = escape_text(cell)  # type: ignore[arg-type]
        if len(text) > CELL_LIMIT:
            raise CellTooLongError(len(text))
        return text
    if kind is float:
        number: float = cell  # type: ignore[assignment]
        if not math.isfinite(number):
            return cell_text(number)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if cell is None or kind in (bool, int, date, time, timedelta):
        return cell
    if kind is datetime:
        moment: datetime = cell  # type: ignore[assignment]
        return moment if moment.tzinfo is None else format_datetime(moment)
    if isinstance(cell, Unreadable):
        return workbook_value(cell.text)
    return workbook_value(cell_text(cell))


def number_format(value: object) -> str | None:
    """The number format a date or time needs to show as one (None: the cell's own)."""
    if isinstance(value, datetime):
        return "yyyy-mm-dd hh:mm:ss" if value.second or value.microsecond else "yyyy-mm-dd hh:mm"
    if isinstance(value, date):
        return "yyyy-mm-dd"
    if isinstance(value, time):
        return "hh:mm:ss"
    if isinstance(value, timedelta):
        return "[h]:mm:ss"
    return None


def needs_a_cell(value: object) -> bool:
    """Whether a plain value would come out as something else: a formula, an error, or a date
    without a readable format."""
    if isinstance(value, str):
        return value.startswith("=") or value in _ERROR_CODES
    return isinstance(value, date | time | timedelta)


def fill(cell: Cell | Any, value: object) -> None:
    """Put a workbook_value into an openpyxl cell: text as text, dates with a date format."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif (fmt := number_format(value)) is not None:
        from openpyxl.styles.numbers import is_date_format

        # a date cell keeps the user's own date format; a General cell gets ours
        if not is_date_format(cell.number_format) or isinstance(value, timedelta):
            cell.number_format = fmt


def unchanged(
    key: str,
    value: CellValue,
    raw: object,
    *,
    day_first: bool,
    fields: FieldTable = EVENT_FIELDS,
) -> bool:
    """Whether a row's cell still holds what the reader makes of the source's cell ``raw``."""
    spec = fields.by_key.get(key)
    parsed = parse_cell(spec, raw, day_first=day_first) if spec else parse_custom(raw)
    if parsed == value and parsed.__class__ is value.__class__:
        return True
    # the reader marks formulas without values and merged cells unusable, keeping their text
    return isinstance(value, Unreadable) and value.text == display_text(parsed)


def edited_value(value: CellValue, raw: object) -> object:
    """An edited cell as a workbook value; ``raw`` is the source's cell it replaces (or None):
    text keeps the type of a number or date cell when it reads as the same value."""
    if isinstance(value, Unreadable):
        value = value.text
    if not isinstance(value, str):
        return workbook_value(value)
    kind = raw.__class__
    if kind in (float, int) and _NUMBER.fullmatch(value):
        number = float(value)
        if math.isfinite(number) and cell_text(number) == value:
            return workbook_value(number)
    elif kind in (datetime, date):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            if kind is date and parsed.date().isoformat() == value:
                return parsed.date()
            if parsed.isoformat(timespec="seconds") == value:
                return parsed
    return workbook_value(value)
