"""Turning spreadsheet cells (and typed text) into field values, and field values into text.

Cells come from python-calamine as str, float, int, bool, date, datetime, time or timedelta, from
CSV and from the table's editors as str. Nothing here raises on bad input: a value that cannot be
used becomes :class:`Unreadable`, keeping what the user typed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Final

from hubevents_gui.core.fields import Field, Kind
from hubevents_gui.core.rows import CellValue, Unreadable

TRUE_WORDS: Final = frozenset({"true", "yes", "y", "1", "x", "✓", "✔", "on"})
FALSE_WORDS: Final = frozenset({"false", "no", "n", "0", "", "off"})

_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_TIME = r"(?:[ T,]+(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)?"
# 04/03/2026, 4.3.26, 04-03-2026 09:30, 2026/03/04 9:30 PM
_NUMERIC_DATE: Final = re.compile(
    r"^(?P<a>\d{1,4})[/.-](?P<b>\d{1,2})[/.-](?P<c>\d{1,4})" + _TIME + r"$", re.IGNORECASE
)
# 4 Mar 2026, 4 March 2026 09:30
_DAY_MONTH_NAME: Final = re.compile(
    r"^(?:[a-z]+,?\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<mon>[a-z]+)\.?,?\s+(?P<y>\d{4})"
    + _TIME
    + r"$",
    re.IGNORECASE,
)
# Mar 4, 2026; Wednesday, March 4 2026 9:30 am
_MONTH_NAME_DAY: Final = re.compile(
    r"^(?:[a-z]+,?\s+)?(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
    + _TIME
    + r"$",
    re.IGNORECASE,
)


#: the most characters a workbook cell holds (Excel's limit): a longer value could not come back
#: in the results file as it was sent, so it is refused before anything is sent
MAX_CELL_TEXT: Final = 32_767

# characters an id must not contain (Unicode's controls, format characters, line and paragraph
# separators and every space but the plain one): line breaks and tabs from a pasted mail, and
# the invisible characters of web pages (zero-width spaces, joiners, marks, the byte-order mark,
# a non-breaking space between words); each makes an id look like another one that it is not.
# Spaces of any kind around an id are trimmed before this is asked.
_ID_FORBIDDEN: Final = re.compile(
    r"[\x00-\x1f\x7f-\xa0\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891"
    r"\u08e2\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f"
    r"\u3000\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    r"\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    r"\U000e0020-\U000e007f]"
)
_SPACES: Final = re.compile(r"[\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_CHARACTER_NAMES: Final = {"\n": "a line break", "\r": "a line break", "\t": "a tab"}


def text_problem(text: str, *, identifier: bool = False) -> str | None:
    """Why trimmed ``text`` cannot be sent as it stands, or None."""
    if len(text) > MAX_CELL_TEXT:
        return (
            f"too long: {len(text):,} characters, and a workbook cell holds at most "
            f"{MAX_CELL_TEXT:,}"
        )
    if identifier and (found := _ID_FORBIDDEN.search(text)):
        char = found.group()
        kind = "a special space" if _SPACES.match(char) else "an invisible character"
        name = _CHARACTER_NAMES.get(char, f"{kind} (U+{ord(char):04X})")
        return f"an id cannot contain {name} (character {found.start() + 1}); retype it without it"
    return None


def number_text(value: float) -> str:
    """A number as a person typed it: 42.0 -> "42", 0.1 -> "0.1", 1e16 -> "10000000000000000"."""
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return repr(value)


def cell_text(cell: object) -> str:
    """Any cell as trimmed text, the way it would be shown in a text column."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        return number_text(cell)
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ", timespec="minutes" if not cell.second else "seconds")
    if isinstance(cell, date | time):
        return cell.isoformat()
    if isinstance(cell, timedelta):
        return str(cell)
    return str(cell).strip()


