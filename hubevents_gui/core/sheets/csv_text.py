"""Text tables (.csv .tsv .txt): decoding, the delimiter, and the raw rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hubevents_gui.core.sheets.raw import (
    RawSheet,
    SheetError,
    describe_file,
    non_empty,
    trim_header,
)


def _decode_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    if b"\x00" in data[:65536]:
        raise SheetError(
            f"{describe_file(path)} is not a text file, so it cannot be read as CSV "
            "(is it a workbook with the wrong extension?)"
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SheetError(
            f"{describe_file(path)} is neither UTF-8 nor Windows-1252 text; "
            "save it as 'CSV UTF-8' and open it again"
        ) from None
    # control characters other than tab/newline mean binary data that happened to decode
    if any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text[:65536]):
        raise SheetError(f"{describe_file(path)} is not a text file, so it cannot be read as CSV")
    return text, [
        f"{path.name} is not UTF-8: read it as Windows-1252 (check accented letters; "
        "save as 'CSV UTF-8' to avoid this)"
    ]


def _sniff_delimiter(text: str) -> str:
    sample_lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not sample_lines:
        return ","
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        counts = []
        for line in sample_lines:
            reader = csv.reader([line], delimiter=delimiter)
            counts.append(len(next(reader, [])) - 1)
        # a delimiter that splits the header and splits most lines alike wins
        score = counts[0] * 2 + sum(1 for c in counts if c == counts[0] and c > 0)
        if counts[0] > 0 and score > best_score:
            best, best_score = delimiter, score
    return best


def open_csv(path: Path) -> RawSheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"{describe_file(path)} cannot be read: {exc.strerror or exc}") from None
    text, notes = _decode_text(path, data)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    header: list[str] | None = None
    try:
        for cells in reader:
            number += 1
            if non_empty(cells):
                header = cells
                break
    except csv.Error as exc:
        raise SheetError(
            f"{describe_file(path)}: row {number + 1} is not valid CSV ({exc})"
        ) from None
    if header is None:
        raise SheetError(f"{describe_file(path)} has no rows (only blank lines)")
    headers, offset = trim_header(header)

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        row_number = number
        try:
            for cells in reader:
                row_number += 1
                yield row_number, cells[offset:] if offset else cells
        except csv.Error as exc:
            raise SheetError(
                f"{describe_file(path)}: row {row_number + 1} is not valid CSV ({exc})"
            ) from None

    return RawSheet(path, None, headers, number, offset, data_rows(), notes)
