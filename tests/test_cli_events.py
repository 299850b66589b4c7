"""`hubevents events cancel|complete|delete`: chosen rows by their spreadsheet numbers, the
confirmation (asked on a terminal, refused without one), exact outcomes and what HubSpot holds
afterwards, on the sandbox and on a faulty server; exit codes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hubevents_gui.cli.connect import sandbox_state
from hubevents_gui.hubspot.sandbox import (
    Faults,
    Sandbox,
    SandboxConfig,
    SandboxServer,
    TokenInfo,
)
from tests.helpers import HEADER, write_xlsx
from tests.test_cli_upsert import run

TIMED = [*HEADER, "Start Date", "End Date"]
APP = 424242  # the sandbox token's app


class Terminal(io.StringIO):
    """A stdin that is a terminal, with the user's answer typed in."""

    def isatty(self) -> bool:
        return True


def sheet(tmp_path: Path, count: int = 5) -> Path:
    rows = [
        ["acme", f"E{n}", f"Webinar {n}", "Acme", "2026-03-04 10:00", "2026-03-04 11:30"]
        for n in range(1, count + 1)
    ]
    return write_xlsx(tmp_path / "events.xlsx", [TIMED, *rows])


def held(event_id: str) -> dict[str, object] | None:
    return Sandbox(state_file=sandbox_state()).event(APP, "acme", event_id)


@pytest.fixture
def upserted(tmp_path: Path) -> Path:
    path = sheet(tmp_path)
    code, _, err = run("upsert", str(path), "--sandbox", "--timezone", "UTC")
    assert code == 0, err
    return path


def test_cancel_of_chosen_rows_cancels_only_their_events(upserted: Path) -> None:
    code, _, err = run("events", "cancel", str(upserted), "--sandbox", "--rows", "2-3,5", "--yes")
    assert code == 0, err
    assert "3 cancelled, 0 failed, 0 not sent" in err
    cancelled = {n: (held(f"E{n}") or {}).get("eventCancelled") for n in range(1, 6)}
    assert cancelled == {1: True, 2: True, 3: None, 4: True, 5: None}


