"""Teardown: what a window or a dialog owns on Qt's side goes with it, on the GUI thread.

Python objects that refer to each other (a window and its parts always do) are freed by the
cyclic garbage collector, which runs on whichever thread allocates next: an SQLite writer's, an
upsert worker's, a token check's, or at exit while PySide destroys what is left. A Qt object
destroyed there while the GUI thread runs crashed the test run (a segfault, one run in ten), so
nothing with a live Qt side may be left for it, and no background thread may hold one.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken, delete, isValid

from hubevents_gui import app
from hubevents_gui.app import create_window
from hubevents_gui.ui.dialogs import connection_dialog
from hubevents_gui.ui.dialogs.connection_dialog import ConnectionDialog
from hubevents_gui.ui.main_window import MainWindow
from hubevents_gui.ui.settings import AppSettings
from tests.ui.conftest import OpenWindow


def live_orphans() -> Counter[str]:
    """Qt objects alive with no Qt parent, kept only by Python references."""
    return Counter(
        type(w).__name__
        for w in Shiboken.getAllValidWrappers()
        if isinstance(w, QObject) and Shiboken.ownedByPython(w) and w.parent() is None
    )


def delete_later_now() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_closed_window_leaves_no_qt_object_for_the_garbage_collector(
    qtbot: QtBot, settings: AppSettings
) -> None:
    before = live_orphans()
    window = create_window(settings, sandbox=True)
    window.show()
    qtbot.waitExposed(window)
    window.close()
    window.deleteLater()
    delete_later_now()
    # the controller and the document (with its undo stack, the autosaver and their timers)
    # went with the window, rather than waiting for a collection on some other thread
    assert live_orphans() == before


def test_the_app_destroys_its_window_before_it_returns(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("applicationName", "organizationName", "applicationDisplayName"):
        setter = "set" + name[0].upper() + name[1:]
        monkeypatch.setattr(qapp, setter, lambda _name: None)  # the test run's names stay
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(app, "configure_interpreter", lambda: None)  # the run's switch interval
    shown: list[MainWindow] = []

    def close_the_window() -> None:
        shown.extend(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        for window in shown:
            window.close()

    QTimer.singleShot(500, close_the_window)  # after the engine's modules were warmed up
    try:
        assert app.main(["--sandbox", "--settings", str(tmp_path / "settings.ini")]) == 0
        assert len(shown) == 1
        window = shown[0]
        assert not isValid(window)  # gone with all it owned, on the GUI thread
    finally:
        for window in shown:
            if isValid(window):
                delete(window)


def test_a_token_check_that_outlives_its_dialog_holds_no_qt_object(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = threading.Event()

    def slow_check(*_args: object) -> dict[str, object]:
        answer.wait(10)
        return {"portal_id": 1, "app_id": 2, "can_write": True}

    monkeypatch.setattr(connection_dialog, "check_token", slow_check)
    before = live_orphans()
    dialog = ConnectionDialog(window.controller, parent=window)
    dialog.hubspot.setChecked(True)
    dialog.token.setText("pat-na1-slow")
    dialog.test.click()
    (checking,) = [t for t in threading.enumerate() if t.name == "hubevents-check-token"]
    dialog.reject()
    dialog.deleteLater()
    delete_later_now()
    assert checking.is_alive()
    # nothing of the dialog is left for the check's thread to destroy when it ends
    assert live_orphans() == before
    answer.set()
    checking.join(5)
    assert not checking.is_alive()


def test_a_window_closed_before_its_portal_check_starts_no_thread(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    """The portal is asked about once the window shows; closed before that, nothing starts
    (a thread still running when the window was deleted aborted the test run)."""
    window = open_window()
    window.close()  # at once: the check is still to come
    qtbot.wait(1200)  # past the moment it would have started, and answered
    assert window.portal.text == ""  # never asked: no read, no thread