def parse_bool(cell: object) -> bool | Unreadable | None:
    """TRUE/FALSE cells, true/false, yes/no, y/n, 1/0, x/blank; None for a blank cell."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    text = cell_text(cell)
    if not text:
        return None
    folded = text.casefold()
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    return Unreadable(text, f"not a yes/no value: {text!r} (use TRUE/FALSE, yes/no, 1/0 or x)")


def _two_digit_year(year: int) -> int:
    return 2000 + year if year < 70 else 1900 + year if year < 100 else year


def _clock(
    match: re.Match[str],
) -> tuple[int, int, int] | None:
    if match.group("h") is None:
        return (0, 0, 0)
    hour, minute = int(match.group("h")), int(match.group("mi"))
    second = int(match.group("s") or 0)
    ampm = match.group("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.casefold().startswith("p") else 0)
    return hour, minute, second


def _build(year: int, month: int, day: int, clock: tuple[int, int, int] | None) -> datetime | None:
    if clock is None:
        return None
    try:
        return datetime(year, month, day, *clock)
    except ValueError:
        return None


def _parse_date_text(text: str, day_first: bool) -> datetime | None:
    # ISO 8601 first: with an offset or Z it keeps its offset; without, it is wall-clock time
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return parsed
    if match := _NUMERIC_DATE.match(text):
        a, b, c = match.group("a"), match.group("b"), match.group("c")
        if len(a) == 4:  # 2026/03/04: year first is never ambiguous
            year, month, day = int(a), int(b), int(c)
        elif len(c) in (2, 4):
            first, second = int(a), int(b)
            # dotted dates (04.03.2026) are day-first wherever they are written
            if day_first or "." in text[: match.end("b") + 1]:
                day, month = first, second
            else:
                month, day = first, second
            year = _two_digit_year(int(c))
        else:
            return None
        return _build(year, month, day, _clock(match))
    for pattern in (_DAY_MONTH_NAME, _MONTH_NAME_DAY):
        if match := pattern.match(text):
            month_number = _MONTHS.get(match.group("mon").casefold().rstrip("."))
            if month_number is None:
                return None
            return _build(int(match.group("y")), month_number, int(match.group("d")), _clock(match))
    return None


def parse_datetime(cell: object, *, day_first: bool = False) -> datetime | Unreadable | None:
    """A date-time cell or text. Date-only values are midnight; naive results are wall clock."""
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell
    if isinstance(cell, date):
        return datetime(cell.year, cell.month, cell.day)
    if isinstance(cell, bool):
        return Unreadable(cell_text(cell), "not a date-time: a TRUE/FALSE cell")
    if isinstance(cell, int | float):
        return Unreadable(
            cell_text(cell),
            f"not a date-time: the number {cell_text(cell)} (format the cell as a date, "
            "or type the date as 2026-03-04 09:30)",
        )
    if isinstance(cell, time):
        return Unreadable(cell.isoformat(), "a time without a date")
    text = cell_text(cell)
    if not text:
        return None
    parsed = _parse_date_text(text, day_first)
    if parsed is None:
        return Unreadable(
            text,
            f"not a date-time: {text!r} (use 2026-03-04 09:30, an ISO 8601 value "
            "such as 2026-03-04T09:30:00+01:00, or a date cell)",
        )
    return parsed


def parse_text(cell: object, *, identifier: bool = False) -> str | Unreadable | None:
    """Trimmed text; numbers as typed (42 not 42.0). Identifiers must be plain values."""
    if isinstance(cell, timedelta) or (identifier and isinstance(cell, datetime | date | time)):
        return Unreadable(cell_text(cell), "a date or duration cannot be an id; format it as text")
    if isinstance(cell, float) and not math.isfinite(cell):
        return Unreadable(cell_text(cell), "not a number that can be written as text")
    text = cell_text(cell)
    if not text:
        return None
    problem = text_problem(text, identifier=identifier)
    if problem:
        return Unreadable(text, problem)
    return text


def parse_cell(field: Field, cell: object, *, day_first: bool = False) -> CellValue:
    """The value of ``cell`` for ``field`` (text-like kinds for URL and custom values alike)."""
    if isinstance(cell, Unreadable):
        return cell
    kind = field.kind
    if kind is Kind.DATETIME:
        return parse_datetime(cell, day_first=day_first)
    if kind is Kind.BOOLEAN:
        return parse_bool(cell)
    return parse_text(cell, identifier=field.identifier)


def parse_custom(cell: object) -> str | Unreadable | None:
    """A custom property value: always sent as a string."""
    if isinstance(cell, datetime):
        return cell.isoformat(timespec="seconds")
    return parse_text(cell)


def display_text(value: CellValue | object) -> str:
    """How a field value is shown and edited as text."""
    if value is None:
        return ""
    if isinstance(value, Unreadable):
        return value.text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return format_datetime(value)
    return cell_text(value)


def format_datetime(value: datetime) -> str:
    """2026-03-04 09:30 for wall-clock values, 2026-03-04 09:30+01:00 when it has an offset."""
    text = value.strftime("%Y-%m-%d %H:%M")
    if value.second or value.microsecond:
        text += value.strftime(":%S")
        if value.microsecond:
            text += f".{value.microsecond // 1000:03d}"
    if value.tzinfo is not None:
        offset = value.utcoffset()
        if offset == timedelta(0):
            text += "Z"
        elif offset is not None:
            text += value.strftime("%z")[:3] + ":" + value.strftime("%z")[3:]
    return text


def _int_text(value: float) -> str:
    return str(int(value))


class _Slow:
    """The slow path of parse_column: counts the unusable cells it makes."""

    def __init__(self, parse: Callable[[object], CellValue]) -> None:
        self.parse = parse
        self.unreadable = 0

    def __call__(self, cell: object) -> CellValue:
        value = self.parse(cell)
        if value.__class__ is Unreadable:
            self.unreadable += 1
        return value


def parse_column(
    field: Field | None, cells: Sequence[object], *, day_first: bool
) -> tuple[list[CellValue], int]:
    """parse_cell (parse_custom when ``field`` is None) over a column: (values, unusable count).

    Imports parse a whole column at a time: the common cell type of each kind is taken as it is
    in a comprehension; only the others pay for a call.
    """
    if field is None:
        slow = _Slow(parse_custom)
        texts = _text_column(cells, slow)
        return texts, slow.unreadable + _refuse_unusable_text(texts, cells, identifier=False)
    kind = field.kind
    if kind is Kind.DATETIME:
        slow = _Slow(partial(parse_datetime, day_first=day_first))
        values: list[CellValue] = [c if c.__class__ is datetime else slow(c) for c in cells]
    elif kind is Kind.BOOLEAN:
        slow = _Slow(parse_bool)
        values = [c if c.__class__ is bool else slow(c) for c in cells]
    else:
        slow = _Slow(partial(parse_text, identifier=field.identifier))
        values = _text_column(cells, slow)
        return values, slow.unreadable + _refuse_unusable_text(
            values, cells, identifier=field.identifier
        )
    return values, slow.unreadable


def _refuse_unusable_text(
    values: list[CellValue], cells: Sequence[object], *, identifier: bool
) -> int:
    """Make text that text_problem refuses Unreadable in place; how many cells it changed.

    The fast path of _text_column takes text as it is. Whether any cell needs a closer look is
    asked of the whole column at once (its longest text; one search of all ids joined), so a
    clean column of 100k cells costs a few milliseconds.
    """
    texts = [c for c in cells if c.__class__ is str]
    if not texts:
        return 0
    if max(map(len, texts)) <= MAX_CELL_TEXT and not (
        identifier and _ID_FORBIDDEN.search("".join(texts))
    ):
        return 0
    changed = 0
    for i, value in enumerate(values):
        if value.__class__ is str:
            problem = text_problem(value, identifier=identifier)
            if problem:
                values[i] = Unreadable(value, problem)
                changed += 1
    return changed


def _text_column(cells: Sequence[object], slow: _Slow) -> list[CellValue]:
    # text as it is (trimmed), whole numbers as typed (42, not 42.0), the rest through ``slow``
    return [
        (c.strip() or None)
        if c.__class__ is str
        else _int_text(c)
        if c.__class__ is float and c.is_integer()
        else slow(c)
        for c in cells
    ]
