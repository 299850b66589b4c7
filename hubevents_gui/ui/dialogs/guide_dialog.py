"""Help > User Guide: the guide that ships in the package (the README's sections for users),
shown beside the table; links to web pages open in the browser."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from hubevents_gui.core.package_data import PackageDataMissingError, resource
from hubevents_gui.ui.accessible import describe


def guide_markdown() -> str:
    try:
        return resource("guide.md").read_text(encoding="utf-8")
    except (OSError, PackageDataMissingError) as exc:
        return f"# The user guide is missing\n\n{exc}"


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle("hubevents User Guide")
        # a window of its own beside the table, not in front of it
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setModal(False)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideText")
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(guide_markdown())
        describe(self.browser, "The user guide", name="User guide", tip=False)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("closeGuide")
        describe(close, "Close the guide")
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()
        width, height = metrics.averageCharWidth() * 150, metrics.height() * 50
        screen = self.screen().availableGeometry()
        self.resize(min(width, screen.width() * 9 // 10), min(height, screen.height() * 9 // 10))
