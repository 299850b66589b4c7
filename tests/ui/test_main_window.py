"""The window end to end: open the sample, upsert against the sandbox, cancel, a rejected token,
the keyring flows, the mapping dialog, results workbooks, and names for every control."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from hubevents_gui.core.rows import RowStatus
from hubevents_gui.core.sheets import guess_mapping, open_sheet
from hubevents_gui.hubspot.sandbox import Faults, Sandbox, SandboxConfig, SandboxServer, TokenInfo
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.ui.connection import Connection
from hubevents_gui.ui.dialogs.connection_dialog import ConnectionDialog
from hubevents_gui.ui.dialogs.mapping_dialog import IGNORE, MappingDialog
from hubevents_gui.ui.main_window import MainWindow
from hubevents_gui.ui.row_order import RowFilter
from hubevents_gui.ui.settings import AppSettings
from tests.helpers import write_xlsx
from tests.ui.conftest import OpenWindow, load, run_all


def test_the_sample_opens_and_says_sandbox(qtbot: QtBot, window: MainWindow) -> None:
    assert "Sandbox:" in window.banner.text()
    assert "nothing leaves this computer" in window.banner.text()
    load(qtbot, window)
    assert window.windowTitle() == "sample-events.xlsx[*] — hubevents"
    assert not window.isWindowModified()
    assert window.run_status.counts.text() == "25 rows: 23 valid, 2 invalid"
    issues = window.issues_dock.model
    qtbot.waitUntil(lambda: issues.rowCount() == 2)
    # named by the column the user sees, not the API's key
    assert issues.index(0).data() == "Events!H25 (Event URL): not an absolute http(s) URL"
    assert "Europe/Berlin" in window.run_status.zone.text()


def test_a_full_run_colours_rows_and_a_second_run_updates(
    qtbot: QtBot, window: MainWindow, answered: list[str]
) -> None:
    load(qtbot, window)
    report = run_all(qtbot, window)
    assert "2 invalid rows will be skipped; 23 rows will be sent" in answered[-1]
    assert (report.counts.created, report.counts.failed, report.counts.not_sent) == (23, 0, 0)  # type: ignore[attr-defined]
    model = window.model
    statuses = [model.document.status_of(r.row_id) for r in model.document.rows]
    assert statuses.count(RowStatus.CREATED) == 23
    assert statuses.count(RowStatus.NEW) == 2
    sandbox = window.controller.sandbox
    for row in model.document.rows:
        outcome = model.document.outcomes.get(row.row_id)
        if outcome is not None:
            event = sandbox.event(424242, "acme-events", str(row.values["externalEventId"]))
            assert event is not None
            assert outcome.hubspot_id == event["id"]
    status_column = model.document.column_of("status")
    assert status_column is not None
    first = model.index(0, status_column)
    assert first.data() == "created"
    assert first.data(Qt.ItemDataRole.BackgroundRole) == model.style.backgrounds[RowStatus.CREATED]
    assert window.isWindowModified()
    report = run_all(qtbot, window)
    assert report.counts.updated == 23  # type: ignore[attr-defined]
    assert first.data() == "updated"


def test_fix_then_retry_sends_only_the_fixed_row(qtbot: QtBot, window: MainWindow) -> None:
    load(qtbot, window)
    run_all(qtbot, window)
    model = window.model
    window.filter_combo.setCurrentIndex(list(RowFilter).index(RowFilter.INVALID))
    assert model.rowCount() == 2
    url = model.index(0, model.document.column_of("eventUrl") or 0)
    assert model.setData(url, "https://www.acme.example/fixed")
    window.filter_combo.setCurrentIndex(0)
    # the fixed row was never sent: Upsert Selected on it sends just that row
    fixed = next(r for r in model.document.rows if r.source_row == 25)
    view_row = model.document.view_row_of(fixed.row_id)
    assert view_row is not None
    window.table.selectRow(view_row)
    with qtbot.waitSignal(window.controller.run_finished, timeout=20_000) as finished:
        window.running.upsert_selected()
    assert finished.args[0].counts.created == 1
    assert model.document.status_of(fixed.row_id) is RowStatus.CREATED


def test_cancel_mid_run(qtbot: QtBot, window: MainWindow) -> None:
    load(qtbot, window)
    controller = window.controller
    controller.sandbox = Sandbox(SandboxConfig(faults=Faults(latency=0.2)))
    controller.connection.settings = replace(
        controller.connection.settings, batch_size=1, concurrency=1
    )
    with qtbot.waitSignal(controller.run_finished, timeout=30_000) as finished:
        window.running.upsert_all()
        qtbot.waitUntil(
            lambda: any(s.done for s in window.document.states.values()), timeout=10_000
        )
        window.running.cancel()
    report = finished.args[0]
    assert report.stopped is not None
    assert 1 <= report.counts.created < 23
    statuses = [window.document.status_of(r.row_id) for r in window.document.rows]
    assert statuses.count(RowStatus.NOT_SENT) == 23 - report.counts.created
    assert not window.document.locked  # nothing stays read-only
    assert window.action("actionRetryFailed").isEnabled()


def test_a_rejected_token_opens_the_connection_dialog_with_the_reason(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def fake_exec(dialog: ConnectionDialog) -> int:
        seen.append(dialog.reason.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ConnectionDialog, "exec", fake_exec)
    load(qtbot, window)
    config = SandboxConfig(tokens={"pat-na1-good": TokenInfo(app_id=1)})
    with SandboxServer(Sandbox(config)) as server:
        window.controller.set_connection(
            Connection(
                sandbox=False,
                settings=ConnectionSettings(base_url=server.base_url),
                token="pat-na1-expired",
            ),
            save_token=False,
        )
        assert "HubSpot:" in window.banner.text()
        report = run_all(qtbot, window)
    assert report.stopped is not None  # type: ignore[attr-defined]
    assert len(seen) == 1
    assert "HTTP 401" in seen[0]
    assert "INVALID_AUTHENTICATION" in seen[0]
    assert "pat-na1-expired" not in seen[0]
    statuses = {window.document.status_of(r.row_id) for r in window.document.rows}
    assert statuses == {RowStatus.NOT_SENT, RowStatus.NEW}


@pytest.mark.usefixtures("null_keyring")
def test_without_a_secure_keyring_the_token_is_kept_for_the_session(
    qtbot: QtBot, window: MainWindow, settings: AppSettings, answered: list[str]
) -> None:
    dialog = ConnectionDialog(window.controller, parent=window)
    qtbot.addWidget(dialog)
    assert "no secure keyring" in dialog.keyring_note.text()
    dialog.hubspot.setChecked(True)
    dialog.token.setText("pat-na1-session-only")
    dialog.accept()
    assert dialog.note is not None
    assert "this session only" in dialog.note
    assert window.controller.connection.token == "pat-na1-session-only"
    assert window.controller.connection.session_only
    assert "session only" in window.banner.text()
    assert answered == []  # said once, in the dialog: no box on top of it
    settings.sync()
    assert "pat-na1-session-only" not in Path(settings.file_name).read_text()


def test_test_connection_shows_portal_app_and_scope_then_saves_the_token(
    qtbot: QtBot, window: MainWindow, memory_keyring: object
) -> None:
    config = SandboxConfig(tokens={"pat-na1-good": TokenInfo(app_id=77, hub_id=555)})
    with SandboxServer(Sandbox(config)) as server:
        dialog = ConnectionDialog(window.controller, parent=window)
        qtbot.addWidget(dialog)
        dialog.hubspot.setChecked(True)
        dialog.base_url.setText(server.base_url)
        dialog.token.setText("pat-na1-good")
        dialog.test.click()
        qtbot.waitUntil(lambda: dialog.checked_info is not None, timeout=10_000)
    assert "portal 555, app 77, write scope: yes" in dialog.result_label.text()
    assert memory_keyring.store[("hubevents", "hubspot-token")] == "pat-na1-good"  # type: ignore[attr-defined]
    dialog.clear.click()
    assert ("hubevents", "hubspot-token") not in memory_keyring.store  # type: ignore[attr-defined]
    dialog.reject()


def test_mapping_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "odd.xlsx",
        [["Acct", "Event Key", "Title", "Host", "Budget"], ["a", "1", "Launch", "Acme", "100"]],
    )
    raw = open_sheet(path)
    guess = guess_mapping(raw.headers)
    assert guess == [None, "externalEventId", "eventName", "eventOrganizer", None]
    dialog = MappingDialog(raw, guess, raw.peek(3), None)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    assert "missing required column 'External Account ID'" in dialog.problems.text()
    first = dialog.table.item(0, 1)
    assert first is not None
    assert first.text() == "a"
    dialog.combos[0].setCurrentIndex(dialog.combos[0].findData("externalAccountId"))
    dialog.combos[4].setCurrentIndex(dialog.combos[4].findData("custom:budget"))
    assert ok.isEnabled()
    assert dialog.combos[4].itemText(0) == IGNORE
    assert dialog.mapping() == [
        "externalAccountId",
        "externalEventId",
        "eventName",
        "eventOrganizer",
        "custom:budget",
    ]


def test_a_confirmed_mapping_is_remembered(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(
        tmp_path / "odd.xlsx", [["Acct", "Event Key", "Title", "Host"], ["a", "1", "n", "o"]]
    )
    shown: list[int] = []

    def confirm(dialog: MappingDialog) -> int:
        shown.append(1)
        dialog.combos[0].setCurrentIndex(dialog.combos[0].findData("externalAccountId"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MappingDialog, "exec", confirm)
    load(qtbot, window, path)
    assert window.run_status.counts.text() == "1 row: 1 valid, 0 invalid"
    load(qtbot, window, path)
    assert shown == [1]


def test_results_workbook(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    load(qtbot, window)
    run_all(qtbot, window)
    target = tmp_path / "results.xlsx"
    assert window.saving.save_to(target, wait=True)
    assert not window.isWindowModified()
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-4:] == ("Internal notes", "Status", "HubSpot ID", "Message")
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id["WEB-2026-001"][-3] == "created"
    assert by_id["WEB-2026-001"][-2]
    assert by_id["WEB-2026-011"][-3:] == ("invalid", None, "Event URL: not an absolute http(s) URL")


def test_results_added_to_the_original_workbook_keep_its_other_sheets(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    load(qtbot, window)
    run_all(qtbot, window)
    target = tmp_path / "with-results.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    with qtbot.waitSignal(window.controller.results_saved, timeout=10_000):
        window.saving.add_to_source()
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Events", "About"]
    sheet = workbook["Events"]
    assert [sheet.cell(1, c).value for c in (16, 17, 18)] == ["Status", "HubSpot ID", "Message"]
    assert sheet.cell(2, 16).value == "created"
    assert sheet.cell(1, 1).font.bold  # the header's formatting is kept


def test_every_action_and_control_has_an_object_name(qtbot: QtBot, window: MainWindow) -> None:
    load(qtbot, window)
    unnamed = [
        a.text()
        for a in window.findChildren(QAction)
        if a.text() and not a.objectName() and not a.isSeparator() and a.menu() is None
    ]
    assert unnamed == []
    for widget in (
        window.table,
        window.issues_dock.view,
        window.filter_combo,
        window.find_bar.edit,
        window.run_status.progress,
        window.banner,
        window.run_status.counts,
        window.run_status.zone,
    ):
        assert widget.objectName(), widget
    assert isinstance(window.findChild(QWidget, "eventTable"), QWidget)


def test_the_toolbar_shows_an_icon_and_a_tooltip_with_its_shortcut_for_each_action(
    qtbot: QtBot, window: MainWindow
) -> None:
    actions = [a for a in window.toolbar.actions() if a.objectName().startswith("action")]
    assert len(actions) >= 10
    for action in actions:
        # the icon theme's, or the one shipped in the package (an SVG that must load)
        assert not action.icon().pixmap(18, 18).isNull(), action.objectName()
        for key in action.shortcuts()[:1]:
            assert key.toString(QKeySequence.SequenceFormat.NativeText) in action.toolTip()
    assert "Ctrl+Return" in window.action("actionUpsertAll").toolTip()
    # rows can only be duplicated or deleted when there are some
    assert not window.action("actionDuplicateRows").isEnabled()
    assert not window.action("actionDeleteRows").isEnabled()
    load(qtbot, window)
    assert window.action("actionDuplicateRows").isEnabled()
    assert window.action("actionDeleteRows").isEnabled()


def test_shipped_icons_load_without_an_icon_theme() -> None:
    from hubevents_gui.ui.actions import ICONS
    from hubevents_gui.ui.icons import shipped_icon

    for name, (_theme, shipped) in ICONS.items():
        assert not shipped_icon(shipped).pixmap(24, 24).isNull(), name


def test_find(qtbot: QtBot, window: MainWindow) -> None:
    load(qtbot, window)
    window.find_bar.open_bar()
    window.find_bar.edit.setText("tokyo")
    window.find_bar.find_next()
    current = window.table.currentIndex()
    assert "Tokyo" in str(current.data())
    window.find_bar.edit.setText("no such text anywhere")
    window.find_bar.find_next()
    assert window.find_bar.status.text() == "not found"


def test_an_unreadable_file_is_one_clear_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, answered: list[str]
) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"\x00\x01 this is not a workbook" * 100)
    with qtbot.waitSignal(window.controller.import_failed, timeout=10_000):
        window.opening.open_path(path)
    assert answered[-1] == (
        "'broken.xlsx' is not a readable .xlsx workbook (it may be damaged, or another kind "
        "of file renamed)"
    )
    assert "Traceback" not in answered[-1]
    assert window.action("actionOpen").isEnabled()  # ready for the next file


@pytest.mark.usefixtures("null_keyring")
def test_a_start_without_the_last_sessions_token_says_so_and_offers_the_dialog(
    qtbot: QtBot, settings: AppSettings, open_window: OpenWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    reasons: list[str] = []

    def fake_exec(dialog: ConnectionDialog) -> int:
        reasons.append(dialog.reason.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ConnectionDialog, "exec", fake_exec)
    settings.use_sandbox = False  # the last session sent to HubSpot
    window = open_window(sandbox=False)
    qtbot.waitUntil(lambda: bool(reasons))
    assert "no secure keyring" in reasons[0]
    assert "Until then everything goes to the sandbox" in reasons[0]
    assert window.controller.connection.sandbox
    assert "Sandbox" in window.banner.text()
    window.close()


def test_a_token_with_a_stray_character_is_refused_in_the_dialog(
    qtbot: QtBot, window: MainWindow, memory_keyring: object
) -> None:
    dialog = ConnectionDialog(window.controller, parent=window)
    qtbot.addWidget(dialog)
    dialog.hubspot.setChecked(True)
    dialog.token.setText("pat-na1-abc\u200bdef")
    dialog.test.click()
    assert "invisible character (U+200B) at position 12" in dialog.result_label.text()
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "invisible character" in dialog.result_label.text()
    assert "abc" not in dialog.result_label.text()
    assert window.controller.connection.sandbox  # nothing changed
    assert memory_keyring.store == {}  # type: ignore[attr-defined]
    dialog.reject()


def _slow_run(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """The sample sending slowly (0.4 s per answer, 5 rows a request), two requests out."""

    def question(_parent: object, title: str, _text: str, *_args: object) -> object:
        if title == "Unsaved changes":
            return QMessageBox.StandardButton.Discard
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    load(qtbot, window)
    # the window's own question of which portal it acts on, asked once it shows, answered
    qtbot.waitUntil(lambda: bool(window.portal.text), timeout=10_000)
    sandbox = Sandbox(SandboxConfig(rate_limit=None, faults=Faults(latency=0.4)))
    window.controller.sandbox = sandbox
    connection = window.controller.connection
    connection.settings = replace(connection.settings, batch_size=5, concurrency=2)
    window.running.upsert_all()
    # the daily usage read goes first, the read of the events' prior copy (the token check
    # and one page of the list), then the two requests of the run
    qtbot.waitUntil(lambda: sandbox.requests >= 5, timeout=10_000)
    return sandbox


def test_closing_during_a_run_waits_for_the_answers_in_flight_without_freezing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = _slow_run(qtbot, window, monkeypatch)
    window.close()
    assert window.isVisible()  # still there, waiting; the window answers meanwhile
    assert "Close again to stop waiting" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15_000)
    stored = sum(1 for _ in sandbox.all_events())
    statuses = [window.document.status_of(r.row_id) for r in window.document.rows]
    assert stored >= 10
    assert statuses.count(RowStatus.CREATED) == stored  # every answer in flight was taken
    (run,) = window.controller.history.runs()
    assert run.created == stored
    assert run.stopped == "cancelled"


def test_closing_twice_during_a_run_stops_waiting_and_says_rows_may_be_in(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    _slow_run(qtbot, window, monkeypatch)
    window.close()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15_000)
    outcomes = window.document.outcomes.values()
    doubtful = [o for o in outcomes if "may have reached HubSpot" in o.message]
    assert doubtful  # the rows that were in flight
    assert all(o.status is RowStatus.NOT_SENT for o in doubtful)
    (run,) = window.controller.history.runs()
    assert run.stopped == "interrupted"
    assert run.created + run.not_sent == 23


def test_the_not_yet_sent_filter_lets_sent_rows_go_and_counts_them(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    window.filter_combo.setCurrentIndex(window.filter_combo.findData(RowFilter.NOT_SENT))
    assert window.model.rowCount() == 25
    run_all(qtbot, window)
    # the 23 created rows left the view as they were answered; the 2 invalid ones stay
    assert window.model.rowCount() == 2
    assert "(2 shown)" in window.run_status.counts.text()


def test_opening_a_file_during_a_run_says_why_it_waits(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _slow_run(qtbot, window, monkeypatch)
    other = write_xlsx(tmp_path / "other.xlsx", [["External Account ID"], ["a"]])
    window.opening.open_path(other)
    assert "'other.xlsx' was not opened: rows are being sent" in (
        window.statusBar().currentMessage()
    )
    window.controller.abandon_run()
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=15_000)
    assert window.document.table.file is not None
    assert window.document.table.file.name == "sample-events.xlsx"  # nothing was replaced
