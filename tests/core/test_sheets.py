"""Reading every supported format, and every kind of bad input, into rows or one clear error."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

import pytest

from hubevents_gui.core.rows import Unreadable
from hubevents_gui.core.sheets import (
    SheetError,
    choose_sheet,
    guess_mapping,
    open_sheet,
    read_table,
)
from tests.helpers import HEADER, write_csv, write_ods, write_xls, write_xlsx

ROWS: list[list[object]] = [
    [*HEADER, "Start", "Cancelled", "custom:region", "Notes"],
    ["acme", 42, "Launch", "Acme", datetime(2026, 3, 4, 9, 30), True, "EMEA", "keep me"],
    ["acme", "00123", "Workshop", "Acme Academy", "2026-03-05T10:00:00Z", "no", "", ""],
]


def check_rows(path: Path, sheet: str | None = None) -> None:
    table = read_table(path, sheet)
    assert [r.source_row for r in table.rows] == [2, 3]
    first, second = table.rows
    assert first.values["externalEventId"] == "42"
    assert second.values["externalEventId"] == "00123"
    assert first.values["startDateTime"] == datetime(2026, 3, 4, 9, 30)
    start = second.values["startDateTime"]
    assert isinstance(start, datetime)
    assert start.tzinfo is not None
    assert first.values["eventCancelled"] is True
    assert second.values["eventCancelled"] is False
    assert first.custom == {"region": "EMEA"}
    assert second.custom == {}
    assert table.custom_names == ["region"]
    assert table.extra_headers == ["Notes"]
    assert first.extras == ("keep me",)
    assert any("'Notes'" in note for note in table.notes)


def test_xlsx(tmp_path: Path) -> None:
    check_rows(write_xlsx(tmp_path / "e.xlsx", ROWS))


def test_xlsm_is_read_like_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", ROWS)
    check_rows(path.rename(tmp_path / "e.xlsm"))


def test_xls(tmp_path: Path) -> None:
    check_rows(write_xls(tmp_path / "e.xls", ROWS))


def test_ods(tmp_path: Path) -> None:
    check_rows(write_ods(tmp_path / "e.ods", ROWS))


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(tmp_path: Path, delimiter: str) -> None:
    rows = [
        [*HEADER, "Start", "Cancelled", "custom:region", "Notes"],
        [
            "acme",
            "42",
            "Launch, the big one",
            "Acme",
            "2026-03-04 09:30",
            "TRUE",
            "EMEA",
            "keep me",
        ],
        ["acme", "00123", "Workshop", "Acme Academy", "2026-03-05T10:00:00Z", "no", "", ""],
    ]
    table = read_table(write_csv(tmp_path / "e.csv", rows, delimiter=delimiter))
    assert table.rows[0].values["eventName"] == "Launch, the big one"
    assert table.rows[0].values["startDateTime"] == datetime(2026, 3, 4, 9, 30)
    assert table.rows[1].values["externalEventId"] == "00123"
    assert table.sheet is None
    assert table.location_prefix == "e"


def test_csv_with_bom_reads_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    write_csv(path, [HEADER, ["a", "1", "n", "o"]], encoding="utf-8-sig")
    table = read_table(path)
    assert table.rows[0].values["externalAccountId"] == "a"
    assert not table.notes


def test_csv_in_cp1252_is_read_and_said(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    write_csv(path, [HEADER, ["a", "1", "Café Düsseldorf – Tag", "o"]], encoding="cp1252")
    table = read_table(path)
    assert table.rows[0].values["eventName"] == "Café Düsseldorf – Tag"
    assert any("Windows-1252" in note for note in table.notes)


def test_header_is_the_first_non_empty_row_and_columns_are_named_from_it(tmp_path: Path) -> None:
    path = tmp_path / "offset.xlsx"
    write_xlsx(
        path, [[], [], [None, None, *HEADER, "Event URL"], [None, None, "a", 1, "n", "o", "bad"]]
    )
    table = read_table(path)
    row = table.rows[0]
    assert row.source_row == 4
    assert table.cell_name(row, "eventUrl") == "Sheet1!G4"
    assert table.cell_name(row, "externalAccountId") == "Sheet1!C4"


@pytest.mark.parametrize("writer", [write_xls, write_ods])
def test_cell_names_in_legacy_formats(tmp_path: Path, writer: object) -> None:
    suffix = ".xls" if writer is write_xls else ".ods"
    path = writer(tmp_path / f"o{suffix}", [[], [None, *HEADER], [None, "a", 1, "n", "o"]])  # type: ignore[operator]
    table = read_table(path)
    assert table.cell_name(table.rows[0], "eventName") == "Sheet1!D3"


def test_blank_rows_are_skipped_but_numbers_kept(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "gaps.xlsx", [HEADER, ["a", 1, "n", "o"], [], ["a", 2, "m", "o"]])
    assert [r.source_row for r in read_table(path).rows] == [2, 4]


def test_default_sheet_is_the_first_with_event_headers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "multi.xlsx",
        {"Cover": [["Quarterly events"]], "Events": [HEADER, ["a", 1, "n", "o"]]},
    )
    choice = choose_sheet(path)
    assert choice.raw is not None
    assert choice.raw.sheet == "Events"
    assert read_table(path).sheet == "Events"


def test_a_named_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "multi.xlsx",
        {"A": [HEADER, ["a", 1, "n", "o"]], "B": [HEADER, ["b", 2, "m", "p"]]},
    )
    assert read_table(path, "B").rows[0].values["externalAccountId"] == "b"
    with pytest.raises(SheetError, match=r"no sheet named 'C'; its sheets are: A, B"):
        read_table(path, "C")


def test_guess_mapping() -> None:
    assert guess_mapping(["Event Name", "custom:tier", "Budget", ""]) == [
        "eventName",
        "custom:tier",
        None,
        None,
    ]


# ---------------------------------------------------------------- bad input: one clear sentence


def error_of(path: Path, sheet: str | None = None) -> str:
    with pytest.raises(SheetError) as caught:
        read_table(path, sheet)
    return str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.xlsx").startswith("'nope.xlsx': no such file")


def test_a_folder(tmp_path: Path) -> None:
    (tmp_path / "dir.xlsx").mkdir()
    assert error_of(tmp_path / "dir.xlsx") == "'dir.xlsx' is a folder, not a spreadsheet file"


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.csv"])
def test_an_empty_file(tmp_path: Path, name: str) -> None:
    (tmp_path / name).touch()
    assert error_of(tmp_path / name) == f"'{name}' is empty (0 bytes)"


def test_random_bytes_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(os.urandom(4096))
    assert "'random.xlsx' is not a readable .xlsx workbook" in error_of(path)


def test_a_password_protected_workbook(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", [HEADER, ["a", 1, "n", "o"]])
    encrypted = io.BytesIO()
    with plain.open("rb") as handle:
        OOXMLFile(handle).encrypt("secret", encrypted)
    path = tmp_path / "locked.xlsx"
    path.write_bytes(encrypted.getvalue())
    assert "'locked.xlsx' is password-protected" in error_of(path)


def test_an_empty_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", {"Blank": []})
    assert error_of(path) == "'e.xlsx': sheet 'Blank' is empty"
    assert error_of(path, "Blank") == "'e.xlsx': sheet 'Blank' is empty"


def test_a_header_and_no_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", {"Events": [HEADER]})
    assert error_of(path) == (
        "'h.xlsx': sheet 'Events' has a header row (row 1) but no event rows below it"
    )


def test_duplicate_header_names(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "d.xlsx", [[*HEADER, "Event Name"], ["a", 1, "n", "o", "n2"]])
    assert error_of(path) == (
        "'d.xlsx', sheet 'Sheet1': columns C and E are both headed 'Event Name'; rename one"
    )


def test_two_headers_for_one_field(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "d.xlsx", [[*HEADER, "Title"], ["a", 1, "n", "o", "n2"]])
    assert error_of(path) == (
        "'d.xlsx', sheet 'Sheet1': columns C ('Event Name') and E ('Title') are both "
        "'Event Name'; keep one"
    )


def test_a_missing_required_column_names_it_and_the_headers_found(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", [["Account", "Event Name", "Notes"], ["a", "n", "x"]])
    message = error_of(path)
    assert message == (
        "'m.xlsx', sheet 'Sheet1': missing required columns 'External Event ID', "
        "'Organizer'; the headers found in row 1 are: 'Account', 'Event Name', "
        "'Notes'"
    )


def test_formulas_without_saved_values_are_named_per_cell(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [HEADER, ["a", "=1+1", "n", "o"], ["a", "2", "m", "o"]])
    table = read_table(path)
    assert "externalEventId" not in table.rows[0].values
    value = table.rows[0].bad["externalEventId"]
    assert value.reason.startswith("the formula =1+1 has no saved value")
    assert table.rows[1].values["externalEventId"] == "2"


def test_merged_cells_in_the_data(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_xlsx(
        tmp_path / "merged.xlsx", [HEADER, ["a", 1, "n", "Acme"], ["a", 2, "m", None]]
    )
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet.merge_cells("D2:D3")
    workbook.save(path)
    table = read_table(path)
    assert table.rows[0].values["eventOrganizer"] == "Acme"
    covered = table.rows[1].cell("eventOrganizer")
    assert isinstance(covered, Unreadable)
    assert "merged cells Sheet1!D2:D3" in covered.reason


def test_merged_cells_in_the_header(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_xlsx(
        tmp_path / "mh.xlsx", [[*HEADER, "Notes", None], ["a", 1, "n", "o", "x", "y"]]
    )
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet.merge_cells("E1:F1")
    workbook.save(path)
    assert error_of(path) == (
        "'mh.xlsx': the header row has merged cells at Sheet1!E1:F1; unmerge them so every "
        "column has its own header"
    )


def test_a_csv_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00" + os.urandom(2000))
    assert "'binary.csv' is not a text file" in error_of(path)


def test_an_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "events.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert "cannot read .pdf" in error_of(path)


def test_csv_only_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\n ,, \n")
    assert error_of(path) == "'blank.csv' has no rows (only blank lines)"


def test_open_sheet_gives_the_header_before_any_parsing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", [["When", "What", "Who"], ["2026-01-01", "x", "y"]])
    raw = open_sheet(path)
    assert raw.headers == ["When", "What", "Who"]
    assert raw.header_row == 1


def test_a_cover_sheet_that_cannot_be_read_does_not_hide_the_events(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_xlsx(
        tmp_path / "covered.xlsx",
        {"Cover": [["Quarterly events", None, None]], "Events": [HEADER, ["a", 1, "n", "o"]]},
    )
    workbook = load_workbook(path)
    workbook["Cover"].merge_cells("A1:C1")  # a merged title row
    workbook.save(path)
    choice = choose_sheet(path)
    assert choice.raw is not None
    assert choice.raw.sheet == "Events"
    with pytest.raises(SheetError, match="merged cells at Cover!A1:C1"):
        choose_sheet(path, "Cover")  # asked for by name, it still says why it cannot be read


def test_several_sheets_of_events_are_for_the_user_to_choose(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {"North": [HEADER, ["a", 1, "n", "o"]], "South": [HEADER, ["b", 2, "m", "p"]]},
    )
    choice = choose_sheet(path)
    assert choice.raw is None
    assert choice.candidates == ["North", "South"]
