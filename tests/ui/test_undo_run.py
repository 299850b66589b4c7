"""Run history > Undo This Run in the window, against the embedded sandbox: a preview of exactly
what will happen first (Cancel, the default, changes nothing); then the events the run created
are deleted, those it changed get their prior values back, one edited by another app since is
left alone and listed, and the undo is a run of the history that cannot itself be undone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton, QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from hubevents_gui.core.history import RunSummary
from hubevents_gui.ui.dialogs.undo_dialog import UndoDialog
from hubevents_gui.ui.main_window import MainWindow
from tests.ui.conftest import load, run_all

SANDBOX_APP = 424242
Held = dict[str, dict[str, Any]]


def _held(window: MainWindow) -> Held:
    """The sandbox's events of this app by external event id, without HubSpot's bookkeeping
    (``updatedAt`` moves with every write, even one that puts values back)."""
    events = window.controller.sandbox.events
    return {
        key[2]: {k: v for k, v in event.items() if k != "updatedAt"}
        for key, event in events.items()
        if key[0] == SANDBOX_APP
    }


def _runs(window: MainWindow) -> list[RunSummary]:
    window.controller.history.flush()
    return window.controller.history.runs()


def _item(tree: QTreeWidget, n: int) -> QTreeWidgetItem:
    item = tree.topLevelItem(n)
    assert item is not None
    return item


def _choose(window: MainWindow, run: RunSummary) -> None:
    """Select ``run`` in the Run history panel, as a click would."""
    panel = window.history_dock
    panel.refresh()
    for n in range(panel.runs.topLevelItemCount()):
        panel.runs.setCurrentItem(_item(panel.runs, n))
        chosen = panel.current_run()
        if chosen is not None and chosen.id == run.id:
            return
    raise AssertionError(f"run {run.id} is not listed")


@dataclass
class Preview:
    """What an undo's preview showed."""

    heading: str
    entries: list[list[str]]
    #: the button Enter presses
    default: str


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> list[Preview]:
    """The undo's preview is shown and answered "Undo"; what each showed is kept."""
    shown: list[Preview] = []

    def exec_(dialog: UndoDialog) -> int:
        tree = dialog.entries
        default = next(b for b in dialog.findChildren(QPushButton) if b.isDefault())
        shown.append(
            Preview(
                dialog.heading.text(),
                [
                    [_item(tree, n).text(c) for c in range(4)]
                    for n in range(tree.topLevelItemCount())
                ],
                default.objectName(),
            )
        )
        return int(UndoDialog.DialogCode.Accepted)

    monkeypatch.setattr(UndoDialog, "exec", exec_)
    return shown


def _undo(qtbot: QtBot, window: MainWindow, run: RunSummary) -> None:
    _choose(window, run)
    button = window.history_dock.undo_button
    assert button.isEnabled()
    with qtbot.waitSignal(window.undoing.undone, timeout=30_000):
        button.click()
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=10_000)


def test_undo_puts_back_what_the_run_changed_and_leaves_an_edited_event_alone(
    qtbot: QtBot, window: MainWindow, previews: list[Preview]
) -> None:
    load(qtbot, window)
    run_all(qtbot, window)  # every event created
    after_first = _held(window)
    model, document = window.model, window.document
    name = document.column_of("eventName")
    assert name is not None
    first, second = document.rows[0], document.rows[1]
    model.setData(model.index(0, name), "Renamed by the second run")
    model.setData(model.index(1, name), "Also renamed")
    run_all(qtbot, window)  # the two renamed: updated; the rest sent as they were
    renamed, other = str(first.values["externalEventId"]), str(second.values["externalEventId"])
    assert _held(window)[renamed]["eventName"] == "Renamed by the second run"
    # another app edits the second event between the run and its undo
    key = next(k for k in window.controller.sandbox.events if k[2] == other)
    window.controller.sandbox.events[key]["eventName"] = "Edited elsewhere"
    second_run = _runs(window)[0]

    _undo(qtbot, window, second_run)

    (preview,) = previews
    listed = preview.entries
    account = str(first.values["externalAccountId"])
    assert ["Put back", account, renamed, ""] in listed
    assert any(
        r[0] == "Leave alone" and r[2] == other and "changed since the run (Event Name)" in r[3]
        for r in listed
    )
    assert "Acting on portal 12345678 in the sandbox" in preview.heading
    assert preview.default == "undoCancel"  # Enter changes nothing
    held = _held(window)
    assert held[renamed] == after_first[renamed]  # its prior values, exactly
    assert held[other]["eventName"] == "Edited elsewhere"  # left alone
    for event_id, event in after_first.items():
        if event_id not in (renamed, other):
            assert held[event_id] == event  # untouched
    undo, undone = _runs(window)[:2]
    assert (undo.kind, undo.undoes, undone.undone_by) == ("undo", second_run.id, undo.id)
    assert undone.state == "undone"
    assert f"Undo of run {second_run.id}: 0 deleted, 1 put back, 0 failed" in (
        window.statusBar().currentMessage()
    )
    # neither the undone run nor the undo can be undone (again)
    _choose(window, undone)
    assert not window.history_dock.undo_button.isEnabled()
    _choose(window, undo)
    assert not window.history_dock.undo_button.isEnabled()


def test_undo_of_a_run_that_created_events_deletes_them(
    qtbot: QtBot, window: MainWindow, previews: list[Preview]
) -> None:
    before = _held(window)  # the sandbox's own demo events
    load(qtbot, window)
    run_all(qtbot, window)
    created = _runs(window)[0]
    assert len(_held(window)) == len(before) + created.created
    _undo(qtbot, window, created)
    (preview,) = previews
    assert [row[0] for row in preview.entries] == ["Delete"] * created.created
    assert _held(window) == before  # exactly as before the run
    assert f"{created.created} deleted, 0 put back, 0 failed" in window.statusBar().currentMessage()


def test_cancel_in_the_preview_changes_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    run_all(qtbot, window)
    held = _held(window)
    shown: list[UndoDialog] = []

    def cancelled(dialog: UndoDialog) -> int:
        shown.append(dialog)
        return int(UndoDialog.DialogCode.Rejected)

    monkeypatch.setattr(UndoDialog, "exec", cancelled)
    run = _runs(window)[0]
    _choose(window, run)
    with qtbot.waitSignal(window.undoing.planned, timeout=20_000):
        window.history_dock.undo_button.click()
    assert len(shown) == 1
    assert _held(window) == held
    assert len(_runs(window)) == 1  # no undo recorded
    assert window.statusBar().currentMessage() == "Nothing was changed"
    assert window.history_dock.undo_button.isEnabled()  # it can still be undone


def test_a_run_sent_elsewhere_or_of_attendees_is_not_offered_or_is_refused(
    window: MainWindow, answered: list[str]
) -> None:
    history = window.controller.history
    elsewhere = history.start_run(
        "https://api.hubapi.com (v3)", "e.xlsx", "Events", [], kind="upsert", snapshots={}
    )
    attendees = history.start_run("sandbox", "a.xlsx", "Attendees", [], kind="attendance")
    history.flush()
    runs = {run.id: run for run in _runs(window)}
    _choose(window, runs[attendees])
    assert not window.history_dock.undo_button.isEnabled()
    _choose(window, runs[elsewhere])
    answered.clear()
    window.history_dock.undo_button.click()
    (said,) = answered
    assert said.startswith("This run was sent to https://api.hubapi.com (v3); the window is "
                           "connected to sandbox.")  # fmt: skip
    assert not window.controller.busy  # nothing was read
