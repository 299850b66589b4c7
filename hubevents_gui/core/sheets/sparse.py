"""An .xlsx sheet read cell by cell, for sheets whose cells lie too far apart for calamine's
dense block (see extent.py): memory follows the cells the file really has.

Values come out as calamine gives them (numbers as floats, date cells as date / datetime /
time / timedelta, errors and formulas without a value as ''), so the rest of the reading does
not know which reader ran.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from hubevents_gui.core.sheets.xlsx_parts import (
    chunks_until,
    letters_value,
    row_chunks,
    sheet_member,
    uses_1904,
    workbook_part,
    xml_unescape,
)

#: (1-based row number, [(0-based column, value)]) for each row that holds a value
SparseRow = tuple[int, list[tuple[int, Any]]]
#: ((first row, first column), (last row, last column)), 0-based, as calamine gives them
MergedRange = tuple[tuple[int, int], tuple[int, int]]

_EPOCH = datetime(1899, 12, 30)
_1904_DAYS = 1462
_BUILTIN_DATES = frozenset([*range(14, 23), 45, 47])
_BUILTIN_DURATIONS = frozenset([46])
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
#: a row's start tag, or a whole cell (the XML is regular enough for this, and it is several
#: times quicker than a parser for the sheets that need it: many cells and a few far away)
_TOKEN = re.compile(
    rb"<(?:\w+:)?(row)\b([^>]*?)/?>"
    rb'|<(?:\w+:)?c(?=[\s/>])(?:\s+r="([A-Z]{1,3})(\d{1,7})")?(?:\s+s="(\d+)")?(?:\s+t="(\w+)")?'
    rb"([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)",
    re.S,
)
_SIMPLE_TEXT = re.compile(rb"<(?:\w+:)?is><(?:\w+:)?t>([^<&_]*)</(?:\w+:)?t></(?:\w+:)?is>")
_ATTRS = {name: re.compile(rb"\b" + name + rb'="([^"]*)"') for name in (b"r", b"s", b"t")}
_REF = re.compile(rb"([A-Z]{1,3})(\d{1,7})$")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>([^<]*)</", re.S)
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t(\s[^>]*)?(?:/>|>([^<]*)</(?:\w+:)?t>)", re.S)
_SHARED = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
_ESCAPE = re.compile(r"_x00([0-9A-Fa-f]{2})_")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    found = _ATTRS[name].search(attrs)
    return found.group(1) if found else None


def _string(inner: bytes | None) -> str:
    """A shared or inline string: its runs' text, without phonetic guides, as calamine reads
    it (unpreserved spaces trimmed, _x000D_ escapes undone)."""
    if not inner:
        return ""
    if b"<rPh" in inner or b":rPh" in inner:
        inner = _PHONETIC.sub(b"", inner)
    parts = []
    for attrs, text in _TEXT.findall(inner):
        value = xml_unescape(text)
        if b'xml:space="preserve"' not in attrs:
            value = value.strip(" \t\r\n")
        parts.append(value)
    joined = "".join(parts)
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), joined) if "_x00" in joined else joined


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    member = workbook_part(archive, "sharedStrings")
    if member is None:
        return []
    strings: list[str] = []
    for data in chunks_until(archive, member, b"</si>"):
        strings.extend(_string(inner) for inner in _SHARED.findall(data))
    return strings


def _style_kinds(archive: zipfile.ZipFile) -> list[str | None]:
    """For each cell style: "date", "duration" or None, from its number format."""
    member = workbook_part(archive, "styles")
    if member is None:
        return []
    codes: dict[int, str] = {}
    kinds: list[str | None] = []
    in_cell_xfs = False
    with archive.open(member) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            name = _local(element.tag)
            if name == "cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and name == "numFmt":
                codes[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and name == "xf" and in_cell_xfs:
                kinds.append(_kind(int(element.get("numFmtId", "0")), codes))
    return kinds


def _kind(fmt_id: int, codes: dict[int, str]) -> str | None:
    code = codes.get(fmt_id)
    if code is None:
        if fmt_id in _BUILTIN_DURATIONS:
            return "duration"
        return "date" if fmt_id in _BUILTIN_DATES else None
    # openpyxl loads when a file needs its rules: not when the window starts (0.1 s)
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    code = code or BUILTIN_FORMATS.get(fmt_id, "")
    if is_timedelta_format(code):
        return "duration"
    return "date" if is_date_format(code) else None


def excel_date(serial: float, kind: str, is_1904: bool) -> Any:
    """A date serial as python-calamine gives it (its rules: times under one day, dates for
    whole days, and calamine's 1900 leap-day shift below serial 60)."""
    if kind == "duration":
        return timedelta(milliseconds=round(serial * 86_400_000))
    days = serial + _1904_DAYS if is_1904 else serial
    days = days if days >= 60 else days + 1
    try:
        moment = _EPOCH + timedelta(milliseconds=round(days * 86_400_000))
    except OverflowError:
        return serial
    if serial < 1.0:
        return moment.time()
    if not 1 <= moment.year <= 9999:
        return serial
    return moment.date() if serial == int(serial) else moment


def read_cells(path: Path, sheet: str) -> Iterator[SparseRow]:
    """The sheet's rows that hold a value, each as its cells' (column, value) pairs."""
    with zipfile.ZipFile(path) as archive:
        member = sheet_member(archive, sheet)
        if member is None:
            return
        strings = _shared_strings(archive)
        kinds = _style_kinds(archive)
        is_1904 = uses_1904(archive)
        row_number, column = 0, -1
        cells: list[tuple[int, Any]] = []
        columns: dict[bytes, int] = {}
        for data in row_chunks(archive, member):
            for row_tag, row_attrs, letters, _, style, kind, rest, inner in _TOKEN.findall(data):
                if row_tag:
                    if cells:
                        yield row_number, cells
                    number = _attr(row_attrs, b"r")
                    row_number = int(number) if number and number.isdigit() else row_number + 1
                    column, cells = -1, []
                    continue
                if b"=" in rest:  # attributes in another order, or others beside them
                    letters = letters or _letters(_attr(rest, b"r"))
                    style = style or _attr(rest, b"s") or b""
                    kind = kind or _attr(rest, b"t") or b""
                if letters:
                    column = columns.get(letters, -1)
                    if column < 0:
                        column = columns[letters] = letters_value(letters)
                else:
                    column += 1
                value = _value(kind, style, inner, strings, kinds, is_1904)
                if value != "":
                    cells.append((column, value))
        if cells:
            yield row_number, cells


def _letters(ref: bytes | None) -> bytes:
    found = _REF.match(ref or b"")
    return found.group(1) if found else b""


def _value(
    kind: bytes,
    style: bytes,
    inner: bytes,
    strings: list[str],
    kinds: list[str | None],
    is_1904: bool,
) -> Any:
    if kind == b"inlineStr":
        simple = _SIMPLE_TEXT.fullmatch(inner)
        return (
            simple.group(1).decode("utf-8", "replace").strip(" \t\r\n")
            if simple
            else _string(inner)
        )
    found = _VALUE.search(inner) if inner else None
    if found is None:
        return ""  # a styled empty cell, or a formula without a saved value
    raw = found.group(1)
    if not kind or kind == b"n":
        try:
            number = float(raw)
        except ValueError:
            return xml_unescape(raw)
        index = int(style) if style else 0
        style_kind = kinds[index] if index < len(kinds) else None
        return excel_date(number, style_kind, is_1904) if style_kind else number
    if kind == b"s":
        index = int(raw)
        return strings[index] if 0 <= index < len(strings) else ""
    if kind == b"str":
        return xml_unescape(raw)
    if kind == b"b":
        return raw.strip() not in (b"0", b"false", b"")
    if kind == b"d":
        return _iso_date(xml_unescape(raw))
    return ""  # an error (#N/A, #DIV/0!): calamine reads it as blank


def _iso_date(text: str) -> Any:
    try:
        moment = datetime.fromisoformat(text.rstrip("Z"))
    except ValueError:
        try:
            return time.fromisoformat(text)
        except ValueError:
            return text
    if "T" not in text:
        return moment.date()
    return moment


def merged_ranges(path: Path, sheet: str) -> list[MergedRange]:
    """The sheet's merged ranges (they follow the cells in the XML)."""
    found: list[MergedRange] = []
    with zipfile.ZipFile(path) as archive:
        member = sheet_member(archive, sheet)
        if member is None:
            return found
        for data in row_chunks(archive, member):
            if b"mergeCell" not in data:
                continue
            for c0, r0, c1, r1 in _MERGE.findall(data):
                found.append(((int(r0) - 1, letters_value(c0)), (int(r1) - 1, letters_value(c1))))
    return found
