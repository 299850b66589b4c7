"""An unexpected error says what went wrong without the token, that the table is still open,
where the details are logged, and offers to open the log folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from hubevents_gui import app
from hubevents_gui.core.redaction import keep_secret
from hubevents_gui.ui.main_window import MainWindow

TOKEN = "pat-na1-99999999-8888-7777-6666-555555555555"


def test_the_box_names_the_log_and_opens_its_folder(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    keep_secret(TOKEN)
    shown: list[tuple[str, str]] = []

    def answer() -> None:
        box = next(
            w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "unexpectedErrorBox"
        )  # fmt: skip
        shown.append((box.text(), box.informativeText()))
        button = box.findChild(QPushButton, "openLogFolder")
        assert button is not None
        button.click()

    QTimer.singleShot(0, answer)
    log_file = tmp_path / "logs" / "hubevents.log"
    app.show_unexpected_error(window, f"KeyError: {TOKEN}", log_file)
    ((text, more),) = shown
    assert text == "Something went wrong: KeyError: [token]"
    assert f"The details are in {log_file}." in more
    assert "Your table is still open" in more
    assert opened == [str(log_file.parent)]
