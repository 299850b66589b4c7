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

from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.journal import read_journal
from hubevents_gui.core.package_data import sample_path
from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.session_files import sessions_dir
from hubevents_gui.ui.main_window import MainWindow
from hubevents_gui.ui.settings import AppSettings
from tests.conftest import REPO
from tests.ui.conftest import OpenWindow
from tests.ui.state import table_state


def crash(mode: str, settings: AppSettings, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "before-the-kill.json"
    settings.sync()
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.crash_session", mode, settings.file_name, str(out)],
        cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == -9, done.stderr[-2000:]  # it really was killed
    assert list(sessions_dir().glob("session-*.sqlite"))  # its journal is left behind
    state: dict[str, object] = json.loads(out.read_text())
    return state


def restart(qtbot: QtBot, open_window: OpenWindow) -> dict[str, Any]:
    window = open_window()
    qtbot.waitUntil(lambda: bool(window.document.rows), timeout=10_000)
    assert window.isWindowModified()
    state = table_state(window.model)
    window.setWindowModified(False)
    window.close()
    return state


def test_a_kill_during_edits_loses_nothing(
    qtbot: QtBot, settings: AppSettings, open_window: OpenWindow, tmp_path: Path
) -> None:
    before = crash("edits", settings, tmp_path)
    after = restart(qtbot, open_window)
    assert after == before
    names = [r["cells"]["eventName"] for r in after["rows"]]
    assert "Renamed before the crash" in names
    assert "A row added by hand" in names
    assert "custom:language" in after["columns"]


def test_a_kill_during_a_sandbox_run(
    qtbot: QtBot, settings: AppSettings, open_window: OpenWindow, tmp_path: Path
) -> None:
    before = crash("run", settings, tmp_path)
    after = restart(qtbot, open_window)
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
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    window = open_window()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(sample_path("events"))
    name = window.document.column_of("eventName")
    assert name is not None
    window.model.setData(window.model.index(0, name), "Changed")
    assert window.autosaver is not None
    window.autosaver.flush()
    journal = window.autosaver.path
    assert journal.exists()  # the edit is journaled
    assert window.saving.save_to(tmp_path / "results.xlsx", wait=True)
    window.close()
    assert not journal.exists()
    assert not list(sessions_dir().iterdir())  # nor its lock: nothing to recover


def _rename_first(qtbot: QtBot, window: MainWindow, name: str) -> None:
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(sample_path("events"))
    column = window.document.column_of("eventName")
    assert column is not None
    window.model.setData(window.model.index(0, column), name)
    assert window.autosaver is not None
    window.autosaver.flush()


def _die(window: MainWindow) -> None:
    """What a crash leaves: the journal as it was, the lock gone with the process."""
    for pane in window.panes:  # each tab's journal
        autosaver = pane.autosaver
        assert autosaver is not None
        autosaver.flush()  # what autosave had written by then
        autosaver.timer.stop()
        autosaver.journal.close()
        autosaver.held.release()
        pane.autosaver = None
        pane.set_modified(False)
    window.close()


def test_two_windows_keep_their_own_journal_and_are_recovered_each_on_its_own(
    qtbot: QtBot, open_window: OpenWindow, answered: list[str]
) -> None:
    first, second = open_window(), open_window()
    _rename_first(qtbot, first, "Edited in the first window")
    _rename_first(qtbot, second, "Edited in the second window")
    assert first.autosaver is not None
    first_journal = first.autosaver.path
    # the second one closes cleanly, after discarding: the first one's work stays safe
    second.pane.keep_journal = False
    second.setWindowModified(False)
    second.close()
    assert first_journal.exists()
    third = open_window()
    assert not third.document.rows  # nothing offered: the first window is alive
    _rename_first(qtbot, third, "Edited in the third window")
    # both crash
    _die(first)
    _die(third)
    # each session is offered on its own, newest first, never mixed
    answered.clear()
    again = open_window()
    qtbot.waitUntil(lambda: bool(again.document.rows), timeout=10_000)
    names = {r.values.get("eventName") for r in again.document.rows}
    assert "Edited in the third window" in names
    assert "Edited in the first window" not in names
    assert "1 other window also left unsaved work" in answered[0]
    again.setWindowModified(False)
    again.close()
    last = open_window()
    qtbot.waitUntil(lambda: bool(last.document.rows), timeout=10_000)
    names = {r.values.get("eventName") for r in last.document.rows}
    assert "Edited in the first window" in names
    assert "Edited in the third window" not in names
    last.setWindowModified(False)
    last.close()


def test_both_tabs_unsaved_work_comes_back_each_in_its_tab(
    qtbot: QtBot, open_window: OpenWindow, answered: list[str]
) -> None:
    window = open_window()
    _rename_first(qtbot, window, "Edited event")
    raw = sample_path("attendees")
    from hubevents_gui.core.sheets import guess_mapping, open_sheet

    headers = open_sheet(raw).headers
    window.settings.remember_mapping(headers, guess_mapping(headers))
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(raw)
    column = window.document.column_of("firstname")
    assert column is not None
    window.model.setData(window.model.index(0, column), "Edited attendee")
    _die(window)
    answered.clear()
    again = open_window()
    events, attendees = again.panes
    qtbot.waitUntil(lambda: bool(events.document.rows and attendees.document.rows), timeout=10_000)
    assert len(answered) == 2  # asked about each, one after the other
    assert events.document.rows[0].values["eventName"] == "Edited event"
    assert attendees.document.rows[0].values["firstname"] == "Edited attendee"
    assert events.modified  # still unsaved: they were never saved
    assert attendees.modified
    for pane in again.panes:
        pane.set_modified(False)
    again.close()


def test_a_damaged_journal_is_moved_aside_and_said_once(
    qtbot: QtBot, open_window: OpenWindow, answered: list[str]
) -> None:
    folder = sessions_dir()
    folder.mkdir(parents=True)
    (folder / "session-20261201-120000-1-abc.sqlite").write_bytes(b"garbage" * 500)
    window = open_window()
    qtbot.waitUntil(lambda: bool(answered))
    assert len(answered) == 1
    assert "session-20261201-120000-1-abc.sqlite was damaged and was moved aside" in answered[0]
    assert list(folder.glob("*.damaged-*"))
    assert not window.document.rows
    window.close()
    # said once: the next start finds nothing to say
    answered.clear()
    window = open_window()
    qtbot.wait(100)
    assert answered == []
    window.close()


def test_a_damaged_run_history_is_replaced_and_said_without_a_failure_badge(
    qtbot: QtBot, open_window: OpenWindow, answered: list[str]
) -> None:
    from tests.ui.conftest import run_all

    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "history.sqlite").write_bytes(b"garbage, not a database" * 300)
    window = open_window()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(sample_path("events"))
    run_all(qtbot, window)
    qtbot.waitUntil(lambda: any("history.sqlite was damaged" in a for a in answered))
    assert window.run_status.storage.text() == ""  # nothing failed: no warning badge
    assert list(data_dir().glob("history.sqlite.damaged-*"))
    window.controller.history.flush()
    (run,) = window.controller.history.runs()
    assert run.created == 23
    window.setWindowModified(False)
    window.close()


