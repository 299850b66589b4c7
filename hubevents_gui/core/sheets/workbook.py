"""Workbooks (.xlsx .xlsm .xls .ods) through python-calamine: opening, a sheet's header and
rows, merged cells, the checks beside the read; far-flung .xlsx sheets cell by cell."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import python_calamine

from hubevents_gui.core.rows import column_letter
from hubevents_gui.core.sheets.extent import Extent, xlsx_extent
from hubevents_gui.core.sheets.formulas import CellFindings, scan_cells
from hubevents_gui.core.sheets.ods_extent import ods_extents
from hubevents_gui.core.sheets.raw import (
    RawSheet,
    SheetError,
    describe_file,
    fit_rows,
    fit_sparse_rows,
    non_empty,
    trim_header,
)
from hubevents_gui.core.sheets.sparse import MergedRange, merged_ranges, read_cells
from hubevents_gui.core.sheets.xls_extent import xls_extents
from hubevents_gui.core.sheets.xlsx_parts import missing_workbook

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    suffix = path.suffix.lower()
    # calamine lays out every sheet of an .ods or .xls as it opens the file
    if suffix == ".ods":
        _refuse_far_flung(path, ods_extents(path))
    elif suffix == ".xls":
        _refuse_far_flung(path, xls_extents(path))
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
        why = _not_a_workbook(path)
        raise SheetError(
            f"{describe_file(path)} is not a readable {path.suffix.lower()} workbook"
            + (f": {why}" if why else " (it may be damaged, or another kind of file renamed)")
        ) from None


def _refuse_far_flung(path: Path, extents: dict[str, Extent]) -> None:
    for name, extent in extents.items():
        if extent.sparse:
            raise SheetError(
                f"{describe_file(path)}: sheet {name!r} has a value at {extent.far_cell}, far "
                f"from its other cells, and reading it would take {_size(extent)}; delete "
                "the cells far out, save, and open it again"
            )


def _size(extent: Extent) -> str:
    gigabytes = extent.area * 64 / 1e9  # calamine's blocks of cells (and, for .ods, formulas)
    return f"about {gigabytes:,.0f} GB" if gigabytes >= 1 else "hundreds of megabytes"


def _not_a_workbook(path: Path) -> str | None:
    """What an .xlsx that is a zip but no workbook is (a Word document...), if that is it."""
    if path.suffix.lower() not in XLSX_SUFFIXES:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            return missing_workbook(archive)
    except (OSError, zipfile.BadZipFile):
        return None


def no_worksheets(path: Path) -> str:
    """Why a workbook in which calamine found no worksheet has none, in one sentence."""
    why = _not_a_workbook(path)
    if why is not None:
        return f"{describe_file(path)} is not a readable {path.suffix.lower()} workbook: {why}"
    return f"{describe_file(path)} has no worksheets"


def sheet_header(
    path: Path,
    workbook: python_calamine.CalamineWorkbook,
    name: str,
    *,
    must_have_rows: bool,
) -> RawSheet | None:
    """The sheet's header and its rows (None for an empty sheet unless ``must_have_rows``)."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        extent = xlsx_extent(path, name)
        if extent is not None and extent.sparse:
            return _sparse_header(path, name, extent, must_have_rows=must_have_rows)
    try:
        sheet = workbook.get_sheet_by_name(name)
    except Exception:  # noqa: BLE001 - as above: any calamine failure is one sentence
        raise SheetError(f"{describe_file(path)}: sheet {name!r} cannot be read") from None
    start = sheet.start
    header: list[Any] | None = None
    header_index = 0
    # iter_rows yields rows from the sheet's first row, cells from its first used column
    rows = sheet.iter_rows()
    if start is not None:
        for index, cells in enumerate(rows):
            if non_empty(cells):
                header, header_index = cells, index
                break
    if header is None or start is None:
        if must_have_rows:
            raise SheetError(f"{describe_file(path)}: sheet {name!r} is empty")
        return None
    headers, offset = trim_header(header)
    raw = RawSheet(path, name, headers, header_index + 1, start[1] + offset, iter(()))
    raw.rows = fit_rows(raw, _numbered(rows, header_index + 1, offset))
    _check_merged(raw, sheet.merged_cell_ranges or [])
    return raw