def test_complete_sends_each_rows_times_and_the_results_say_completed(
    upserted: Path, tmp_path: Path
) -> None:
    results = tmp_path / "done.xlsx"
    code, _, err = run(
        "events", "complete", str(upserted), "--sandbox", "--timezone", "Europe/Berlin",
        "--rows", "2", "--yes", "--results", str(results),
    )  # fmt: skip
    assert code == 0, err
    event = held("E1") or {}
    assert event["eventCompleted"] is True
    assert event["startDateTime"] == "2026-03-04T09:00:00.000Z"  # the row's wall clock, Berlin
    rows = list(load_workbook(results).active.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one row acted on
    assert rows[1][-3] == "completed"


def test_delete_removes_the_events_and_a_pull_no_longer_shows_them(
    upserted: Path, tmp_path: Path
) -> None:
    code, _, err = run("events", "delete", str(upserted), "--sandbox", "--rows", "2-4", "--yes")
    assert code == 0, err
    assert "3 deleted, 0 failed" in err
    pulled = tmp_path / "pulled.xlsx"
    assert run("pull", "--sandbox", "--out", str(pulled))[0] == 0
    ids = [r[1] for r in list(load_workbook(pulled).active.iter_rows(values_only=True))[1:]]
    assert ids == ["E4", "E5"]
    # deleted again: HubSpot holds them no more, and each row says so
    code, _, err = run("events", "delete", str(upserted), "--sandbox", "--rows", "2", "--yes")
    assert code == 1
    assert "Sheet1!B2: failed: HTTP 207 OBJECT_NOT_FOUND: No event 'E1'" in err
    assert "--by-object-id" in err


def test_another_apps_event_is_deleted_only_by_object_id(tmp_path: Path) -> None:
    partner = write_xlsx(
        tmp_path / "partner.xlsx", [HEADER, ["partner-eu", "PW-0042", "Data Quality Clinic", "P"]]
    )
    code, _, err = run("events", "delete", str(partner), "--sandbox", "--yes")
    assert code == 1
    assert "this app" in err
    code, _, err = run("events", "delete", str(partner), "--sandbox", "--by-object-id", "--yes")
    assert code == 0, err
    assert "1 deleted" in err
    assert not [k for k, _ in Sandbox(state_file=sandbox_state()).all_events() if k[2] == "PW-0042"]
    # the history names the runs as the window does: a delete, then a delete by object id
    code, out, _ = run("history", "--json")
    assert [r["kind"] for r in json.loads(out)[:2]] == ["archive", "delete"]


def test_without_a_terminal_it_refuses_naming_the_portal_and_changes_nothing(
    upserted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, _, err = run("events", "delete", str(upserted), "--sandbox")
    assert code == 2
    assert "Delete 5 events in portal 12345678 (Sandbox)? e.g. Webinar 1, Webinar 2, " in err
    assert "pass --yes" in err
    assert held("E1") is not None


@pytest.mark.parametrize(("answer", "code", "left"), [("y\n", 0, False), ("\n", 1, True)])
def test_on_a_terminal_it_asks_and_does_what_the_answer_says(
    upserted: Path, monkeypatch: pytest.MonkeyPatch, answer: str, code: int, left: bool
) -> None:
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    got, _, err = run("events", "delete", str(upserted), "--sandbox", "--rows", "2")
    assert "Delete 1 event in portal 12345678 (Sandbox)? e.g. Webinar 1  [y/N]" in err
    assert got == code
    assert (held("E1") is not None) is left


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ("5-3", "5-3 runs backwards: write 3-5"),
        ("2,x", "'x' is not a row or a range of rows: write them as 2-40,45"),
        ("2-", "'2-' is not a row"),
        ("1-3", "row 1 of Sheet1 is the header"),
        ("2-99", "Sheet1 has no row 99 with an event (its events are in rows 2-6)"),
        # digits of other scripts are not row numbers (Python's int() would take them)
        ("\u0663", "'\u0663' is not a row or a range of rows"),
        ("2-\uff15", "'2-\uff15' is not a row or a range of rows"),
    ],
)
def test_bad_rows_exit_2_saying_why(
    upserted: Path, rows: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run("events", "cancel", str(upserted), "--sandbox", "--rows", rows, "--yes")
    assert code == 2
    assert said in err + capsys.readouterr().err  # argparse's own message goes to stderr
    assert (held("E1") or {}).get("eventCancelled") is None


def test_by_object_id_goes_only_with_delete_and_a_dry_run_changes_nothing(upserted: Path) -> None:
    code, _, err = run("events", "cancel", str(upserted), "--sandbox", "--by-object-id")
    assert code == 2
    assert "--by-object-id goes with delete" in err
    code, out, err = run(
        "events", "delete", str(upserted), "--sandbox", "--dry-run", "--rows", "2-3"
    )
    assert code == 0, err
    (request,) = [json.loads(line) for line in out.splitlines()]
    assert request["path"] == "/marketing/marketing-events/2026-09/events/delete"
    assert request["body"]["inputs"][0] == {
        "appId": APP, "externalAccountId": "acme", "externalEventId": "E1",
    }  # fmt: skip
    assert held("E1") is not None


@pytest.fixture
def faulty() -> Iterator[SandboxServer]:
    faults = Faults(server_errors=0.3, dropped=0.1, locked=0.1, seed=7)
    config = SandboxConfig(
        tokens={"pat-na1-test": TokenInfo(app_id=5)}, rate_limit=3, rate_interval_ms=200,
        faults=faults,
    )  # fmt: skip
    with SandboxServer(Sandbox(config)) as running:
        yield running


def test_against_a_faulty_server_every_chosen_row_ends_as_asked(
    faulty: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HS_TOKEN", "pat-na1-test")
    path = sheet(tmp_path, 12)
    where = ["--base-url", faulty.base_url, "--token-env", "HS_TOKEN", "--yes"]
    code, _, err = run("upsert", str(path), *where[:4], "--batch-size", "5")
    assert code == 0, err
    code, _, err = run("events", "cancel", str(path), *where, "--rows", "2-5")
    assert code == 0, err
    assert "4 cancelled, 0 failed, 0 not sent" in err
    code, _, err = run("events", "delete", str(path), *where, "--rows", "4-13", "--batch-size", "3")
    assert code == 0, err
    assert "10 deleted, 0 failed, 0 not sent" in err
    assert "(0 retries" not in err  # the faults were met, and got over
    left = {k[2]: e.get("eventCancelled") for k, e in faulty.sandbox.all_events()}
    assert left == {"E1": True, "E2": True}


def test_a_row_without_an_id_is_named_by_the_cell_that_is_empty(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["acme", "E1", "Webinar 1", "Acme", "2026-03-04 10:00", "2026-03-04 11:30"],
        [None, "E2", "Webinar 2", "Acme", "2026-03-04 10:00", "2026-03-04 11:30"],
        ["acme", None, "Webinar 3", "Acme", "2026-03-04 10:00", "2026-03-04 11:30"],
    ]
    path = write_xlsx(tmp_path / "events.xlsx", [TIMED, *rows])
    run("upsert", str(path), "--sandbox", "--timezone", "UTC")
    code, _, err = run("events", "cancel", str(path), "--sandbox", "--yes")
    assert code == 1, err
    assert "Sheet1!A3: not sent: the row has no External Account ID" in err
    assert "Sheet1!B4: not sent: the row has no External Event ID" in err
