"""Ctrl+C during `hubevents upsert`: the first waits for the requests in flight, the second
stops waiting; either way the results and the history are written and the command exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.paths import data_dir
from hubevents_gui.hubspot.sandbox import Faults, Sandbox, SandboxConfig, SandboxServer, TokenInfo
from tests.conftest import REPO
from tests.helpers import HEADER, write_xlsx

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

APP = 7


@pytest.fixture
def slow_server() -> Iterator[SandboxServer]:
    config = SandboxConfig(
        tokens={"pat-na1-test": TokenInfo(app_id=APP)},
        rate_limit=None,
        faults=Faults(latency=0.6),
    )
    with SandboxServer(Sandbox(config)) as running:
        yield running


def start_upsert(server: SandboxServer, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    rows = [HEADER, *(["acme", f"E{n}", f"Event {n}", "Acme"] for n in range(200))]
    path = write_xlsx(tmp_path / "many.xlsx", rows)
    results = tmp_path / "results.xlsx"
    command = [
        sys.executable, "-m", "hubevents_gui.cli", "upsert", str(path),
        "--base-url", server.base_url, "--token-env", "HS_TOKEN",
        "--batch-size", "10", "--concurrency", "2", "--results", str(results),
    ]  # fmt: skip
    env = {**os.environ, "HS_TOKEN": "pat-na1-test"}
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    # the daily usage read goes first, then HubSpot's copy of the events (the token's app and
    # the list of an empty portal), then two upserts are in flight (each waits 0.6 s)
    while server.sandbox.requests < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    return process, results


def result_rows(results: Path) -> list[tuple[object, ...]]:
    book = load_workbook(results, read_only=True)
    try:
        sheet = book.active
        assert sheet is not None
        return list(sheet.iter_rows(values_only=True))
    finally:
        book.close()


def statuses(results: Path) -> list[str]:
    rows = result_rows(results)
    column = rows[0].index("Status")
    return [str(row[column]) for row in rows[1:]]


def test_the_first_ctrl_c_waits_for_the_requests_in_flight(
    slow_server: SandboxServer, tmp_path: Path
) -> None:
    process, results = start_upsert(slow_server, tmp_path)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "waiting for the requests in flight" in err
    assert "Traceback" not in err
    stored = sum(1 for _ in slow_server.sandbox.all_events())
    assert stored >= 20  # the two batches in flight reached HubSpot
    found = statuses(results)
    assert len(found) == 200
    # what HubSpot stored is what the results say: no row in flight is lost or in doubt
    assert found.count("created") == stored
    assert found.count("not sent") == 200 - stored
    (run,) = RunHistory(data_dir() / "history.sqlite").runs()
    assert (run.created, run.not_sent) == (stored, 200 - stored)
    assert run.stopped == "cancelled"


def test_a_second_ctrl_c_stops_waiting_and_says_the_rows_in_flight_may_be_in(
    slow_server: SandboxServer, tmp_path: Path
) -> None:
    process, results = start_upsert(slow_server, tmp_path)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "stopped waiting" in err
    found = statuses(results)
    assert len(found) == 200
    assert found.count("created") + found.count("not sent") == 200
    messages = [str(row[-1]) for row in result_rows(results)]
    assert any("interrupted, may have reached HubSpot; run again to confirm" in m for m in messages)
    (run,) = RunHistory(data_dir() / "history.sqlite").runs()
    assert run.stopped == "interrupted"
    assert run.created + run.not_sent == 200


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_after_the_last_answer_still_writes_the_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sig: signal.Signals
) -> None:
    import io

    from hubevents_gui.cli import main
    from hubevents_gui.cli import upsert as command

    summarize = command._summarize

    def summary_then_signal(*args: object) -> None:
        summarize(*args)  # type: ignore[arg-type]
        os.kill(os.getpid(), sig)  # Ctrl+C while the summary is printed
        time.sleep(0.05)

    monkeypatch.setattr(command, "_summarize", summary_then_signal)
    rows = [HEADER, *(["acme", f"E{n}", f"Event {n}", "Acme"] for n in range(5))]
    path = write_xlsx(tmp_path / "few.xlsx", rows)
    results = tmp_path / "results.xlsx"
    err = io.StringIO()
    code = main(["upsert", str(path), "--sandbox", "--results", str(results)], io.StringIO(), err)
    assert code == 130
    assert "writing the results and the history first" in err.getvalue()
    assert statuses(results) == ["created"] * 5


def test_sigterm_while_a_file_is_read_ends_as_ctrl_c_does(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write(",".join(HEADER) + "\n")
        handle.writelines(f"acme,E{n},Event {n},Acme\n" for n in range(600_000))
    process = subprocess.Popen(
        [sys.executable, "-m", "hubevents_gui.cli", "validate", str(path)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(2.0)  # started, and reading
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == "hubevents: interrupted"
    assert "Traceback" not in err
