"""The Help menu (About, the user guide, the log folder, the sample) and the empty window's
hint, which says how to start and whose links do it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from hubevents_gui import __version__
from hubevents_gui.core.logs import log_folder
from hubevents_gui.core.package_data import sample_path
from hubevents_gui.core.paths import data_dir
from hubevents_gui.ui.dialogs.about_dialog import AboutDialog
from hubevents_gui.ui.dialogs.guide_dialog import GuideDialog
from hubevents_gui.ui.main_window import MainWindow
from hubevents_gui.ui.settings import AppSettings
from tests.conftest import REPO
from tests.ui.conftest import OpenWindow, load


def _menu_titles(window: MainWindow) -> list[str]:
    return [a.text().replace("&", "") for a in window.menuBar().actions()]


def test_help_is_the_last_menu_with_the_guide_the_sample_the_logs_and_about(
    window: MainWindow,
) -> None:
    assert _menu_titles(window) == ["File", "Edit", "Run", "View", "Help"]
    help_menu = window.findChild(QMenu, "menuHelp")
    assert isinstance(help_menu, QMenu)
    assert window.menuBar().actions()[-1] is help_menu.menuAction()
    entries = [a.objectName() for a in help_menu.actions() if not a.isSeparator()]
    assert entries == ["actionUserGuide", "actionOpenSample", "actionOpenLogFolder", "actionAbout"]
    assert window.action("actionUserGuide").shortcut().toString() == "F1"


def _about(window: MainWindow) -> AboutDialog:
    found: list[AboutDialog] = []

    def look() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog))
        found.append(dialog)
        dialog.copy_versions()
        dialog.reject()

    QTimer.singleShot(0, look)
    window.action("actionAbout").trigger()
    assert found
    return found[0]


def test_about_names_the_versions_the_folders_and_the_licences(window: MainWindow) -> None:
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    about = _about(window)
    label = about.findChild(QLabel, "aboutText")
    assert label is not None
    html = label.text()
    assert f"hubevents {__version__}" in html
    assert f"PySide6 {pyside}" in html
    assert f"Qt {qVersion()}" in html
    assert str(data_dir()) in html
    assert str(log_folder()) in html
    items = [about.libraries.topLevelItem(i) for i in range(about.libraries.topLevelItemCount())]
    libraries = {item.text(0): item.text(2) for item in items if item is not None}
    for name in ("httpx", "openpyxl", "keyring", "python-calamine", "platformdirs"):
        assert name in libraries, name
        assert libraries[name] != "unknown", name
    assert "LGPL-3.0" in libraries["PySide6_Essentials"]
    assert "LGPL" in libraries["Qt (through PySide6)"]
    assert libraries["Python"] == "PSF-2.0"  # the bundle carries the interpreter too
    # Copy Versions: for a message about a problem
    assert QGuiApplication.clipboard().text().startswith(f"hubevents {__version__} (Python ")


def test_the_user_guide_shows_the_readmes_user_sections_beside_the_table(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.action("actionUserGuide").trigger()
    guide = window.help._guide
    assert isinstance(guide, GuideDialog)
    qtbot.waitUntil(guide.isVisible)
    assert not guide.isModal()
    text = guide.browser.toPlainText()
    for heading in ("Install", "The app", "The command line", "Your spreadsheet"):
        assert heading in text
    assert "For developers" not in text
    window.action("actionUserGuide").trigger()
    assert window.help._guide is guide  # one guide, shown again
    guide.close()


def test_the_guide_is_the_readmes_user_sections() -> None:
    """guide.md ships in the package; the README is where it is written."""
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_guide.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_open_log_folder_shows_it_or_says_where_it_is(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    answer = [True]

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return answer[0]

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    window.action("actionOpenLogFolder").trigger()
    assert opened == [str(log_folder())]
    assert log_folder().is_dir()
    answer[0] = False  # a desktop without a file manager
    window.action("actionOpenLogFolder").trigger()
    assert f"the logs are in {log_folder()}" in window.statusBar().currentMessage()


def _no_mapping_question(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The column-mapping dialog, should it open, records itself and is cancelled."""
    from hubevents_gui.ui.dialogs.mapping_dialog import MappingDialog

    asked: list[str] = []

    def exec_(dialog: MappingDialog) -> int:
        asked.append(dialog.windowTitle())
        return int(MappingDialog.DialogCode.Rejected)

    monkeypatch.setattr(MappingDialog, "exec", exec_)
    return asked