def _numbered(
    rows: Iterator[list[Any]], first_number: int, offset: int
) -> Iterator[tuple[int, list[Any]]]:
    number = first_number
    for cells in rows:
        number += 1
        yield number, cells[offset:] if offset else cells


def _sparse_header(
    path: Path, name: str, extent: Extent, *, must_have_rows: bool
) -> RawSheet | None:
    """An .xlsx sheet too far-flung for calamine: read cell by cell (see sparse.py)."""
    try:
        rows = read_cells(path, name)
        first = next((row for row in rows if non_empty([value for _, value in row[1]])), None)
        if first is None:
            if must_have_rows:
                raise SheetError(f"{describe_file(path)}: sheet {name!r} is empty")
            return None
        number, pairs = first
        start = pairs[0][0]
        cells: list[Any] = [""] * (pairs[-1][0] - start + 1)
        for column, value in pairs:
            cells[column - start] = value
        headers, offset = trim_header(cells)
        left = start + offset
        raw = RawSheet(path, name, headers, number, left, iter(()))
        raw.rows = fit_sparse_rows(
            raw, ((n, [(c - left, v) for c, v in cells_of]) for n, cells_of in rows)
        )
        _check_merged(raw, merged_ranges(path, name))
    except (OSError, zipfile.BadZipFile, ValueError, IndexError):
        raise SheetError(f"{describe_file(path)}: sheet {name!r} cannot be read") from None
    raw.notes.append(
        f"sheet {name!r} has a cell as far out as {extent.far_cell}, far from its other "
        "cells: it was read cell by cell"
    )
    return raw


def _check_merged(raw: RawSheet, ranges: list[MergedRange]) -> None:
    prefix = raw.location_prefix
    for (r0, c0), (r1, c1) in ranges:
        span = f"{prefix}!{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        if r0 + 1 <= raw.header_row <= r1 + 1:
            raise SheetError(
                f"{describe_file(raw.file)}: the header row has merged cells at {span}; "
                "unmerge them so every column has its own header"
            )
        # only the header's columns: merged cells far out cost no loop over the sheet's width
        width = len(raw.headers)
        for row0 in range(max(r0, raw.header_row), r1 + 1):
            for col0 in range(max(c0, raw.first_column), min(c1, raw.first_column + width - 1) + 1):
                if (row0, col0) == (r0, c0):
                    continue
                raw.bad_cells[(row0 + 1, col0 - raw.first_column)] = (
                    f"part of the merged cells {span}: unmerge them and give each row its own value"
                )


def with_checks(raw: RawSheet) -> RawSheet:
    """Start the checks that run beside the read (the cell scan of an .xlsx sheet)."""
    if raw.file.suffix.lower() in XLSX_SUFFIXES:
        raw.pending.append(_scan_cells_beside(raw))
    return raw


def _scan_cells_beside(raw: RawSheet) -> Callable[[], None]:
    """Start the cell scan on another thread; the returned call waits and records it.

    The scan inflates the sheet's XML a second time (calamine does not say which cells are
    formulas, nor which held serial 60); zlib releases the GIL, so on a second core it costs
    the read almost nothing.
    """
    found = CellFindings()
    assert raw.sheet is not None
    sheet_name = raw.sheet

    def scan() -> None:
        result = scan_cells(raw.file, sheet_name)
        found.formulas.update(result.formulas)
        found.serial_60.update(result.serial_60)

    thread = threading.Thread(target=scan, name="hubevents-cell-scan", daemon=True)
    thread.start()

    def record() -> None:
        thread.join()
        for (row0, col0), formula in found.formulas.items():
            column = col0 - raw.first_column
            if row0 + 1 > raw.header_row and 0 <= column < len(raw.headers):
                raw.bad_cells[(row0 + 1, column)] = (
                    f"the formula ={formula} has no saved value: open the file in Excel or "
                    "LibreOffice, let it calculate, save, and open it again"
                )
        for row0, col0 in found.serial_60:
            column = col0 - raw.first_column
            if row0 + 1 > raw.header_row and 0 <= column < len(raw.headers):
                raw.phantom_dates.add((row0 + 1, column))

    return record
