"""What the reader says about what it read: hidden sheets, Excel's phantom 29 February 1900,
files that are not what they seem (a FIFO, a link loop, a zip without a workbook)."""

from __future__ import annotations

import os
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from hubevents_gui.core.rows import Unreadable
from hubevents_gui.core.sheets import SheetError, choose_sheet, open_sheet, read_table
from tests.helpers import HEADER, Rows, write_xlsx

ROW = ["acme", "1", "Launch", "Acme"]


def error_of(path: Path, sheet: str | None = None) -> str:
    with pytest.raises(SheetError) as caught:
        read_table(path, sheet)
    return str(caught.value)


def workbook(path: Path, sheets: dict[str, tuple[str, Rows]]) -> Path:
    """A workbook of sheets name -> (state: visible / hidden / veryHidden, rows)."""
    book = Workbook()
    first = True
    for name, (state, rows) in sheets.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = name
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# ---------------------------------------------------------------- hidden sheets


def test_a_visible_sheet_of_events_wins_over_a_hidden_one(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "h.xlsx",
        {"Old": ("hidden", [HEADER, ["old", *ROW[1:]]]), "Events": ("visible", [HEADER, ROW])},
    )
    table = read_table(path)  # was: "several sheets of events ('Old', 'Events'): choose one"
    assert table.sheet == "Events"
    assert table.notes == []


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_never_read_without_saying_so(tmp_path: Path, state: str) -> None:
    path = workbook(
        tmp_path / "h.xlsx",
        {"Cover": ("visible", [["Quarterly events"]]), "Data": (state, [HEADER, ROW])},
    )
    table = read_table(path)
    assert table.sheet == "Data"
    assert table.notes == ["read the hidden sheet 'Data': no visible sheet holds events"]
    named = read_table(path, "Data")
    assert named.notes == ["sheet 'Data' is hidden in the workbook"]


def test_hidden_sheets_offered_for_a_choice_are_marked(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "h.xlsx",
        {
            "Cover": ("visible", [["Quarterly events"]]),
            "North": ("hidden", [HEADER, ROW]),
            "South": ("veryHidden", [HEADER, ROW]),
        },
    )
    choice = choose_sheet(path)
    assert choice.raw is None
    assert (choice.candidates, choice.hidden) == (["North", "South"], ["North", "South"])
    with pytest.raises(SheetError, match=r"\('North' \(hidden\), 'South' \(hidden\)\)"):
        open_sheet(path)


# ---------------------------------------------------------------- serial 60


def dated(path: Path, serials: list[tuple[object, str | None]], *, date1904: bool = False) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    if date1904:
        book.epoch = datetime(1904, 1, 1)
    sheet.append([*HEADER, "Start", "custom:seats"])
    for i, (serial, number_format) in enumerate(serials, start=2):
        sheet.append([*ROW[:1], str(i), *ROW[2:], serial, 60])
        if number_format:
            sheet.cell(row=i, column=5).number_format = number_format
    book.save(path)
    return path


def test_excels_29_february_1900_is_flagged(tmp_path: Path) -> None:
    path = dated(
        tmp_path / "d.xlsx",
        [(60, "yyyy-mm-dd"), (60.75, "yyyy-mm-dd hh:mm"), (59, "yyyy-mm-dd"), (61, "yyyy-mm-dd")],
    )
    phantom, evening, day_before, day_after = read_table(path).rows
    for row, text in ((phantom, "1900-02-29 00:00"), (evening, "1900-02-29 18:00")):
        cell = row.cell("startDateTime")  # was: 1900-02-28, silently
        assert isinstance(cell, Unreadable)
        assert cell.text == text
        assert cell.reason.startswith("Excel's 29 February 1900 does not exist")
        assert cell.reason.endswith("enter the real date")
        assert row.custom == {"seats": "60"}  # a number 60 is no date
    assert day_before.values["startDateTime"] == datetime(1900, 2, 28)
    assert day_after.values["startDateTime"] == datetime(1900, 3, 1)


def test_serial_60_in_a_1904_workbook_is_a_real_day(tmp_path: Path) -> None:
    path = dated(tmp_path / "d.xlsx", [(datetime(1904, 3, 1), "yyyy-mm-dd")], date1904=True)
    assert b'date1904="1"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    assert read_table(path).rows[0].values["startDateTime"] == datetime(1904, 3, 1)


# ---------------------------------------------------------------- what a file really is


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    assert error_of(tmp_path / "pipe.csv") == (  # was: "is empty (0 bytes)"
        "'pipe.csv' is a named pipe (FIFO), not a file: save the table as a file and open that"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges there")
def test_a_link_that_loops(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").symlink_to(tmp_path / "b.xlsx")
    (tmp_path / "b.xlsx").symlink_to(tmp_path / "a.xlsx")
    assert error_of(tmp_path / "a.xlsx").startswith(  # was: "no such file"
        "'a.xlsx' is a symbolic link that leads back to itself"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges there")
def test_a_link_to_nothing(tmp_path: Path) -> None:
    (tmp_path / "gone.csv").symlink_to(tmp_path / "moved.csv")
    assert error_of(tmp_path / "gone.csv") == (
        f"'gone.csv' is a link to a file that does not exist ({tmp_path / 'moved.csv'})"
    )


def test_an_xlsx_without_its_workbook_part(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx", [HEADER, ROW])
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(tmp_path / "part.xlsx", "w") as cut:
        for info in source.infolist():
            if info.filename != "xl/workbook.xml":
                cut.writestr(info, source.read(info))
    assert error_of(tmp_path / "part.xlsx") == (  # was: "has no worksheets"
        "'part.xlsx' is not a readable .xlsx workbook: it has no workbook part (xl/workbook.xml)"
    )


def test_a_word_document_named_xlsx(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "letter.xlsx", "w") as doc:
        doc.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        doc.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        doc.writestr("word/document.xml", "<w:document/>")
    assert error_of(tmp_path / "letter.xlsx").endswith("it is a Word document")


# ---------------------------------------------------------------- the rest of what is said


def test_many_ignored_columns_are_counted_not_listed(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "w.xlsx",
        [[*HEADER, *(f"x{i}" for i in range(40))], [*ROW, *("v" for _ in range(40))]],
    )
    note = read_table(path).notes[-1]
    assert "are not event fields, so they are not sent to HubSpot: 'x0', 'x1'" in note
    assert "'x11' and 28 more (they stay in result files" in note
    assert note.startswith("40 columns")


def test_peeking_at_a_sheet_never_raises_and_reading_it_still_does(tmp_path: Path) -> None:
    path = tmp_path / "stray.csv"
    path.write_text(",".join(HEADER) + "\na,1,n,o\n" + "a,2,n,o" + ",x" * 200 + "\n")
    raw = open_sheet(path)
    assert raw.peek(3) == [["a", "1", "n", "o"]]  # the mapping dialog's sample
    with pytest.raises(
        SheetError, match=r"more than 100 untitled columns .*\(the next at stray!DA3\)"
    ):
        read_table(path)
