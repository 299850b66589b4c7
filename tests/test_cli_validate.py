"""`hubevents validate`: human and JSON output, exit codes, and bad input without tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from hubevents_gui.cli import main
from hubevents_gui.core.package_data import sample_path
from tests.helpers import HEADER, write_csv, write_xlsx

SAMPLE = sample_path("events")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_sample_has_two_mistakes_named_by_cell() -> None:
    code, out, err = run("validate", str(SAMPLE), "--timezone", "Europe/Berlin")
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == (
        "sample-events.xlsx, sheet 'Events': 25 rows read, 23 valid, 2 invalid "
        "(dates without an offset read in Europe/Berlin)"
    )
    assert "Events!H25 (Event URL): not an absolute http(s) URL" in lines
    assert "Events!G26 (End): the event ends before it starts" in lines
    assert (
        "note: 1 column is not an event field, so it is not sent to HubSpot: 'Internal notes' "
        "(it stays in result files as in your file)"
    ) in lines


def test_json_output(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "e.xlsx",
        [
            [*HEADER, "Start", "Event URL", "Extra"],
            ["acme", 7, "Launch", "Acme", datetime(2026, 7, 1, 9, 0), "https://a.example", "x"],
            ["acme", 8, "Launch 2", "Acme", "tomorrow", "nope", ""],
        ],
    )
    code, out, _ = run("validate", str(path), "--json", "--timezone", "Europe/Berlin")
    assert code == 1
    report = json.loads(out)
    assert report["file"] == str(path)
    assert report["sheet"] == "Sheet1"
    assert report["summary"] == {
        "rows": 2,
        "valid": 1,
        "invalid": 1,
        "ignored_columns": ["Extra"],
        "timezone": "Europe/Berlin",
        "notes": [
            "1 column is not an event field, so it is not sent to HubSpot: 'Extra' "
            "(it stays in result files as in your file)"
        ],
    }
    good, bad = report["rows"]
    assert good == {
        "row": 2,
        "input": {
            "externalAccountId": "acme",
            "externalEventId": "7",
            "eventName": "Launch",
            "eventOrganizer": "Acme",
            "startDateTime": "2026-07-01T07:00:00.000Z",
            "eventUrl": "https://a.example",
            "customProperties": [],
        },
        "issues": [],
    }
    assert bad["row"] == 3
    assert bad["input"] is None
    assert [(i["field"], i["cell"]) for i in bad["issues"]] == [
        ("eventUrl", "Sheet1!F3"),
        ("startDateTime", "Sheet1!E3"),
    ]


def test_all_valid_exits_0(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["a", 1, "n", "o"]])
    code, out, _ = run("validate", str(path))
    assert code == 0
    assert "1 row read, 1 valid, 0 invalid" in out


def test_day_first(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "d.xlsx", [[*HEADER, "Start"], ["a", 1, "n", "o", "04/03/2026 09:30"]]
    )
    _, out, _ = run("validate", str(path), "--json", "--timezone", "UTC", "--day-first")
    assert json.loads(out)["rows"][0]["input"]["startDateTime"] == "2026-03-04T09:30:00.000Z"
    _, out, _ = run("validate", str(path), "--json", "--timezone", "UTC")
    assert json.loads(out)["rows"][0]["input"]["startDateTime"] == "2026-04-03T09:30:00.000Z"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["validate", "missing.xlsx"], "hubevents: 'missing.xlsx': no such file"),
        (["validate", "SAMPLE", "--timezone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["validate", "SAMPLE", "--sheet", "Nope"], "has no sheet named 'Nope'"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(argv: list[str], message: str) -> None:
    argv = [str(SAMPLE) if a == "SAMPLE" else a for a in argv]
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_bad_arguments_exit_2() -> None:
    code, _, _ = run("validate")
    assert code == 2


def test_the_installed_command_has_no_traceback_on_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(b"\x00\x01garbage" * 300)
    done = subprocess.run(
        [sys.executable, "-m", "hubevents_gui.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "'random.xlsx' is not a readable .xlsx workbook" in done.stderr


def test_several_sheets_of_events_ask_for_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {"North": [HEADER, ["a", 1, "n", "o"]], "South": [HEADER, ["b", 2, "m", "p"]]},
    )
    err = io.StringIO()
    assert main(["validate", str(path), "--timezone", "UTC"], io.StringIO(), err) == 2
    assert "several sheets of events ('North', 'South')" in err.getvalue()
    assert "--sheet NAME" in err.getvalue()
    assert (
        main(["validate", str(path), "--sheet", "South", "--timezone", "UTC"], io.StringIO(), err)
        == 0
    )


def test_dates_beyond_what_utc_can_hold_are_invalid_in_every_output(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "edge.csv",
        [
            [*HEADER, "Start", "End"],
            ["acme", "E1", "Launch", "Acme", "9999-12-31 22:00", "9999-12-31 23:00"],
            ["acme", "E2", "Fine", "Acme", "2026-01-01 10:00", "2026-01-01 11:00"],
        ],
    )
    zone = ("--timezone", "America/Los_Angeles")
    code, out, err = run("validate", str(path), *zone)
    assert (code, err) == (1, "")
    assert "edge!E2 (Start): 9999-12-31 22:00 cannot be sent: in UTC it falls outside" in out
    code, out, err = run("validate", str(path), "--json", *zone)
    assert (code, err) == (1, "")
    rows = json.loads(out)["rows"]
    assert rows[0]["input"] is None
    assert rows[1]["input"]["startDateTime"].startswith("2026")
    code, out, err = run("upsert", str(path), "--sandbox", "--dry-run", *zone)
    assert code == 1, err
    assert "Traceback" not in err


def test_an_id_with_a_line_break_is_invalid_and_names_its_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ids.csv",
        [[*HEADER], ["acme", "E\n1", "Launch", "Acme"], ["acme", "E\u200b2", "Launch", "Acme"]],
    )
    code, out, _ = run("validate", str(path))
    assert code == 1
    assert "ids!B2 (External Event ID): an id cannot contain a line break (character 2)" in out
    assert "ids!B3 (External Event ID): an id cannot contain an invisible character (U+200B)" in out
