"""Where results go: a results path checked before sending, never the source, and a fallback
file in the data folder when a workbook cannot be written, so that no outcome is lost."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pytest

from hubevents_gui.core import result_files
from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.result_files import check_results_path, keep_backup, same_file
from hubevents_gui.core.results import (
    ResultsError,
    add_result_columns,
    check_results,
    write_results,
)
from hubevents_gui.core.rows import EventRow, EventTable
from hubevents_gui.core.sheets import read_table
from tests.helpers import HEADER, write_csv, write_xlsx


def created(row: EventRow) -> tuple[str, str, str]:
    return "created", f"id-{row.source_row}", "HTTP 200: ok"


def table_in(tmp_path: Path) -> EventTable:
    path = write_xlsx(
        tmp_path / "events.xlsx", [HEADER, ["acme", 1, "n", "o"], ["acme", 2, "m", "o"]]
    )
    return read_table(path)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("missing/out.xlsx", "does not exist"),
        ("out.csv", "ending in .xlsx"),
        ("folder.xlsx", "is a folder"),
        ("events.xlsx", "is the file being read"),
        ("link.xlsx", "is the file being read"),
    ],
)
def test_a_results_path_that_cannot_work_is_refused_in_one_sentence(
    tmp_path: Path, name: str, words: str
) -> None:
    table = table_in(tmp_path)
    (tmp_path / "folder.xlsx").mkdir()
    (tmp_path / "link.xlsx").symlink_to(tmp_path / "events.xlsx")
    with pytest.raises(ResultsError, match=words) as raised:
        check_results(table, tmp_path / name)
    assert "\n" not in str(raised.value)


def test_a_folder_that_takes_no_files_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ResultsError, match="does not take new files \\(Permission denied\\)"):
        check_results_path(tmp_path / "out.xlsx", None)


def test_a_hard_link_to_the_source_is_the_source(tmp_path: Path) -> None:
    table = table_in(tmp_path)
    assert table.file is not None
    os.link(table.file, tmp_path / "same.xlsx")
    assert same_file(tmp_path / "same.xlsx", table.file)
    with pytest.raises(ResultsError, match="is the file being read"):
        check_results_path(tmp_path / "same.xlsx", table.file)


def test_results_never_replace_the_source(tmp_path: Path) -> None:
    table = table_in(tmp_path)
    assert table.file is not None
    before = table.file.read_bytes()
    with pytest.raises(ResultsError, match="is the file being read"):
        write_results(table, table.rows, created, table.file)
    assert table.file.read_bytes() == before


def fallback_rows() -> list[list[str]]:
    (found,) = (data_dir() / "unsaved-results").iterdir()
    with found.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("write", [write_results, add_result_columns])
def test_outcomes_go_to_a_fallback_file_when_the_workbook_cannot_be_written(
    tmp_path: Path, write: object
) -> None:
    table = table_in(tmp_path)
    with pytest.raises(ResultsError) as raised:
        write(table, table.rows, created, tmp_path / "gone" / "out.xlsx")  # type: ignore[operator]
    message = str(raised.value)
    assert message.startswith("'out.xlsx' cannot be written")
    assert str(data_dir() / "unsaved-results") in message
    assert fallback_rows() == [
        ["Row", "External Account ID", "External Event ID", "Status", "HubSpot ID", "Message"],
        ["2", "acme", "1", "created", "id-2", "HTTP 200: ok"],
        ["3", "acme", "2", "created", "id-3", "HTTP 200: ok"],
    ]


def test_an_unexpected_failure_also_keeps_the_outcomes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_workbook: object, _path: Path) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("hubevents_gui.core.results.save_workbook", broken)
    table = table_in(tmp_path)
    table.rows[0].set_cell("eventName", "bad\x00name")
    with pytest.raises(ResultsError, match=r"disk on fire.*every row's outcome is saved in"):
        write_results(table, table.rows, created, tmp_path / "out.xlsx")
    assert len(fallback_rows()) == 3


def test_no_fallback_file_when_nothing_was_sent(tmp_path: Path) -> None:
    table = table_in(tmp_path)
    with pytest.raises(ResultsError) as raised:
        write_results(
            table, table.rows, lambda _r: ("not yet sent", "", ""), tmp_path / "x" / "o.xlsx"
        )
    assert "saved in" not in str(raised.value)
    assert not (data_dir() / "unsaved-results").exists()


def test_when_even_the_fallback_fails_the_sentence_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setattr(result_files, "data_dir", lambda: blocker)
    table = table_in(tmp_path)
    with pytest.raises(ResultsError, match="could not be saved in the data folder either"):
        write_results(table, table.rows, created, tmp_path / "gone" / "out.xlsx")


def test_text_too_long_for_a_cell_is_never_cut_silently(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "long.csv", [[*HEADER, "Notes"], ["acme", "1", "n", "o", "x" * 40_000]]
    )
    table = read_table(path)
    sentence = "long!E2 \\(Notes\\) holds 40,000 characters"
    with pytest.raises(ResultsError, match=sentence):
        check_results(table, tmp_path / "out.xlsx")
    with pytest.raises(ResultsError, match=sentence):
        write_results(table, table.rows, created, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    assert len(fallback_rows()) == 2


def test_a_backup_is_kept_before_the_source_is_written(tmp_path: Path) -> None:
    table = table_in(tmp_path)
    assert table.file is not None
    before = table.file.read_bytes()
    backup = keep_backup(table.file)
    assert backup.parent == table.file.parent
    assert backup.name.startswith("events (before results ")
    assert backup.suffix == ".xlsx"
    assert backup.read_bytes() == before
    assert keep_backup(table.file) != backup  # a second one never replaces the first


def test_the_fallback_file_never_holds_a_formula(tmp_path: Path) -> None:
    table = table_in(tmp_path)
    table.rows[0].set_cell("externalEventId", '=HYPERLINK("http://evil.example","x")')
    table.rows[1].set_cell("externalEventId", "@SUM(1)")
    with pytest.raises(ResultsError):
        write_results(table, table.rows, created, tmp_path / "gone" / "out.xlsx")
    ids = [row[2] for row in fallback_rows()[1:]]
    assert ids == ['\'=HYPERLINK("http://evil.example","x")', "'@SUM(1)"]


def test_a_header_too_long_is_said_in_a_sentence_when_the_results_are_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "External Account ID,External Event ID,Event Name,Organizer," + "b" * 40_000
        + "\nacme,1,Launch,Acme,x\n"
    )  # fmt: skip
    table = read_table(path)
    with pytest.raises(ResultsError) as raised:
        write_results(table, table.rows, created, tmp_path / "out.xlsx")
    assert "holds 40,000 characters, more than the 32,767 a workbook cell holds" in str(
        raised.value
    )
    assert "CellTooLongError" not in str(raised.value)
