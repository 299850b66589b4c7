"""Help > About hubevents: what it is, its version and Qt's and Python's, where it keeps its
data and logs, and the libraries it runs on with their licences."""

from __future__ import annotations

import platform
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hubevents_gui import __version__
from hubevents_gui.core.licences import bundled_libraries
from hubevents_gui.core.logs import log_folder
from hubevents_gui.core.paths import data_dir
from hubevents_gui.ui.accessible import describe
from hubevents_gui.ui.desktop import versions_line
from hubevents_gui.ui.icons import app_icon


def _folder_link(title: str, path: object) -> str:
    from PySide6.QtCore import QUrl

    url = QUrl.fromLocalFile(str(path)).toString()
    return f'{title}: <a href="{escape(url)}">{escape(str(path))}</a>'


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About hubevents")
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        icon = QLabel(self)
        icon.setObjectName("aboutIcon")
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        describe(icon, "hubevents' icon", name="hubevents", tip=False)
        top.addWidget(icon)
        text = QLabel(self)
        text.setObjectName("aboutText")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setOpenExternalLinks(True)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.versions = f"hubevents {__version__} ({versions_line()})"
        text.setText(
            f"<h2>hubevents {escape(__version__)}</h2>"
            "<p>Send spreadsheets of events and attendees to HubSpot as marketing events, "
            "and see what HubSpot holds.</p>"
            f"<p>{escape(versions_line())}</p>"
            f"<p>{_folder_link('Data (run history, autosave, sandbox)', data_dir())}<br>"
            f"{_folder_link('Logs', log_folder())}</p>"
        )
        describe(text, "The version, and where hubevents keeps its data and logs", tip=False)
        top.addWidget(text, 1)
        layout.addLayout(top)

        heading = QLabel("Libraries it runs on, with their licences:", self)
        layout.addWidget(heading)
        self.libraries = QTreeWidget(self)
        self.libraries.setObjectName("aboutLibraries")
        self.libraries.setHeaderLabels(["Library", "Version", "Licence"])
        self.libraries.setRootIsDecorated(False)
        self.libraries.setAlternatingRowColors(True)
        for library in bundled_libraries():
            QTreeWidgetItem(self.libraries, [library.name, library.version, library.licence])
        QTreeWidgetItem(
            self.libraries,
            ["Qt (through PySide6)", self._qt_version(), "LGPL-3.0-only OR GPL-3.0-only"],
        )
        QTreeWidgetItem(self.libraries, ["Python", platform.python_version(), "PSF-2.0"])
        header = self.libraries.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        heading.setBuddy(self.libraries)
        describe(self.libraries, "Each library's name, version and licence", name="Libraries")
        layout.addWidget(self.libraries, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton("&Copy Versions", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("copyVersions")
        describe(copy, "Copy the versions, to paste into a message about a problem")
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeAbout")
        describe(buttons.button(QDialogButtonBox.StandardButton.Close), "Close this window")
        copy.clicked.connect(self.copy_versions)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 90, self.fontMetrics().height() * 34)

    @staticmethod
    def _qt_version() -> str:
        from PySide6.QtCore import qVersion

        return str(qVersion())

    def copy_versions(self) -> None:
        QGuiApplication.clipboard().setText(self.versions)
