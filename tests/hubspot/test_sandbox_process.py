"""The sandbox in a process of its own (the window's): it answers at the sandbox's URL, keeps
what it was sent, is replaced when it dies, and never outlives the program that started it."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN
from hubevents_gui.hubspot.sandbox.process import SandboxProcess, SandboxUnavailableError
from hubevents_gui.hubspot.settings import SANDBOX_URL
from tests.hubspot.test_sandbox import UPSERT, event

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="kills the sandbox's process and reads /proc to see it end (Linux only)",
)


@pytest.fixture
def process() -> Iterator[SandboxProcess]:
    started = SandboxProcess(("--demo",))
    yield started
    started.stop()


def client(process: SandboxProcess) -> httpx.Client:
    return httpx.Client(
        transport=process.transport(),
        base_url=SANDBOX_URL,
        headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"},
        timeout=30,
    )


def dead(pid: int, within: float = 10.0) -> bool:
    """The process has ended within so many seconds: no longer a process at all, or a zombie
    nobody has reaped yet, every thread of it (its main thread is a zombie while the others
    are still on their way out, and it cannot be reaped until they are)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not os.path.exists(f"/proc/{pid}"):
            return True
        states = []
        for task in Path(f"/proc/{pid}/task").glob("*/stat"):
            try:
                states.append(task.read_text().rsplit(")", 1)[-1].split()[0])
            except OSError:  # a thread on its way out may not be readable: not gone yet
                states.append("?")
        if states and all(state == "Z" for state in states):
            return True
        time.sleep(0.02)
    return False


def test_requests_for_the_sandbox_url_are_answered_by_the_child_which_keeps_them(
    process: SandboxProcess,
) -> None:
    with client(process) as http:
        first = http.post(UPSERT, json={"inputs": [event(1), event(2)]})
        again = http.post(UPSERT, json={"inputs": [event(1)]})
        listed = http.get("/marketing/v3/marketing-events/")
    assert first.status_code == 200
    ids = {r["eventName"]: r["id"] for r in first.json()["results"]}
    assert set(ids) == {"Event 1", "Event 2"}
    # the same event again: the child held it, so it has the id it was given the first time
    assert again.json()["results"][0]["id"] == ids["Event 1"]
    # the demo portal: a second app's events were there before anything was sent
    names = [e["eventName"] for e in listed.json()["results"]]
    assert any("partner listing" in name for name in names)
    assert process.pid is not None
    assert process.pid != os.getpid()


def test_a_child_that_died_is_replaced_and_the_log_says_what_was_lost(
    process: SandboxProcess, caplog: pytest.LogCaptureFixture
) -> None:
    with client(process) as http:
        assert http.post(UPSERT, json={"inputs": [event(1)]}).status_code == 200
        first = process.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert dead(first)
        with caplog.at_level(logging.WARNING):
            answer = http.post(UPSERT, json={"inputs": [event(1)]})
    assert answer.status_code == 200
    assert process.pid not in (None, first)
    assert f"the sandbox (pid {first}) ended" in caplog.text
    assert "the events it held are gone" in caplog.text


def test_after_stop_the_child_has_gone_and_a_request_is_a_connection_error(
    process: SandboxProcess,
) -> None:
    process.start()
    pid = process.pid
    assert pid is not None
    process.stop()
    assert dead(pid)
    with client(process) as http, pytest.raises(httpx.ConnectError, match="sandbox has stopped"):
        http.get("/marketing/v3/marketing-events/")


def test_a_child_that_cannot_start_says_so_with_its_exit_status(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = SandboxProcess(("--latency", "soon"))
    try:
        with caplog.at_level(logging.INFO), pytest.raises(SandboxUnavailableError) as raised:
            broken.base_url()
    finally:
        broken.stop()
    assert str(raised.value) == "the sandbox did not start (exit status 2)"
    # the child's own words are in the log
    assert "'soon': use seconds of 0 or more" in caplog.text


def test_the_child_stops_when_the_program_that_started_it_is_killed() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from hubevents_gui.hubspot.sandbox.process import SandboxProcess\n"
            "p = SandboxProcess(()); p.base_url(); print(p.pid, flush=True)\n"
            "import time; time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        parent.kill()  # SIGKILL: no chance to stop its child
    assert dead(child)


def test_lines_before_the_url_are_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a sitecustomize that prints, as some Python installations have
    (tmp_path / "sitecustomize.py").write_text("print('hello from sitecustomize')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), *sys.path]))
    noisy = SandboxProcess(())
    try:
        assert noisy.base_url().startswith("http://127.0.0.1:")
    finally:
        noisy.stop()


def test_a_child_that_does_not_say_where_it_serves_in_time_is_killed_and_replaced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    slow = SandboxProcess((), timeout=0.01)  # no child says where it serves that fast
    try:
        with caplog.at_level(logging.WARNING), pytest.raises(SandboxUnavailableError) as raised:
            slow.base_url()
        first = slow.pid
        assert first is not None
        assert str(raised.value) == "the sandbox did not start within 0.01 seconds"
        assert f"the sandbox (pid {first}) did not start in time: killed" in caplog.text
        assert dead(first)
        # the next request is not kept waiting on that one: another starts and serves
        slow.timeout = 30.0
        assert slow.base_url().startswith("http://127.0.0.1:")
        assert slow.pid != first
    finally:
        slow.stop()