def test_open_sample_opens_copies_of_both_sheets_each_in_its_tab_without_a_question(
    qtbot: QtBot, open_window: OpenWindow, settings: AppSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _no_mapping_question(monkeypatch)
    settings._qs.remove("mappings")  # a first start: no mapping confirmed yet
    window = open_window(settings)
    events, attendees = window.panes
    window.action("actionOpenSample").trigger()
    qtbot.waitUntil(lambda: len(attendees.document.rows) > 0, timeout=20_000)
    assert asked == []
    assert len(events.document.rows) == 25
    for pane, name in ((events, "sample-events.xlsx"), (attendees, "sample-attendees.xlsx")):
        source = pane.document.table.file
        assert source is not None
        assert source.name == name
        # a copy in the data folder, not the package's own (results may be saved beside it)
        assert source.parent == data_dir() / "samples"


def test_a_damaged_sample_copy_is_copied_afresh(qtbot: QtBot, window: MainWindow) -> None:
    folder = data_dir() / "samples"
    folder.mkdir(parents=True)
    (folder / "sample-events.xlsx").write_bytes(b"not a workbook")
    window.action("actionOpenSample").trigger()
    qtbot.waitUntil(lambda: len(window.panes[1].document.rows) > 0, timeout=20_000)
    assert len(window.panes[0].document.rows) == 25
    assert (folder / "sample-events.xlsx").read_bytes() == sample_path("events").read_bytes()


def test_open_sample_where_the_samples_folder_is_a_file_says_so(window: MainWindow) -> None:
    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "samples").write_text("in the way")
    window.action("actionOpenSample").trigger()
    said = window.statusBar().currentMessage()
    assert f"{data_dir() / 'samples'} is a file, not a folder" in said


def test_cancel_on_the_first_sheet_does_not_open_the_second(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    events, attendees = window.panes
    events.set_modified(True)  # unsaved work in the events tab
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Cancel)
    window.action("actionOpenSample").trigger()
    qtbot.wait(300)
    assert attendees.document.rows == []  # nor the attendee sample after the Cancel
    assert events.document.rows == []


def test_a_refused_open_drops_the_rest_of_the_batch(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from tests.helpers import HEADER, write_xlsx

    first = write_xlsx(tmp_path / "mine.xlsx", [HEADER, ["a", "E-1", "Mine", "Me"]])
    window.opening.open_path(first)  # still being read when the batch comes
    window.open_paths(list(sample_copies_for_test()))
    qtbot.waitUntil(lambda: len(window.panes[0].document.rows) == 1, timeout=20_000)
    qtbot.wait(300)
    assert window.panes[1].document.rows == []  # the attendee sample did not follow


def sample_copies_for_test() -> list[Path]:
    from hubevents_gui.core.package_data import sample_copies

    return sample_copies()


def test_the_empty_window_says_how_to_start_and_its_links_do_it(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    events = window.panes[0]
    hint = events.empty_hint
    assert hint.isVisible()
    text = hint.text()
    for said in ("Drop", "File &gt; Open", "Open from HubSpot", "Open the sample"):
        assert said in text, said
    events.follow_hint("sample")
    qtbot.waitUntil(lambda: len(window.panes[1].document.rows) > 0, timeout=20_000)
    assert len(events.document.rows) == 25
    assert not hint.isVisible()


def test_the_attendee_tabs_sample_link_leaves_the_events_tab_alone(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from tests.helpers import HEADER, write_xlsx

    mine = write_xlsx(tmp_path / "mine.xlsx", [HEADER, ["a", "E-1", "Mine", "Me"]])
    load(qtbot, window, mine)
    attendees = window.panes[1]
    attendees.follow_hint("sample-attendees")
    qtbot.waitUntil(lambda: len(attendees.document.rows) > 0, timeout=20_000)
    assert window.panes[0].document.table.file == mine
