"""Run history: every run recorded with its rows' payloads and outcomes, listed in the window
with what became of it, opened in a dialog whose columns fit their text, exported as a workbook
where the user chose."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QFileDialog
from pytestqt.qtbot import QtBot

from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Tally
from hubevents_gui.hubspot.sandbox import Sandbox, SandboxConfig
from hubevents_gui.ui.dialogs.history_dialog import RunDialog
from hubevents_gui.ui.history_panel import HEADERS
from hubevents_gui.ui.main_window import MainWindow
from tests.ui.conftest import SAMPLE, OpenWindow


def test_runs_with_failures_are_recorded_listed_and_exported(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the run must start and meet HubSpot's daily limit midway: the check before it is tested
    # on its own (tests/ui/test_quota.py)
    monkeypatch.setattr("hubevents_gui.ui.running.shortfall", lambda *_a: None)
    window = open_window()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(SAMPLE)
    controller = window.controller
    # HubSpot's daily limit after the usage read, the read of the events' prior copy (kept so
    # that the run can be undone) and one upsert: 10 rows created, 13 not sent
    controller.sandbox = Sandbox(SandboxConfig(daily_limit=3))
    controller.connection.settings = replace(
        controller.connection.settings, batch_size=10, concurrency=1
    )
    with qtbot.waitSignal(controller.run_finished, timeout=20_000):
        window.running.upsert_all()
    runs = window.history_dock.runs

    def finished_run_listed() -> bool:
        listed = runs.topLevelItem(0) if runs.topLevelItemCount() == 1 else None
        ended = HEADERS.index("Ended")
        return listed is not None and listed.text(ended) == "stopped: daily limit reached"

    qtbot.waitUntil(finished_run_listed, timeout=5_000)
    item = runs.topLevelItem(0)
    assert item is not None
    assert [item.text(c) for c in range(HEADERS.index("Rows"), len(HEADERS))] == [
        "23",
        "10",
        "0",
        "0",
        "0",
        "13",
        "stopped: daily limit reached",
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
    assert (
        dialog.summary.text() == "Stopped: daily limit reached. 23 rows: 10 created, 13 not sent."
    )
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


def _record_runs(window: MainWindow) -> None:
    """Two runs, as HubSpot and a killed process leave them: every row of one failed (a finish
    record with 12 failed), the other stopped dead after 5 created and 1 not sent."""
    history = window.controller.history
    rows = [
        (RowId(i), i + 2, i // 5, {"externalEventId": f"WEB-2026-{i:03d}", "eventName": LONG_NAME})
        for i in range(12)
    ]
    failed = history.start_run("https://api.hubapi.com (v3)", "/x/q1-events.xlsx", "Events", rows)
    message = "startDateTime must be before endDateTime"
    outcomes = [
        Outcome(RowId(i), RowStatus.FAILED, message=message, http_status=400) for i in range(12)
    ]
    history.record_outcomes(failed, outcomes)
    history.finish_run(failed, Tally(failed=12), 3, "")
    killed = history.start_run("sandbox", "/x/sample-events.xlsx", "Events", rows)
    created = [Outcome(RowId(i), RowStatus.CREATED, hubspot_id=f"51000{i:05d}") for i in range(5)]
    history.record_outcomes(killed, created)
    history.record_outcomes(killed, [Outcome(RowId(5), RowStatus.NOT_SENT, message="not sent")])
    history.flush()
    window.history_dock.show()
    window.history_dock.raise_()
    window.history_dock.refresh()


LONG_NAME = "Quarterly partner enablement webinar: EMEA and APAC edition"


def test_the_panel_says_what_became_of_each_run_and_its_counts_add_up(
    qtbot: QtBot, window: MainWindow
) -> None:
    _record_runs(window)
    runs = window.history_dock.runs
    assert runs.topLevelItemCount() == 2
    killed, failed = runs.topLevelItem(0), runs.topLevelItem(1)
    assert killed is not None
    assert failed is not None
    # every row failed: not a success
    assert failed.text(HEADERS.index("Ended")) == "failed"
    assert failed.toolTip(0) == "Failed. 12 rows: 12 failed."
    # killed: every row in a count, those never answered among the not sent
    assert killed.text(HEADERS.index("Ended")) == "interrupted"
    counts = [int(killed.text(c)) for c in range(HEADERS.index("Rows"), HEADERS.index("Ended"))]
    assert counts == [12, 5, 0, 0, 0, 7]
    assert killed.toolTip(0) == "Interrupted. 12 rows: 5 created, 1 not sent, 6 with no answer."
    dialog = RunDialog(window.controller.history, killed.data(0, Qt.ItemDataRole.UserRole), window)
    qtbot.addWidget(dialog)
    assert dialog.summary.text() == (
        "Interrupted. 12 rows: 5 created, 1 not sent, 6 with no answer. HubSpot confirmed "
        "batches 1 of 3; the other rows may need sending again."
    )
    statuses = [dialog.rows_model.index(r, 4).data() for r in range(12)]
    assert statuses == ["created"] * 5 + ["not sent"] + ["no answer"] * 6


def _needed(view: QAbstractItemView, text: str) -> int:
    return view.fontMetrics().horizontalAdvance(text)


def test_columns_fit_their_text_and_the_message_takes_the_rest(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _record_runs(window)
    runs = window.history_dock.runs
    items = [runs.topLevelItem(r) for r in range(runs.topLevelItemCount())]
    assert all(items)
    for column in range(len(HEADERS) - 1):
        texts = [runs.headerItem().text(column)]
        texts += [item.text(column) for item in items if item is not None]
        assert runs.columnWidth(column) >= max(_needed(runs, t) for t in texts), HEADERS[column]
    run = window.controller.history.runs()[1]
    dialog = RunDialog(window.controller.history, run, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table, model = dialog.table, dialog.rows_model
    last = model.columnCount() - 1
    for column in range(last):
        texts = [str(model.headerData(column, Qt.Orientation.Horizontal))]
        texts += [str(model.index(r, column).data()) for r in range(model.rowCount())]
        assert table.columnWidth(column) >= max(_needed(table, t) for t in texts), texts[0]
    assert table.rowHeight(0) < 2 * table.fontMetrics().height()  # one line a row
    widths = sum(table.columnWidth(c) for c in range(last + 1))
    assert widths >= table.viewport().width()  # the message column reaches the edge
    dialog.grab().save(str(tmp_path / "run-dialog.png"))  # to look at when this fails
    dialog.close()


def test_export_asks_where_proposing_the_last_folder_and_says_where_it_went(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record_runs(window)
    folder = tmp_path / "last"
    folder.mkdir()
    window.settings.add_recent(folder / "sample-events.xlsx")  # the last file opened was here
    asked: list[str] = []

    def save_name(_parent: object, _title: str, proposed: str, _filter: str) -> tuple[str, str]:
        asked.append(proposed)
        return str(tmp_path / "chosen"), "Excel workbook (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    opened: list[RunDialog] = []

    def shown(dialog: RunDialog) -> int:
        opened.append(dialog)  # and not waited for: the test clicks in it
        return 0

    monkeypatch.setattr(RunDialog, "exec", shown)
    runs = window.history_dock.runs
    item = runs.topLevelItem(0)
    assert item is not None
    runs.itemDoubleClicked.emit(item, 0)
    (dialog,) = opened
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        dialog.export_button.click()
    (proposed,) = asked
    assert Path(proposed).parent == folder  # never the working directory
    assert re.fullmatch(r"sample-events-run-\d{4}-\d\d-\d\d-\d{4}\.xlsx", Path(proposed).name)
    written = tmp_path / "chosen.xlsx"
    sheet = load_workbook(written).active
    assert sheet is not None
    assert sheet.max_row == 13  # the header and the 12 rows
    assert dialog.export_status.text() == f"Exported 12 rows to {written}."
    dialog.close()
    # the next export proposes the folder this one went to
    asked.clear()
    runs.itemDoubleClicked.emit(item, 0)
    with qtbot.waitSignal(opened[-1].exported, timeout=10_000):
        opened[-1].export_button.click()
    assert Path(asked[0]).parent == tmp_path
    opened[-1].close()


def test_export_without_a_last_folder_proposes_documents_or_home(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record_runs(window)
    asked: list[str] = []

    def cancel(_parent: object, _title: str, proposed: str, _filter: str) -> tuple[str, str]:
        asked.append(proposed)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", cancel)
    dialog = RunDialog(window.controller.history, window.controller.history.runs()[0], window)
    qtbot.addWidget(dialog)
    dialog.export_button.click()
    documents = Path.home() / "Documents"
    assert Path(asked[0]).parent in (documents, Path.home())
    assert Path(asked[0]).is_absolute()
    assert dialog.export_status.text() == ""  # cancelled: nothing written, nothing said


def test_an_export_that_fails_says_so_in_one_sentence(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answered: list[str],
) -> None:
    _record_runs(window)
    target = tmp_path / "gone" / "run.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args: (str(target), "Excel workbook (*.xlsx)")
    )
    dialog = RunDialog(window.controller.history, window.controller.history.runs()[0], window)
    qtbot.addWidget(dialog)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=10_000)
    (said,) = answered
    assert said.startswith("'run.xlsx' cannot be written: ")
    assert "Traceback" not in said
    assert "\n" not in said
    assert dialog.export_status.text() == f"Not exported: {said.rstrip('.')}."
    assert not target.parent.exists()


def test_a_window_run_keeps_hubspots_prior_copy_so_it_can_be_undone(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(SAMPLE)
    controller = window.controller
    for _ in range(2):  # created, then updated
        with qtbot.waitSignal(controller.run_finished, timeout=20_000):
            window.running.upsert_all()
    assert "from HubSpot before the run" in window.statusBar().currentMessage()
    controller.history.flush()  # written on its own thread
    second, first = controller.history.runs()[:2]
    assert first.has_snapshot
    assert second.has_snapshot
    assert set(controller.history.snapshots(first.id).values()) == {None}  # none held before
    priors = controller.history.snapshots(second.id)
    assert len(priors) == 23
    assert all(prior is not None for prior in priors.values())  # as the first run left them
