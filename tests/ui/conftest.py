"""Qt test set-up: a temporary settings file, an in-memory keyring, no dialogs left waiting,
and a guard that fails a test which leaves a thread running."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from hubevents_gui.app import create_window
from hubevents_gui.core.package_data import sample_path
from hubevents_gui.core.sheets import guess_mapping, open_sheet
from hubevents_gui.ui.main_window import MainWindow
from hubevents_gui.ui.settings import AppSettings

SAMPLE = sample_path("events")


class MemoryKeyring(KeyringBackend):
    """A secure-looking keyring that lives in memory: never the user's."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def null_keyring() -> Iterator[None]:
    from keyring.backends.null import Keyring as NullKeyring

    before = keyring.get_keyring()
    keyring.set_keyring(NullKeyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[AppSettings]:
    settings = AppSettings(tmp_path / "settings.ini")
    # the sample's mapping was confirmed once, as a user would have
    raw = open_sheet(SAMPLE)
    settings.remember_mapping(raw.headers, guess_mapping(raw.headers))
    settings.timezone = "Europe/Berlin"
    yield settings
    settings.close()  # after the windows that used it: its QSettings goes on the GUI thread


@pytest.fixture(autouse=True)
def answered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Questions are answered Yes and information boxes closed, and both are recorded."""
    asked: list[str] = []

    def question(
        _parent: object, _title: str, text: str, *_args: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    def note(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", note)
    monkeypatch.setattr(QMessageBox, "warning", note)
    return asked


@pytest.fixture(autouse=True)
def _no_thread_left_running() -> Iterator[None]:
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = [
            t
            for t in threading.enumerate()
            if t.ident not in before and t.is_alive() and not isinstance(t, threading._DummyThread)
        ]
        if not left:
            return
        time.sleep(0.05)
    pytest.fail(f"threads left running: {[t.name for t in left]}")


OpenWindow = Callable[..., MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot, settings: AppSettings) -> Iterator[OpenWindow]:
    """Opens windows as the app does (``settings``, the sandbox unless told), shown. Each is
    held until the test ends, then closed without questions and deleted on the GUI thread.

    Held, not watched through a weak reference: a closed window the test lets go of would
    live on in Qt, reachable only through reference cycles, and the garbage collector then
    destroys it on whichever thread it runs (an SQLite writer's did, mid-run: a segfault)."""
    del qtbot  # for its QApplication
    windows: list[MainWindow] = []

    def open_(with_settings: AppSettings = settings, *, sandbox: bool = True) -> MainWindow:
        window = create_window(with_settings, sandbox=sandbox)
        windows.append(window)
        window.show()
        return window

    yield open_
    for window in windows:
        if isValid(window):
            for pane in window.panes:
                pane.set_modified(False)
            window.close()
            window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(open_window: OpenWindow) -> MainWindow:
    """The window on the sandbox, shown, with nothing open; closed without questions."""
    return open_window()


def load(qtbot: QtBot, window: MainWindow, path: Path = SAMPLE) -> None:
    """Open a file in the window as a user would, and wait until it is shown."""
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        window.opening.open_path(path)


def run_all(qtbot: QtBot, window: MainWindow, timeout: int = 30_000) -> object:
    """Upsert All, and the run's report when it has finished."""
    with qtbot.waitSignal(window.controller.run_finished, timeout=timeout) as finished:
        window.running.upsert_all()
    return finished.args[0]
