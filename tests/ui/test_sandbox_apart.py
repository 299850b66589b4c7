"""The window's sandbox in a process of its own, as the app runs it: runs and reads go there,
it keeps what it was sent between runs, and it goes when the window closes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hubevents_gui.ui.main_window import MainWindow
from tests.hubspot.test_sandbox_process import dead
from tests.ui.conftest import load, run_all

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc to see the sandbox's process end"
)


def test_runs_go_to_the_sandbox_process_which_keeps_them_until_the_window_closes(
    qtbot: QtBot, window: MainWindow
) -> None:
    controller = window.controller
    controller.serve_sandbox_apart(("--demo",))  # the app's, without the latency
    load(qtbot, window)
    first = run_all(qtbot, window)
    assert first.counts.created == 23  # type: ignore[attr-defined]
    child = controller.sandbox_pid
    assert child is not None
    assert Path(f"/proc/{child}").exists()
    # the child held the events: the same rows again are updates
    second = run_all(qtbot, window)
    assert second.counts.updated == 23  # type: ignore[attr-defined]
    for pane in window.panes:  # nothing to save: the window closes without asking
        pane.set_modified(False)
    assert window.close()
    assert dead(child)


def test_the_in_process_simulator_replaces_the_process_and_stops_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    from hubevents_gui.hubspot.sandbox import Sandbox, SandboxConfig

    controller = window.controller
    controller.serve_sandbox_apart(("--demo",))
    load(qtbot, window)
    run_all(qtbot, window)
    child = controller.sandbox_pid
    assert child is not None
    controller.sandbox = Sandbox(SandboxConfig())
    assert dead(child)
    report = run_all(qtbot, window)
    # a new simulator: it held none of them
    assert report.counts.created == 23  # type: ignore[attr-defined]
