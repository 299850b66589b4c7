"""`hubevents upsert --results`: the path is checked before anything is sent, the input is
never written over, and outcomes survive a results file that fails after sending."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hubevents_gui.cli import main
from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.paths import data_dir
from tests.helpers import HEADER, write_xlsx


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def runs_recorded() -> int:
    path = data_dir() / "history.sqlite"
    if not path.exists():
        return 0
    history = RunHistory(path)
    try:
        return len(history.runs())
    finally:
        history.close()


@pytest.fixture
def events(tmp_path: Path) -> Path:
    rows: list[list[object]] = [
        [*HEADER, "custom:expected_attendees"],
        ["a", 1, "n", "o", 850],
        ["a", 2, "m", "o", 90],
    ]
    return write_xlsx(tmp_path / "events.xlsx", rows)


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("missing/out.xlsx", "the folder"),
        ("events.xlsx", "is the file being read"),
        ("out.txt", "ending in .xlsx"),
        (".", "is a folder"),
    ],
)
def test_a_results_path_that_cannot_work_stops_before_sending(
    events: Path, target: str, words: str
) -> None:
    before = events.read_bytes()
    code, _, err = run("upsert", str(events), "--sandbox", "--results", str(events.parent / target))
    assert code == 2
    assert words in err
    assert "nothing was sent" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert runs_recorded() == 0  # nothing went to HubSpot
    assert events.read_bytes() == before


def test_results_keep_numbers_as_numbers(events: Path, tmp_path: Path) -> None:
    results = tmp_path / "results.xlsx"
    code, _, err = run("upsert", str(events), "--sandbox", "--results", str(results))
    assert code == 0, err
    sheet = load_workbook(results).active
    assert sheet is not None
    assert [sheet.cell(r, 5).value for r in (2, 3)] == [850, 90]


def test_outcomes_are_saved_elsewhere_when_results_fail_after_sending(
    events: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(_workbook: object, path: Path) -> None:
        from hubevents_gui.core.results import ResultsError

        raise ResultsError(f"'{path.name}' cannot be written: the disk is full")

    monkeypatch.setattr("hubevents_gui.core.results.save_workbook", fail)
    code, _, err = run("upsert", str(events), "--sandbox", "--results", str(tmp_path / "r.xlsx"))
    assert code == 2
    assert "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert line.startswith("hubevents: 'r.xlsx' cannot be written: the disk is full")
    fallback = Path(line.rpartition("every row's outcome is saved in ")[2])
    assert fallback.parent == data_dir() / "unsaved-results"
    with fallback.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["External Event ID"], r["Status"]) for r in rows] == [
        ("1", "created"),
        ("2", "created"),
    ]
    assert all(r["HubSpot ID"] for r in rows)


def test_a_header_too_long_for_a_cell_stops_before_sending(tmp_path: Path) -> None:
    path = tmp_path / "wide-header.csv"
    path.write_text(
        "External Account ID,External Event ID,Event Name,Organizer," + "b" * 40_000 + "\n"
        "acme,1,Launch,Acme,x\n"
    )
    code, _, err = run("upsert", str(path), "--sandbox", "--results", str(tmp_path / "out.xlsx"))
    assert code == 2
    assert "holds 40,000 characters, more than the 32,767 a workbook cell holds" in err
    assert "Traceback" not in err
    assert runs_recorded() == 0
