"""Workbooks (.xlsx .xlsm .xls .ods) through python-calamine: sheets, headers, merged cells,
and the one policy that chooses which sheet holds the events."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from hubevents_gui.core.fields import REQUIRED_COLUMNS, custom_property_name, field_for_header
from hubevents_gui.core.rows import column_letter
from hubevents_gui.core.sheets.formulas import formulas_without_values
from hubevents_gui.core.sheets.raw import (
    RawSheet,
    SheetError,
    describe_file,
    non_empty,
    trim_header,
)


def open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise SheetError(
            f"{describe_file(path)} is password-protected: save a copy without a password "
            "and open that"
        ) from None
    except PermissionError:
        raise SheetError(f"{describe_file(path)} cannot be read: permission denied") from None
    except OSError as exc:
        raise SheetError(f"{describe_file(path)} cannot be read: {exc.strerror or exc}") from None
    except Exception:  # noqa: BLE001 - calamine raises ZipError, XmlError, CalamineError...
        raise SheetError(
            f"{describe_file(path)} is not a readable {path.suffix.lower()} workbook "
            "(it may be damaged, or another kind of file renamed)"
        ) from None


def header_score(headers: Sequence[str]) -> tuple[bool, int]:
    """(all required columns present, number of known columns) for choosing a sheet."""
    keys = {f.key for h in headers if (f := field_for_header(h)) is not None}
    customs = sum(1 for h in headers if custom_property_name(h) is not None)
    return all(f.key in keys for f in REQUIRED_COLUMNS), len(keys) + customs


def _sheet_header(
    path: Path,
    workbook: python_calamine.CalamineWorkbook,
    name: str,
    *,
    must_have_rows: bool,
) -> RawSheet | None:
    try:
        sheet = workbook.get_sheet_by_name(name)
    except Exception:  # noqa: BLE001 - as above: any calamine failure is one sentence
        raise SheetError(f"{describe_file(path)}: sheet {name!r} cannot be read") from None
    start = sheet.start
    if start is None:
        if must_have_rows:
            raise SheetError(f"{describe_file(path)}: sheet {name!r} is empty")
        return None
    start_column = start[1]
    # iter_rows yields rows from the sheet's first row, cells from its first used column
    rows = sheet.iter_rows()
    header: list[Any] | None = None
    header_index = 0
    for index, cells in enumerate(rows):
        if non_empty(cells):
            header, header_index = cells, index
            break
    if header is None:
        if must_have_rows:
            raise SheetError(f"{describe_file(path)}: sheet {name!r} is empty")
        return None
    headers, offset = trim_header(header)
    first_column = start_column + offset
    raw = RawSheet(
        file=path,
        sheet=name,
        headers=headers,
        header_row=header_index + 1,
        first_column=first_column,
        rows=_slice_rows(rows, header_index + 1, offset, len(headers)),
    )
    _check_merged(raw, sheet.merged_cell_ranges or [])
    return raw


def _scan_formulas_beside(raw: RawSheet) -> Callable[[], None]:
    """Start the formula scan on another thread; the returned call waits and records it.

    The scan inflates the sheet's XML a second time (calamine does not say which cells are
    formulas); zlib releases the GIL, so on a second core it costs the read almost nothing.
    """
    found: dict[tuple[int, int], str] = {}
    assert raw.sheet is not None
    sheet_name = raw.sheet

    def scan() -> None:
        found.update(formulas_without_values(raw.file, sheet_name))

    thread = threading.Thread(target=scan, name="hubevents-formula-scan", daemon=True)
    thread.start()

    def record() -> None:
        thread.join()
        for (row0, col0), formula in found.items():
            column = col0 - raw.first_column
            if row0 + 1 > raw.header_row and column >= 0:
                raw.bad_cells[(row0 + 1, column)] = (
                    f"the formula ={formula} has no saved value: open the file in Excel or "
                    "LibreOffice, let it calculate, save, and open it again"
                )

    return record


def _slice_rows(
    rows: Iterator[list[Any]], first_number: int, offset: int, width: int
) -> Iterator[tuple[int, list[Any]]]:
    number = first_number
    for cells in rows:
        number += 1
        if offset:
            cells = cells[offset:]
        # cells right of the header are kept only when something is there
        if len(cells) > width and not non_empty(cells[width:]):
            cells = cells[:width]
        yield number, cells


def _check_merged(raw: RawSheet, ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    prefix = raw.location_prefix
    for (r0, c0), (r1, c1) in ranges:
        span = f"{prefix}!{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        if r0 + 1 <= raw.header_row <= r1 + 1:
            raise SheetError(
                f"{describe_file(raw.file)}: the header row has merged cells at {span}; "
                "unmerge them so every column has its own header"
            )
        for row0 in range(max(r0, raw.header_row), r1 + 1):
            for col0 in range(c0, c1 + 1):
                if (row0, col0) == (r0, c0):
                    continue
                column = col0 - raw.first_column
                if column >= 0:
                    raw.bad_cells[(row0 + 1, column)] = (
                        f"part of the merged cells {span}: unmerge them and give each row "
                        "its own value"
                    )


@dataclass
class SheetChoice:
    """What opening a file found: the sheet to read, or the sheets a user must choose from."""

    raw: RawSheet | None = None
    #: when ``raw`` is None: the sheets that hold events, in workbook order
    candidates: list[str] = field(default_factory=list)


def worksheet_names(workbook: python_calamine.CalamineWorkbook) -> list[str]:
    return [
        meta.name
        for meta in workbook.sheets_metadata
        if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]


def choose_workbook_sheet(path: Path, wanted: str | None) -> SheetChoice:
    """The one sheet-choosing policy, for the window and the command line alike.

    ``wanted`` is read as asked. Otherwise: the only non-empty sheet; else the only sheet with
    every required column; else, when several sheets name event columns, the user chooses
    among them; else the one sheet that names any, or the first non-empty sheet (the mapping
    step then says what is missing). The chosen sheet is opened once, here.
    """
    workbook = open_workbook(path)
    try:
        names = worksheet_names(workbook)
        if wanted is not None:
            if wanted not in names:
                raise SheetError(
                    f"{describe_file(path)} has no sheet named {wanted!r}; "
                    f"its sheets are: {', '.join(names) or 'none'}"
                )
            raw = _sheet_header(path, workbook, wanted, must_have_rows=True)
            assert raw is not None
            return SheetChoice(_with_checks(raw))
        if not names:
            raise SheetError(f"{describe_file(path)} has no worksheets")
        found: list[tuple[tuple[bool, int], RawSheet]] = []
        unreadable: list[str] = []
        for name in names:
            try:
                raw = _sheet_header(path, workbook, name, must_have_rows=False)
            except SheetError as exc:  # a cover sheet with a merged title: not the events
                unreadable.append(str(exc))
                continue
            if raw is not None:
                found.append((header_score(raw.headers), raw))
    finally:
        # the rows are already in Python lists; the Rust workbook can go
        workbook.close()
    if not found and unreadable:
        raise SheetError(unreadable[0])
    if not found:
        if len(names) == 1:
            raise SheetError(f"{describe_file(path)}: sheet {names[0]!r} is empty")
        raise SheetError(f"{describe_file(path)}: every sheet is empty")
    complete = [raw for (full, _), raw in found if full]
    naming = [raw for (_, known), raw in found if known]
    events = complete if len(complete) == 1 else (complete or naming)
    if len(events) > 1:
        return SheetChoice(None, [str(raw.sheet) for raw in events])
    return SheetChoice(_with_checks(events[0] if events else found[0][1]))


def _with_checks(raw: RawSheet) -> RawSheet:
    """Start the checks that run beside the read (the formula scan of an .xlsx sheet)."""
    if raw.file.suffix.lower() in (".xlsx", ".xlsm"):
        raw.pending.append(_scan_formulas_beside(raw))
    return raw