def test_a_data_folder_that_takes_no_files_still_gives_a_window(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    from hubevents_gui.core.session_files import sessions_dir

    sessions_dir().parent.mkdir(parents=True, exist_ok=True)
    sessions_dir().write_text("a file where the sessions folder should be")
    window = open_window()  # no traceback: the window opens
    assert window.autosaver is not None
    # the journal's failure is said in the status bar, even though it came before the window
    qtbot.waitUntil(lambda: bool(window.run_status.storage.text()))
    assert "opening session-" in window.run_status.storage.toolTip()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(sample_path("events"))
    assert window.document.rows  # and works
    window.setWindowModified(False)
    window.close()


def test_a_journal_started_afresh_gets_the_whole_table_again(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(sample_path("events"))
    assert window.autosaver is not None
    window.autosaver.flush()

    def all_to_write() -> bool:
        return window.document.dirty.everything

    assert not all_to_write()
    window.autosaver.failed.emit(
        "session-x.sqlite was damaged: it was moved aside to session-x.sqlite.damaged-1 (in /d) "
        "and a fresh one was started"
    )
    assert all_to_write()  # the next save writes every row, not only the changes
    window.autosaver.flush()
    session = read_journal(window.autosaver.path)
    assert session is not None
    assert len(session.table.rows) == 25
    window.setWindowModified(False)
    window.close()


def test_many_rows_queued_at_once_are_journaled_a_slice_a_save_and_all_of_them(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    from hubevents_gui.core.rows import RowStatus
    from hubevents_gui.ui import autosave
    from tests.helpers import HEADER, write_csv

    count = autosave._OUTCOMES_PER_SAVE * 2 + 7
    path = write_csv(tmp_path / "many.csv", [HEADER, *(["a", n, "n", "o"] for n in range(count))])
    window = open_window()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(path)
    assert window.autosaver is not None
    window.autosaver.flush()
    document = window.document
    document.mark([r.row_id for r in document.rows], RowStatus.NOT_SENT, lock=False)
    window.autosaver.save_changes()
    assert len(document.dirty.outcomes) == count - autosave._OUTCOMES_PER_SAVE  # the rest wait
    while document.dirty.outcomes:  # saves go on until nothing waits
        window.autosaver.flush()
    session = read_journal(window.autosaver.path)
    assert session is not None
    assert len(session.states) == count
    window.setWindowModified(False)
    window.close()
