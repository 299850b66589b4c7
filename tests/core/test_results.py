"""Result workbooks give back what the user had: cell types, text as text (never a formula),
characters a workbook cannot hold escaped, and headers in the style of the user's."""

from __future__ import annotations

import os
import stat
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import python_calamine
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from hubevents_gui.core.results import add_result_columns, write_results
from hubevents_gui.core.rows import EventRow, EventTable, RowId
from hubevents_gui.core.sheets import read_table
from tests.helpers import HEADER, write_csv

COLUMNS = [*HEADER, "Start", "Cancelled", "custom:expected_attendees", "custom:score", "Notes"]
START = datetime(2026, 3, 10, 16, 0)


def created(_row: EventRow) -> tuple[str, str, str]:
    return "created", "5150", ""


def sample(tmp_path: Path, *rows: list[object]) -> Path:
    """An .xlsx with a styled header, as a user's workbook would have."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Events"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="FF7A59")
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["I"].width = 30
    workbook.save(tmp_path / "events.xlsx")
    return tmp_path / "events.xlsx"


def typed_row(event_id: object = "WEB-1") -> list[object]:
    return ["acme", event_id, "Launch", "Acme", START, True, 850, 12.5, "Recorded"]


def cells_of(path: Path, row: int, sheet: str = "Events") -> list[Any]:
    return [c for c in load_workbook(path)[sheet][row]]


def calamine_rows(path: Path, sheet: str = "Events") -> list[list[Any]]:
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_name(sheet).to_python()


@pytest.mark.parametrize("write", [write_results, add_result_columns])
def test_cells_the_user_did_not_edit_keep_their_type(tmp_path: Path, write: Any) -> None:
    source = sample(tmp_path, typed_row(), typed_row(1001))
    table = read_table(source)
    out = tmp_path / "out.xlsx"
    write(table, table.rows, created, out)
    first = cells_of(out, 2)
    assert [c.value for c in first[:9]] == [
        "acme",
        "WEB-1",
        "Launch",
        "Acme",
        START,
        True,
        850,
        12.5,
        "Recorded",
    ]
    assert first[4].is_date
    assert (first[5].data_type, first[6].data_type, first[7].data_type) == ("b", "n", "n")
    assert isinstance(first[6].value, int)  # calamine's 850.0 is the whole number again
    assert cells_of(out, 3)[1].value == 1001  # a numeric id cell stays a number cell


@pytest.mark.parametrize("write", [write_results, add_result_columns])
def test_edited_cells_carry_the_edited_value_with_its_type(tmp_path: Path, write: Any) -> None:
    source = sample(tmp_path, typed_row())
    table = read_table(source)
    row = table.rows[0]
    row.set_cell("custom:expected_attendees", "900")  # typed into a number cell
    row.set_cell("custom:score", "high")  # no longer a number
    row.set_cell("startDateTime", datetime(2026, 4, 1, 9, 30))
    row.set_cell("eventCancelled", False)
    row.set_cell("eventName", "0042")
    out = tmp_path / "out.xlsx"
    write(table, table.rows, created, out)
    cells = cells_of(out, 2)
    assert [c.value for c in cells[2:8]] == [
        "0042",
        "Acme",
        datetime(2026, 4, 1, 9, 30),
        False,
        900,
        "high",
    ]
    assert cells[4].is_date
    assert cells[2].data_type == "s"
    # and read again, the workbook gives the edited values
    again = read_table(out).rows[0]
    assert again.custom == {"expected_attendees": "900", "score": "high"}
    assert again.values["eventName"] == "0042"


def test_csv_text_comes_back_as_it_was_typed(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "events.csv",
        [
            [*HEADER, "Start", "Cancelled", "custom:expected_attendees"],
            ["acme", "007", "Launch", "Acme", "04/03/2026 09:30", "yes", "850"],
        ],
    )
    table = read_table(source, day_first=True)  # read as 4 March, as a European user would
    out = tmp_path / "out.xlsx"
    write_results(table, table.rows, created, out)
    values = [c.value for c in cells_of(out, 2, "Results")]
    # text stays the text typed: numbers-as-text re-import as the same values, dates keep form
    assert values[:7] == ["acme", "007", "Launch", "Acme", "04/03/2026 09:30", "yes", "850"]
    table.rows[0].set_cell("startDateTime", datetime(2026, 3, 5, 9, 30))
    write_results(table, table.rows, created, out)
    edited = cells_of(out, 2, "Results")[4]
    assert (edited.value, edited.is_date) == (datetime(2026, 3, 5, 9, 30), True)


def test_date_text_in_a_workbook_is_not_reformatted(tmp_path: Path) -> None:
    source = sample(
        tmp_path, ["acme", "W", "Launch", "Acme", "10 March 2026 16:00", "TRUE", 1, 2, ""]
    )
    table = read_table(source)
    assert table.rows[0].values["startDateTime"] == START
    for write in (write_results, add_result_columns):
        write(table, table.rows, created, tmp_path / "out.xlsx")
        cells = cells_of(tmp_path / "out.xlsx", 2)
        assert (cells[4].value, cells[5].value) == ("10 March 2026 16:00", "TRUE")


@pytest.mark.parametrize("write", [write_results, add_result_columns])
def test_text_is_never_written_as_a_formula_or_an_error(tmp_path: Path, write: Any) -> None:
    link = '=HYPERLINK("https://evil.example","click")'
    source = sample(tmp_path, typed_row())
    table = read_table(source)
    table.rows[0].set_cell("eventName", link)
    table.rows[0].set_cell("eventOrganizer", "#N/A")
    out = tmp_path / "out.xlsx"
    write(table, table.rows, lambda _r: ("failed", "", "=1+1"), out)
    cells = cells_of(out, 2)
    assert [(c.value, c.data_type) for c in cells[2:4]] == [(link, "s"), ("#N/A", "s")]
    message = cells[-1]
    assert (message.value, message.data_type) == ("=1+1", "s")
    assert calamine_rows(out)[1][2:4] == [link, "#N/A"]


def test_unedited_formulas_and_cells_are_left_alone_in_the_users_workbook(tmp_path: Path) -> None:
    source = sample(tmp_path, typed_row())
    workbook = load_workbook(source)
    sheet = workbook["Events"]
    sheet["I2"] = "=1+1"  # a formula in a carried column ...
    sheet["G2"].number_format = "#,##0"  # ... and the user's number format
    workbook.save(source)
    table = read_table(source)
    add_result_columns(table, table.rows, created, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx")["Events"]
    assert (sheet["I2"].value, sheet["I2"].data_type) == ("=1+1", "f")
    assert (sheet["G2"].value, sheet["G2"].number_format) == (850, "#,##0")


def test_result_headers_look_like_the_users_header(tmp_path: Path) -> None:
    source = sample(tmp_path, typed_row())
    table = read_table(source)
    add_result_columns(table, table.rows, created, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx")["Events"]
    user = sheet.cell(1, 9)
    for column in (10, 11, 12):
        head = sheet.cell(1, column)
        assert head.font.b
        assert head.font.color.rgb == user.font.color.rgb
        assert head.fill.fgColor.rgb == user.fill.fgColor.rgb
        assert sheet.column_dimensions[head.column_letter].width == 30
    assert [sheet.cell(1, c).value for c in (10, 11, 12)] == ["Status", "HubSpot ID", "Message"]


@pytest.mark.parametrize("write", [write_results, add_result_columns])
def test_characters_a_workbook_cannot_hold_are_written_escaped(tmp_path: Path, write: Any) -> None:
    # Excel writes a vertical tab (its in-cell break in some exports) as _x000B_
    source = sample(
        tmp_path, ["acme", "W", "Line one_x000B_line two", "Acme", START, True, 1, 2, "x"]
    )
    table = read_table(source)
    assert table.rows[0].values["eventName"] == "Line one\x0bline two"
    table.rows[0].set_cell("eventOrganizer", "Ac\x00me\r")
    out = tmp_path / "out.xlsx"
    write(table, table.rows, lambda _r: ("failed", "", "bad\x0bbyte"), out)
    assert calamine_rows(out)[1][2:4] == ["Line one\x0bline two", "Ac\x00me\r"]
    cells = cells_of(out, 2)
    assert cells[3].value == "Ac_x0000_me_x000D_"  # what a reader that does not decode shows
    assert read_table(out).rows[0].values["eventName"] == "Line one\x0bline two"


def test_rows_made_in_the_app_and_tables_without_a_file_are_written(tmp_path: Path) -> None:
    row = EventRow(
        1,  # type: ignore[arg-type]
        None,
        {"externalEventId": "1", "startDateTime": START, "eventCancelled": True},
        {"size": "850"},
    )
    table = EventTable(None, None, [row], custom_names=["size"])
    write_results(table, table.rows, created, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx")["Results"]
    values = [c.value for c in sheet[2]]
    # no source cell says it was a number: the text stays text
    assert values == ["1", START, True, "850", "created", "5150", None]


def test_date_only_cells_stay_date_cells(tmp_path: Path) -> None:
    source = sample(tmp_path, ["acme", "W", "n", "o", date(2026, 3, 10), True, 1, 2, ""])
    table = read_table(source)
    write_results(table, table.rows, created, tmp_path / "out.xlsx")
    cell = cells_of(tmp_path / "out.xlsx", 2)[4]
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd"


def test_rows_added_in_the_app_go_below_the_users_rows_with_their_outcome(
    tmp_path: Path,
) -> None:
    source = sample(tmp_path, typed_row(), typed_row(1001))
    table = read_table(source)
    added = EventRow(RowId(10_000), None, extras=("",))
    for key, value in (
        ("externalAccountId", "acme"),
        ("externalEventId", "NEW-1"),
        ("eventName", "Added in the app"),
        ("eventOrganizer", "Acme"),
    ):
        added.set_cell(key, value)
    table.rows.append(added)
    add_result_columns(table, table.rows, created, tmp_path / "out.xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx")["Events"]
    assert sheet.max_row == 4
    assert [sheet.cell(4, c).value for c in range(1, 5)] == [
        "acme",
        "NEW-1",
        "Added in the app",
        "Acme",
    ]
    assert [sheet.cell(4, c).value for c in (10, 11)] == ["created", "5150"]
    assert sheet.cell(3, 2).value == 1001  # the user's rows stay where they were


@pytest.mark.skipif(os.name == "nt", reason="POSIX links and modes")
def test_results_written_through_a_link_reach_the_real_workbook_and_keep_its_mode(
    tmp_path: Path,
) -> None:
    real = sample(tmp_path, typed_row())
    real.chmod(0o644)
    table = read_table(real)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    add_result_columns(table, table.rows, created, link)
    assert link.is_symlink()  # still a link, to the workbook that now has the results
    assert load_workbook(real)["Events"].cell(2, 10).value == "created"
    assert stat.S_IMODE(real.stat().st_mode) == 0o644  # not the temporary file's 0600
    hard = tmp_path / "hard.xlsx"
    os.link(real, hard)
    add_result_columns(table, table.rows, lambda _r: ("updated", "5150", ""), hard)
    assert real.stat().st_ino == hard.stat().st_ino  # one file, both names
    assert load_workbook(real)["Events"].cell(2, 10).value == "updated"
    fresh = tmp_path / "fresh.xlsx"
    write_results(table, table.rows, created, fresh)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask
