"""Run history: every run recorded with its rows' payloads and outcomes, listed in the window,
opened in a dialog, exported as a workbook."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from hubevents_gui.app import create_window
from hubevents_gui.hubspot.sandbox import Sandbox, SandboxConfig
from hubevents_gui.ui.dialogs.history_dialog import RunDialog
from hubevents_gui.ui.settings import AppSettings
from tests.ui.conftest import SAMPLE


def test_runs_with_failures_are_recorded_listed_and_exported(
    qtbot: QtBot, settings: AppSettings, tmp_path: Path
) -> None:
    window = create_window(settings, sandbox=True)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(SAMPLE)
    controller = window.controller
    # HubSpot's daily limit after one request: 10 rows created, the other 13 not sent
    controller.sandbox = Sandbox(SandboxConfig(daily_limit=1))
    controller.connection.settings = replace(
        controller.connection.settings, batch_size=10, concurrency=1
    )
    with qtbot.waitSignal(controller.run_finished, timeout=20_000):
        window.running.upsert_all()
    runs = window.history_dock.runs

    def finished_run_listed() -> bool:
        listed = runs.topLevelItem(0) if runs.topLevelItemCount() == 1 else None
        return listed is not None and listed.text(8) == "daily limit reached"

    qtbot.waitUntil(finished_run_listed, timeout=5_000)
    item = runs.topLevelItem(0)
    assert item is not None
    assert [item.text(c) for c in range(3, 9)] == [
        "23",
        "10",
        "0",
        "0",
        "13",
        "daily limit reached",
    ]
    assert item.text(1) == "sample-events.xlsx"
    assert item.text(2) == "sandbox"

    history = controller.history
    run = history.runs()[0]
    rows = history.rows(run.id)
    assert len(rows) == 23
    by_event = {r.payload["externalEventId"]: r for r in rows}
    first = by_event["WEB-2026-001"]
    assert first.payload["startDateTime"] == "2026-03-10T15:00:00.000Z"
    assert first.status == "created"
    assert first.hubspot_id
    assert first.done is not None
    not_sent = [r for r in rows if r.status == "not sent"]
    assert len(not_sent) == 13
    assert "daily request limit" in not_sent[0].message
    assert history.confirmed_batches(run.id) == {0: (10, 10), 1: (0, 10), 2: (0, 3)}

    dialog = RunDialog(history, run, window)
    qtbot.addWidget(dialog)
    assert dialog.rows_model.rowCount() == 23
    assert "10 created" in dialog.summary.text()
    target = tmp_path / "run.xlsx"
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        dialog.export(target)
    sheet = load_workbook(target).active
    assert sheet is not None
    exported = list(sheet.iter_rows(values_only=True))
    header = exported[0]
    assert header[:2] == ("Spreadsheet row", "Batch")
    assert "Status" in header
    assert "HubSpot ID" in header
    statuses = [r[header.index("Status")] for r in exported[1:]]
    assert statuses.count("created") == 10
    window.setWindowModified(False)
    window.close()
