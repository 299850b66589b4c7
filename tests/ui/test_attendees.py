"""Attendee tables in the window: opened by their headers, started empty, given the event for
the sheet from the events the window knows, with undo."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QTimer
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS
from hubevents_gui.core.fields import EVENT_FIELDS
from hubevents_gui.core.package_data import sample_path
from hubevents_gui.core.rows import RowStatus
from hubevents_gui.core.sheets import guess_mapping, open_sheet
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.ui.main_window import MainWindow
from tests.helpers import write_xlsx
from tests.ui.conftest import load, run_all

ATTENDEES = sample_path("attendees")

HEADERS = ["Email", "External Event ID", "External Account ID", "State", "Joined At", "Left At"]


@pytest.fixture
def attendee_sheet(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "attendees.xlsx",
        [
            HEADERS,
            ["anna@example.com", "WEB-2026-001", "acme-events", "Attended"],
            ["bo.example.com", "WEB-2026-001", "acme-events", "Registered"],
            ["cy@example.com", "", "", "attend"],
        ],
    )


def _answer_event_dialog(window: MainWindow, pick: int, state: int) -> None:
    """Choose in the Event for the Sheet dialog as soon as it is open, then press OK."""

    def choose() -> None:
        dialog = window.attendees.dialog
        if dialog is None:
            QTimer.singleShot(20, choose)
            return
        dialog.events.setCurrentIndex(pick)
        dialog.state.setCurrentIndex(state)
        dialog.accept()

    QTimer.singleShot(0, choose)


def test_a_sheet_of_attendees_opens_as_an_attendee_table(
    qtbot: QtBot, window: MainWindow, attendee_sheet: Path
) -> None:
    load(qtbot, window, attendee_sheet)
    document = window.document
    assert document.table.fields is ATTENDEE_FIELDS
    headers = [c.header for c in document.columns]
    assert headers[:4] == ["Email", "Contact ID", "External Event ID", "External Account ID"]
    assert headers[-3:] == ["Status", "HubSpot Contact ID", "Message"]
    ModelTester(None).check(window.model)
    messages = {i.field: i.message for found in document.issues.values() for i in found}
    assert messages["email"] == "'bo.example.com' is not an email address: it has no @"
    assert messages["externalEventId"].startswith("External Event ID is required")
    assert window.action("actionUpsertAll").text() == "&Record All"
    assert not window.action("actionPreviewChanges").isVisible()


def test_the_event_for_the_sheet_comes_from_the_event_table_and_undoes(
    qtbot: QtBot, window: MainWindow, attendee_sheet: Path
) -> None:
    load(qtbot, window)  # the sample's events
    assert window.document.table.fields is EVENT_FIELDS
    events = window.document.rows
    load(qtbot, window, attendee_sheet)
    known = window.attendees.known()
    assert len(known) == len(
        {(r.values["externalAccountId"], r.values["externalEventId"]) for r in events}
    )
    third = known[2]
    _answer_event_dialog(window, pick=3, state=2)  # the third known event, Attended
    window.action("actionChooseEvent").trigger()
    assert window.document.table.defaults == {
        "externalAccountId": third.account,
        "externalEventId": third.event_id,
        "state": "Attended",
    }
    # only the bad email is left: the row without an event takes the sheet's
    assert {i.field for found in window.document.issues.values() for i in found} == {"email"}
    label = window.findChild(type(window.attendees.sheet_label), "sheetValues")
    assert label is not None
    assert third.event_id in label.text()
    window.action("actionUndo").trigger()
    assert window.document.table.defaults == {}
    assert any(
        i.field == "externalEventId" for found in window.document.issues.values() for i in found
    )


def test_new_attendee_table_opens_in_its_own_tab_and_leaves_the_events_alone(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    events_pane, attendees_pane = window.panes
    events = list(window.document.rows)
    window.model.setData(window.model.index(0, window.document.column_of("eventName") or 0), "X")
    _answer_event_dialog(window, pick=1, state=0)
    window.action("actionNewAttendeeTable").trigger()
    assert window.tabs.currentWidget() is attendees_pane
    assert window.document.table.fields is ATTENDEE_FIELDS
    assert len(window.document.rows) == 1
    assert window.document.table.defaults["externalEventId"]
    assert window.windowTitle().startswith("Untitled attendees")
    # the attendee tab's Undo takes back its own steps, never the events' edit
    while window.action("actionUndo").isEnabled():
        window.action("actionUndo").trigger()
    assert window.document.table.defaults == {}
    assert events_pane.document.rows[0].values["eventName"] == "X"
    assert len(events_pane.document.rows) == len(events)
    window.show_pane(events_pane)
    assert window.document is events_pane.document
    assert window.windowTitle().startswith("sample-events.xlsx")
    assert window.action("actionUndo").isEnabled()  # the event edit, one Undo away
    assert window.action("actionUpsertAll").text() == "&Upsert All"


def test_a_blank_interaction_time_says_what_will_be_sent_before_sending(
    qtbot: QtBot, window: MainWindow, attendee_sheet: Path
) -> None:
    load(qtbot, window, attendee_sheet)
    column = window.document.column_of("interactionDateTime")
    assert column is not None
    said = []
    for row in range(2):  # Attended, then Registered
        window.table.setCurrentIndex(window.model.index(row, column))
        said.append(window.run_status.preview.text())
    assert said == [
        "Interaction Time blank: sent as the event's start, as HubSpot holds it",
        "Interaction Time blank: sent as the time the row is sent",
    ]


def test_the_sample_attendees_are_recorded_from_the_window_and_counted(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    load(qtbot, window)
    run_all(qtbot, window)  # the sample's events first
    window.setWindowModified(False)  # their results are not worth keeping here
    raw = open_sheet(ATTENDEES)  # its Notes column confirmed once, as a user would
    window.settings.remember_mapping(raw.headers, guess_mapping(raw.headers))
    load(qtbot, window, ATTENDEES)
    document = window.document
    report = run_all(qtbot, window)
    assert isinstance(report, RunReport)
    statuses = Counter(document.status_of(r.row_id) for r in document.rows)
    assert statuses[RowStatus.RECORDED] == 19
    assert statuses[RowStatus.NOT_SENT] == 1
    by_id = next(r for r in document.rows if r.values.get("contactId") == "101")
    assert document.outcomes[by_id.row_id].hubspot_id == "101"
    unknown = next(r for r in document.rows if r.values.get("externalEventId") == "WEB-2025-099")
    assert (
        "HubSpot holds no event acme-events/WEB-2025-099"
        in document.outcomes[unknown.row_id].summary
    )
    assert report.notes[0].startswith("acme-events/WEB-2026-001: 4 registered, 3 attended")
    assert "19 recorded, 0 failed, 1 not sent" in window.statusBar().currentMessage()
    counters = window.attendees.counters_label  # kept in view after the message goes
    assert counters.isVisibleTo(window)
    assert counters.toolTip().splitlines() == report.notes
    window.tabs.setCurrentIndex(0)  # the events tab: its own rows, without the counters
    assert not counters.isVisibleTo(window)
    assert window.document.status_of(window.document.rows[0].row_id) is RowStatus.CREATED
    window.tabs.setCurrentIndex(1)
    assert counters.isVisibleTo(window)
    # the run is in the history, counted as recorded
    newest = window.controller.history.runs()[0]
    assert newest.recorded == 19
    # and the results come back with the user's columns and the contact ids
    out = tmp_path / "results.xlsx"
    with qtbot.waitSignal(window.controller.results_saved, timeout=20_000):
        window.controller.save_results(out)
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-3:] == ("Status", "HubSpot Contact ID", "Message")
    assert sum(1 for r in rows[1:] if r[-3] == "recorded") == 19


def test_an_attendee_sheet_opened_after_the_events_shows_its_columns_in_its_own_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    def shown() -> list[str]:
        header = window.table.horizontalHeader()
        columns = window.model.columns
        return [columns[header.logicalIndex(v)].header for v in range(4)]

    raw = open_sheet(ATTENDEES)
    window.settings.remember_mapping(raw.headers, guess_mapping(raw.headers))
    load(qtbot, window, ATTENDEES)
    alone = shown()
    assert alone == ["Status", "Email", "Contact ID", "External Event ID"]
    window.setWindowModified(False)
    load(qtbot, window)  # the events' table, its Status column moved to the left
    window.setWindowModified(False)
    load(qtbot, window, ATTENDEES)
    assert shown() == alone


def test_each_tab_keeps_its_file_its_unsaved_mark_and_its_rows(
    qtbot: QtBot, window: MainWindow, attendee_sheet: Path
) -> None:
    events_pane, attendees_pane = window.panes
    load(qtbot, window)
    load(qtbot, window, attendee_sheet)
    assert window.tabs.currentWidget() is attendees_pane  # an attendee sheet opens in its tab
    assert window.windowTitle().startswith("attendees.xlsx")
    assert [window.tabs.tabText(i) for i in range(2)] == [
        "Events — sample-events.xlsx",
        "Attendees — attendees.xlsx",
    ]
    assert len(events_pane.document.rows) == 25  # the events are still there
    column = window.document.column_of("firstname")
    assert column is not None
    window.model.setData(window.model.index(0, column), "Renamed")
    assert window.tabs.tabText(1).endswith(" *")
    assert not window.tabs.tabText(0).endswith(" *")
    window.tabs.setCurrentIndex(0)
    assert window.windowTitle().startswith("sample-events.xlsx")
    assert not window.isWindowModified()  # the events have nothing unsaved
    assert window.issues_dock.model.document is events_pane.document
    # an event sheet opened from the Attendees tab goes to the Events tab
    window.tabs.setCurrentIndex(1)
    window.setWindowModified(False)
    load(qtbot, window)
    assert window.tabs.currentWidget() is events_pane
    assert attendees_pane.document.rows[0].values["firstname"] == "Renamed"


def test_a_run_keeps_to_its_tab_while_the_other_is_shown(qtbot: QtBot, window: MainWindow) -> None:
    load(qtbot, window)
    events_pane, attendees_pane = window.panes
    with qtbot.waitSignal(window.controller.run_finished, timeout=30_000):
        window.running.upsert_all()
        window.tabs.setCurrentIndex(1)  # while the events are sent
    events = events_pane.document
    assert sum(events.status_of(r.row_id) is RowStatus.CREATED for r in events.rows) == 23
    assert not attendees_pane.document.states
    assert events_pane.modified  # its outcomes are unsaved, in its own tab
    assert not attendees_pane.modified
    assert window.tabs.tabText(0).endswith(" *")
