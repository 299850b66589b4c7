"""Autosave and recovery: kill the app during edits and during a sandbox run, start it again,
and compare the restored table with the one before the kill."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from hubevents_gui.app import create_window
from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.paths import data_dir
from hubevents_gui.ui.autosave import journal_path, pending_session
from hubevents_gui.ui.settings import AppSettings
from tests.conftest import REPO
from tests.ui.state import table_state


def crash(mode: str, settings: AppSettings, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "before-the-kill.json"
    settings.sync()
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.crash_session", mode, settings.file_name, str(out)],
        cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == -9, done.stderr[-2000:]  # it really was killed
    assert journal_path().exists()
    state: dict[str, object] = json.loads(out.read_text())
    return state


def restart(qtbot: QtBot, settings: AppSettings) -> dict[str, Any]:
    window = create_window(settings, sandbox=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.document.rows), timeout=10_000)
    assert window.isWindowModified()
    state = table_state(window.model)
    window.setWindowModified(False)
    window.close()
    return state


def test_a_kill_during_edits_loses_nothing(
    qtbot: QtBot, settings: AppSettings, tmp_path: Path
) -> None:
    before = crash("edits", settings, tmp_path)
    after = restart(qtbot, settings)
    assert after == before
    names = [r["cells"]["eventName"] for r in after["rows"]]
    assert "Renamed before the crash" in names
    assert "A row added by hand" in names
    assert "custom:language" in after["columns"]


def test_a_kill_during_a_sandbox_run(qtbot: QtBot, settings: AppSettings, tmp_path: Path) -> None:
    before = crash("run", settings, tmp_path)
    after = restart(qtbot, settings)
    created_before = {r["id"]: r["hubspot_id"] for r in before["rows"] if r["status"] == "CREATED"}
    created_after = {r["id"]: r["hubspot_id"] for r in after["rows"] if r["status"] == "CREATED"}
    assert created_before
    assert created_after == created_before  # every confirmed row kept its HubSpot id
    # the rows that were queued or in flight got no answer: they are "not sent", to send again
    interrupted = [r for r in after["rows"] if r["status"] == "NOT_SENT"]
    assert len(interrupted) == 23 - len(created_before)

    def strip(state: dict[str, Any]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "status"} for r in state["rows"]]

    assert strip(after) == strip(before)
    # the history shows the killed run as interrupted, with exactly the rows HubSpot confirmed
    history = RunHistory(data_dir() / "history.sqlite")
    run = history.runs()[0]
    assert run.interrupted
    assert run.created == len(created_before)
    confirmed = {r.row_id: r.hubspot_id for r in history.rows(run.id) if r.status == "created"}
    assert confirmed == created_before


def test_a_clean_close_after_saving_leaves_nothing_to_recover(
    qtbot: QtBot, settings: AppSettings, tmp_path: Path
) -> None:
    window = create_window(settings, sandbox=True)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(REPO / "resources" / "sample-events.xlsx")
    name = window.document.column_of("eventName")
    assert name is not None
    window.model.setData(window.model.index(0, name), "Changed")
    assert window.autosaver is not None
    window.autosaver.flush()
    assert pending_session() is not None  # the edit is journaled
    assert window.saving.save_to(tmp_path / "results.xlsx", wait=True)
    window.close()
    assert pending_session() is None
    assert not journal_path().exists()
