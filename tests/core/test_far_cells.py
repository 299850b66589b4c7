"""Workbooks whose cells lie far apart: read with memory that follows the cells they have, or
refused in one sentence; the process never dies.

A reader that lays such a sheet out as a block aborts the interpreter (XFD1048576) or takes a
gigabyte (XFD2000), so these reads run in a child process with its memory capped: on a reader
that blows up, the test fails instead of the suite dying.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from hubevents_gui.core.sheets import read_table
from tests.conftest import REPO
from tests.helpers import HEADER, write_xlsx

ROW = ["acme", "1", "Launch", "Acme"]

CHILD = r"""
import json, resource, sys
limit = int(sys.argv[2]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from hubevents_gui.core.sheets import SheetError, read_table
try:
    table = read_table(sys.argv[1])
except SheetError as exc:
    out = {"error": str(exc)}
else:
    out = {
        "rows": [r.source_row for r in table.rows],
        "extras": table.extra_headers,
        "notes": table.notes,
        "far": [r.extras for r in table.rows],
    }
# this process's own peak: ru_maxrss would count the parent it was forked from (pytest,
# hundreds of MB under coverage), as Linux keeps it across exec; VmHWM is the new image's
try:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
    out["peak_mb"] = int(hwm.split()[1]) / 1024
except (OSError, IndexError):
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out, default=str))
"""


def read_in_child(path: Path, limit_mb: int = 1500) -> dict[str, Any]:
    """read_table in a child capped at ``limit_mb`` of address space: what it read, its peak."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(limit_mb)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"the reader died ({done.returncode}): {done.stderr[-600:]}"
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def with_stray_cell(path: Path, where: str, *, sheet_rows: int = 1) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(HEADER)
    for i in range(sheet_rows):
        sheet.append([ROW[0], str(i + 1), *ROW[2:]])
    sheet[where] = "stray"
    workbook.save(path)
    return path


@pytest.mark.parametrize("far", ["XFD1048576", "XFD2000", "A1048576"])
def test_one_stray_cell_costs_one_cell(tmp_path: Path, far: str) -> None:
    path = with_stray_cell(tmp_path / "stray.xlsx", far)
    assert path.stat().st_size < 10_000
    result = read_in_child(path)
    assert "error" not in result
    assert result["peak_mb"] < 300  # was: abort (exit 134) at XFD1048576, 1 GB at XFD2000
    number = int(re.sub("[A-Z]", "", far))
    assert result["rows"] == [2, number]  # the stray cell's row shows up, to be fixed
    if not far.startswith("A"):
        column = re.sub(r"\d", "", far)
        assert result["extras"] == [f"Column {column}"]
        assert result["far"] == [[], ["stray"]]
        assert any(far in note and "cell by cell" in note for note in result["notes"])


def test_a_dimension_that_lies_does_not_hide_a_far_cell(tmp_path: Path) -> None:
    path = with_stray_cell(tmp_path / "lie.xlsx", "XFD1048576")
    _rewrite_sheet(
        path, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:D2"', xml)
    )
    assert b'ref="A1:D2"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    result = read_in_child(path)
    assert result["rows"] == [2, 1048576]


def test_cells_without_references_are_placed_by_counting(tmp_path: Path) -> None:
    path = with_stray_cell(tmp_path / "bare.xlsx", "XFD1048576")
    # cells may leave out r="..."; a row's first such cell is then its column A
    _rewrite_sheet(
        path,
        lambda xml: xml.replace(b'<row r="2"', b'<row r="2" spans="1:4"').replace(
            b'<c r="A2"', b"<c"
        ),
    )
    result = read_in_child(path)
    assert result["rows"] == [2, 1048576]
    assert result["peak_mb"] < 300


def _rewrite_sheet(path: Path, change: object) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_a_far_flung_sheet_reads_the_same_values_as_a_compact_one(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [*HEADER, "Start", "Cancelled", "custom:seats", "Notes"],
        ["acme", 42, "Launch & <party>", "Acme", datetime(2026, 3, 4, 9, 30), True, 12.5, " x "],
        ["acme", "00123", "Café – Tag", "Acme", date(2026, 3, 5), False, None, "kept"],
        ["acme", 7, "  spaced  ", "Acme", "2026-03-06 10:00", "no", 0, ""],
    ]
    compact = read_table(write_xlsx(tmp_path / "compact.xlsx", rows))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    sheet["A300000"] = "stray"  # far enough to be read cell by cell, near enough for any reader
    workbook.save(tmp_path / "far.xlsx")
    far = read_table(tmp_path / "far.xlsx")
    assert any("cell by cell" in note for note in far.notes)
    # a row keeps only the extras it has: a missing one is blank
    assert [(r.values, r.custom, r.bad, r.extras[:1] or ("",)) for r in far.rows[:3]] == [
        (r.values, r.custom, r.bad, r.extras[:1] or ("",)) for r in compact.rows
    ]


def test_merged_cells_in_a_far_flung_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = with_stray_cell(tmp_path / "merged.xlsx", "A600000", sheet_rows=2)
    workbook = load_workbook(path)
    workbook.active.merge_cells("D2:D3")
    workbook.save(path)
    table = read_table(path)
    assert any("cell by cell" in note for note in table.notes)
    assert "merged cells Sheet1!D2:D3" in table.rows[1].bad["eventOrganizer"].reason


def test_a_value_far_out_in_an_ods_sheet_is_refused_naming_it(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    def cell(text: str) -> TableCell:
        made = TableCell(valuetype="string")
        made.addElement(P(text=text))
        return made

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Events")
    for values in (HEADER, ROW):
        row = TableRow()
        for value in values:
            row.addElement(cell(value))
        table.addElement(row)
    table.addElement(TableRow(numberrowsrepeated=1997))
    far = TableRow()
    far.addElement(TableCell(numbercolumnsrepeated=9999))
    far.addElement(cell("stray"))
    table.addElement(far)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "far.ods"))
    result = read_in_child(tmp_path / "far.ods")
    # was: read as a 20-million-cell block (1.3 GB); at XFD1048576 "not a readable .ods"
    assert str(result["error"]).startswith(
        "'far.ods': sheet 'Events' has a value at NTP2000, far from its other cells"
    )
    assert result["peak_mb"] < 300


def test_a_value_far_out_in_an_xls_sheet_is_refused_naming_it(tmp_path: Path) -> None:
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Events")
    for row, values in enumerate((HEADER, ROW)):
        for column, value in enumerate(values):
            sheet.write(row, column, value)
    sheet.write(65535, 255, "stray")  # the far corner of an .xls: IV65536
    workbook.save(str(tmp_path / "far.xls"))
    result = read_in_child(tmp_path / "far.xls")
    # was: read as a 16.7-million-cell block, 1 GB and 3.8 s for a 6 KB file
    assert str(result["error"]).startswith(
        "'far.xls': sheet 'Events' has a value at IV65536, far from its other cells"
    )
    assert result["peak_mb"] < 300
