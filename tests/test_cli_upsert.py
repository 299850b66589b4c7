"""`hubevents upsert`: the sandbox, a server with a token from the environment, results files,
dry runs and exit codes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hubevents_gui.cli import main
from hubevents_gui.core.package_data import sample_path
from hubevents_gui.hubspot.sandbox import Sandbox, SandboxConfig, SandboxServer, TokenInfo
from tests.helpers import HEADER, write_xlsx

SAMPLE = sample_path("events")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_sample_on_the_sandbox_with_results(tmp_path: Path) -> None:
    results = tmp_path / "results.xlsx"
    code, _, err = run("upsert", str(SAMPLE), "--sandbox", "--results", str(results))
    assert code == 1  # two rows are invalid, so not everything was sent
    assert "23 created, 0 updated, 0 failed, 0 not sent, 2 invalid" in err
    sheet = load_workbook(results).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[-3:] == ("Status", "HubSpot ID", "Message")
    assert "Internal notes" in header
    status = {r[1]: (r[-3], r[-2], r[-1]) for r in rows[1:]}
    assert status["WEB-2026-001"][0] == "created"
    assert status["WEB-2026-001"][1]
    assert status["WEB-2026-011"] == ("invalid", None, "Event URL: not an absolute http(s) URL")


def test_all_valid_exits_0(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["a", 1, "n", "o"], ["a", 2, "m", "o"]])
    code, _, err = run("upsert", str(path), "--sandbox")
    assert code == 0, err
    assert "2 created" in err


def test_dry_run_prints_the_requests_and_sends_nothing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, *[["a", n, f"n{n}", "o"] for n in range(5)]])
    code, out, err = run("upsert", str(path), "--dry-run", "--batch-size", "2")
    assert code == 0
    bodies = [json.loads(line) for line in out.splitlines()]
    assert [len(b["inputs"]) for b in bodies] == [2, 2, 1]
    assert bodies[0]["inputs"][0] == {
        "externalAccountId": "a",
        "externalEventId": "0",
        "eventName": "n0",
        "eventOrganizer": "o",
        "customProperties": [],
    }
    assert "nothing was sent" in err


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    config = SandboxConfig(tokens={"pat-na1-test": TokenInfo(app_id=5)}, rate_limit=None)
    with SandboxServer(Sandbox(config)) as running:
        yield running


def test_base_url_and_token_from_the_environment(
    server: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HS_TOKEN", "pat-na1-test")
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["a", 1, "n", "o"]])
    code, _, err = run(
        "upsert", str(path), "--base-url", server.base_url, "--token-env", "HS_TOKEN"
    )
    assert code == 0, err
    assert server.sandbox.event(5, "a", "1") is not None
    code, _, err = run(
        "upsert",
        str(path),
        "--base-url",
        server.base_url,
        "--token-env",
        "HS_TOKEN",
        "--api-version",
        "2026-03",
    )
    assert code == 0
    assert "1 updated" in err


def test_a_rejected_token_exits_2_without_showing_it(
    server: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HS_TOKEN", "pat-na1-revoked-secret")
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["a", 1, "n", "o"]])
    code, out, err = run(
        "upsert", str(path), "--base-url", server.base_url, "--token-env", "HS_TOKEN"
    )
    assert code == 2
    # the read of HubSpot's copy before the run (kept to undo it) is the first to be refused
    assert "HTTP 401" in err
    assert "nothing was sent" in err
    assert "pat-na1-revoked-secret" not in err + out


def test_missing_token_and_bad_arguments_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["a", 1, "n", "o"]])
    monkeypatch.delenv("NOPE", raising=False)
    code, _, err = run("upsert", str(path), "--token-env", "NOPE")
    assert code == 2
    assert "NOPE is not set" in err
    code, _, err = run("upsert", str(path))  # the test keyring is empty
    assert code == 2
    assert "no HubSpot token is saved" in err
    assert run("upsert", str(path), "--batch-size", "0")[0] == 2
    assert run("upsert", str(path), "--sandbox", "--api-version", "v9")[0] == 2


def test_runs_are_recorded_in_the_history() -> None:
    from hubevents_gui.core.history import RunHistory
    from hubevents_gui.core.paths import data_dir

    run("upsert", str(SAMPLE), "--sandbox")
    history = RunHistory(data_dir() / "history.sqlite")
    (recorded,) = history.runs()
    assert (recorded.connection, recorded.rows, recorded.created) == ("sandbox", 23, 23)
    assert recorded.file.endswith("sample-events.xlsx")
    rows = history.rows(recorded.id)
    assert {r.status for r in rows} == {"created"}
    assert all(r.hubspot_id for r in rows)


@pytest.mark.parametrize(
    ("token", "named"),
    [
        ("pat-na1-secret\nline", "a line break at position 15"),
        ("pat-na1-se\u200bcret", "an invisible character (U+200B) at position 11"),
    ],
)
def test_a_pasted_token_with_a_stray_character_exits_2_naming_its_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token: str, named: str
) -> None:
    monkeypatch.setenv("HS_TOKEN", token)
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["a", 1, "n", "o"]])
    results = tmp_path / "out.xlsx"
    code, out, err = run(
        "upsert",
        str(path),
        "--token-env",
        "HS_TOKEN",
        "--results",
        str(results),
        "--base-url",
        "http://127.0.0.1:9",
    )
    assert code == 2
    assert f"the environment variable HS_TOKEN: the token has {named}" in err
    assert "Traceback" not in err
    assert "secret" not in err + out
    assert not results.exists()  # nothing was sent, so there is nothing to write


@pytest.mark.parametrize("size", ["101", "5000"])
def test_a_batch_size_beyond_what_hubspot_takes_exits_2(
    tmp_path: Path, size: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["a", 1, "n", "o"]])
    code, _, _ = run("upsert", str(path), "--sandbox", "--batch-size", size)
    assert code == 2
    assert f"{size} rows per request is more than HubSpot takes: at most 100" in (
        capsys.readouterr().err
    )


def test_one_row_is_said_in_the_singular(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "one.xlsx", [HEADER, ["a", 1, "n", "o"]])
    code, out, _ = run("validate", str(path))
    assert code == 0
    assert "1 row read, 1 valid, 0 invalid" in out
    code, _, err = run("upsert", str(path), "--sandbox")
    assert code == 0
    assert "; 1 request (0 retries, 0 rate-limited, 0 splits, 0 confirmations)" in err


def test_concurrency_beyond_what_helps_and_an_empty_token_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["a", 1, "n", "o"]])
    code, _, _ = run("upsert", str(path), "--sandbox", "--concurrency", "100000")
    assert code == 2
    assert "100000 requests at once is more than" in capsys.readouterr().err
    monkeypatch.setenv("HS_TOKEN", "  \t ")
    code, _, err = run("upsert", str(path), "--token-env", "HS_TOKEN")
    assert code == 2
    assert "the environment variable HS_TOKEN is empty" in err


def test_a_row_cancelled_is_said_once_not_twice(tmp_path: Path) -> None:
    from hubevents_gui.cli.upsert import _summarize
    from hubevents_gui.core.rows import Outcome, RowStatus
    from hubevents_gui.core.sheets import read_table
    from hubevents_gui.hubspot.report import RunReport

    path = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["a", 1, "n", "o"], ["a", 2, "n", "o"]])
    table = read_table(path)
    first, second = table.rows
    outcomes = {
        first.row_id: Outcome(
            first.row_id, RowStatus.NOT_SENT, message="not sent: the run was cancelled"
        ),
        second.row_id: Outcome(second.row_id, RowStatus.FAILED, message="HTTP 400: bad"),
    }
    err = io.StringIO()
    _summarize(RunReport(rows=2), table, outcomes, 0, err)
    lines = err.getvalue().splitlines()
    assert "Sheet1!B2: not sent: the run was cancelled" in lines
    assert "Sheet1!B3: failed: HTTP 400: bad" in lines


def test_many_rows_not_sent_are_counted_after_the_first_fifty(tmp_path: Path) -> None:
    from hubevents_gui.cli.upsert import _summarize
    from hubevents_gui.core.rows import Outcome, RowStatus
    from hubevents_gui.core.sheets import read_table
    from hubevents_gui.hubspot.report import RunReport

    rows: list[list[object]] = [list(HEADER), *(["a", n, "n", "o"] for n in range(1, 131))]
    table = read_table(write_xlsx(tmp_path / "many.xlsx", rows))
    outcomes = {
        r.row_id: Outcome(r.row_id, RowStatus.NOT_SENT, message="not sent: the run was cancelled")
        for r in table.rows
    }
    err = io.StringIO()
    _summarize(RunReport(rows=130), table, outcomes, 0, err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 + 50 + 1
    assert lines[-1].startswith("... and 80 more rows failed or not sent")


def test_custom_properties_hubspot_drops_are_counted_and_named_per_row(tmp_path: Path) -> None:
    # the sandbox account defines "region" but not "legacy_tag"
    header = [*HEADER, "custom:region", "custom:legacy_tag"]
    rows = [["a", 1, "n1", "o", "EMEA", "old"], ["a", 2, "n2", "o", "EMEA", ""]]
    rows.append(["a", 3, "n3", "o", "APAC", "older"])
    path = write_xlsx(tmp_path / "tagged.xlsx", [header, *rows])
    results = tmp_path / "results.xlsx"
    code, _, err = run("upsert", str(path), "--sandbox", "--results", str(results))
    assert code == 0, err  # HubSpot has every row: created, if without the tag
    lines = err.splitlines()
    counts = next(i for i, line in enumerate(lines) if line.startswith("3 created"))
    assert lines[counts + 1] == (
        "2 rows had custom properties dropped by HubSpot (not defined on the account): legacy_tag"
    )
    sheet = load_workbook(results).active
    assert sheet is not None
    got = {r[1]: (r[-3], r[-1]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert got[1] == ("created", "HubSpot dropped custom properties: legacy_tag")
    assert got[2] == ("created", None)
    assert got[3] == ("created", "HubSpot dropped custom properties: legacy_tag")
