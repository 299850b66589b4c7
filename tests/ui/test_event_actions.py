"""Run > Cancel, Complete and Delete Events in the window, against the embedded sandbox: each
asks first, naming the number of events, the portal and a few names; No sends nothing; Yes
acts on the selected rows only, and each row ends with its outcome."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from hubevents_gui.core.rows import RowStatus
from hubevents_gui.ui.main_window import MainWindow
from tests.ui.conftest import load, run_all

SANDBOX_APP = 424242


def _act(qtbot: QtBot, window: MainWindow, name: str) -> None:
    with qtbot.waitSignal(window.controller.run_finished, timeout=30_000):
        window.action(name).trigger()


def _held(window: MainWindow) -> dict[str, dict[str, object]]:
    events = window.controller.sandbox.events
    return {key[2]: event for key, event in events.items() if key[0] == SANDBOX_APP}


def test_cancel_then_delete_the_selected_rows_events_after_asking(
    qtbot: QtBot, window: MainWindow, answered: list[str]
) -> None:
    load(qtbot, window)
    run_all(qtbot, window)
    document = window.document
    first, second = document.rows[0], document.rows[1]
    window.table.selectRow(0)
    window.table.setSelectionMode(window.table.SelectionMode.MultiSelection)
    window.table.selectRow(1)
    answered.clear()
    _act(qtbot, window, "actionCancelEvents")
    asked = answered[0]
    assert asked.startswith("Cancel 2 events in portal 12345678 in the sandbox?")
    assert str(first.values["eventName"]) in asked
    assert document.status_of(first.row_id) is RowStatus.CANCELLED
    assert document.status_of(second.row_id) is RowStatus.CANCELLED
    third = document.rows[2]
    assert document.status_of(third.row_id) is RowStatus.CREATED  # not selected: untouched
    held = _held(window)
    assert held[str(first.values["externalEventId"])]["eventCancelled"] is True
    assert not held[str(third.values["externalEventId"])].get("eventCancelled")
    assert "2 cancelled, 0 failed" in window.statusBar().currentMessage()

    window.table.clearSelection()
    window.table.selectRow(0)
    _act(qtbot, window, "actionDeleteEvents")
    assert "Deleted events cannot be brought back" in answered[-1]
    assert document.status_of(first.row_id) is RowStatus.DELETED
    assert str(first.values["externalEventId"]) not in _held(window)
    assert str(second.values["externalEventId"]) in _held(window)


def test_no_sends_nothing_and_no_action_has_a_shortcut(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    run_all(qtbot, window)
    asked: list[str] = []

    def no(*args: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", no)
    before = len(_held(window))
    with qtbot.waitSignal(window.controller.reads.action_planned, timeout=20_000):
        window.action("actionDeleteEvents").trigger()  # nothing selected: every row
    assert asked[0].startswith("Delete 25 events in portal 12345678")
    assert len(_held(window)) == before
    assert "Nothing was sent" in window.statusBar().currentMessage()
    for name in ("actionCancelEvents", "actionCompleteEvents", "actionDeleteEvents",
                 "actionArchiveEvents"):  # fmt: skip
        assert window.action(name).shortcuts() == []
