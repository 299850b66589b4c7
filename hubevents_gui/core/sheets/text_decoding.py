"""From a text table's bytes to text: UTF-8, UTF-16 (Excel's "Unicode Text"), and lines in
Windows-1252 among UTF-8 ones; what is not text is refused with the line that shows it."""

from __future__ import annotations

import codecs
from pathlib import Path

from hubevents_gui.core.sheets.raw import SheetError, describe_file
from hubevents_gui.core.words import plural

#: a workbook renamed .csv starts with one of these
_MAGIC = {
    b"PK\x03\x04": "a zip archive (an .xlsx or .ods workbook?)",
    b"\xd0\xcf\x11\xe0": "an Office document (an .xls workbook?)",
}

_UTF16_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: control characters that say "binary" in a line read as Windows-1252
_CONTROLS = frozenset(chr(c) for c in range(32)) - set("\t\r\n\f\v")


def decode_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    """The text of a table file and the notes about how it was read.

    The same rules hold for every byte of the file, not only for a sample of its start.
    """
    wide = _wide_encoding(data)
    if wide is not None:
        return _decode_wide(path, data, wide), []
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SheetError(_not_text(path, data, data.count(b"\n", 0, nul) + 1))
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    return _decode_mixed(path, data, first_bad)


def _wide_encoding(data: bytes) -> str | None:
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            return encoding
    # UTF-16 without a byte order mark: a NUL beside every ASCII character, on one side only
    sample = data[:4096]
    if len(sample) >= 8 and len(data) % 2 == 0:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2
        if odd >= half * 0.6 and even <= half * 0.02:
            return "utf-16-le"
        if even >= half * 0.6 and odd <= half * 0.02:
            return "utf-16-be"
    return None


def _decode_wide(path: Path, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SheetError(
            f"{describe_file(path)} looks like {encoding.upper()} text but is not valid "
            f"{encoding.upper()} at byte {exc.start:,}; save it again as 'CSV UTF-8'"
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise SheetError(_not_text(path, data, text.count("\n", 0, nul) + 1))
    return text.removeprefix("\ufeff")


def _not_text(path: Path, data: bytes, line: int) -> str:
    kind = next((what for magic, what in _MAGIC.items() if data.startswith(magic)), None)
    if kind is not None:
        return (
            f"{describe_file(path)} is not a text file but {kind}, so it cannot be read as "
            f"CSV: give it the extension it was saved with"
        )
    return (
        f"{describe_file(path)} is not a text file (line {line:,} holds a NUL byte), so it "
        "cannot be read as CSV (is it a workbook with the wrong extension?)"
    )


def _decode_mixed(path: Path, data: bytes, first_bad: int) -> tuple[str, list[str]]:
    """UTF-8 lines stay UTF-8; only the lines that are not are read as Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        data, first_bad = data[3:], first_bad - 3
    start = data.rfind(b"\n", 0, first_bad) + 1
    parts = [data[:start].decode("utf-8")]
    fallback: list[int] = []
    number = len(data[:start].splitlines()) + 1
    for line in data[start:].splitlines(keepends=True):
        try:
            parts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            parts.append(_windows_1252_line(path, line, number))
            fallback.append(number)
        # bytes.splitlines breaks at \r, \n and \r\n only: the csv module's line ends
        number += 1
    return "".join(parts), [_fallback_note(path, fallback)]


def _windows_1252_line(path: Path, line: bytes, number: int) -> str:
    try:
        text = line.decode("cp1252")
    except UnicodeDecodeError:
        raise SheetError(
            f"{describe_file(path)}: line {number:,} is neither UTF-8 nor Windows-1252 text; "
            "save the file as 'CSV UTF-8' and open it again"
        ) from None
    if not _CONTROLS.isdisjoint(text):
        raise SheetError(
            f"{describe_file(path)} is not a text file (line {number:,} holds control "
            "characters), so it cannot be read as CSV"
        )
    return text


def _fallback_note(path: Path, lines: list[int]) -> str:
    numbers = [f"{n:,}" for n in lines[:5]]
    if len(lines) > 5:
        numbers.append(plural(len(lines) - 5, "more line"))
    shown = ", ".join(numbers[:-1]) + " and " + numbers[-1] if len(numbers) > 1 else numbers[0]
    one = len(lines) == 1
    return (
        f"{path.name}: {'line' if one else 'lines'} {shown} {'is' if one else 'are'} not UTF-8: "
        f"read {'it' if one else 'them'} as Windows-1252 (check the accented letters there; "
        "save as 'CSV UTF-8' to avoid this)"
    )
