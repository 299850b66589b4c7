"""The Help menu: About hubevents, the user guide, the log folder, and the sample sheets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from hubevents_gui.core.logs import log_folder
from hubevents_gui.core.package_data import (
    SAMPLES,
    PackageDataMissingError,
    SampleCopyError,
    SampleKind,
    sample_copies,
    sample_path,
)
from hubevents_gui.ui.desktop import open_folder

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from hubevents_gui.ui.settings import AppSettings
    from hubevents_gui.ui.shell import WindowShell


class HelpActions(QObject):
    def __init__(self, window: WindowShell) -> None:
        super().__init__(window)
        self.setObjectName("helpActions")
        self.window = window
        self._guide: QDialog | None = None

    @Slot()
    def about(self) -> None:
        from hubevents_gui.ui.dialogs.about_dialog import AboutDialog

        AboutDialog(self.window).exec()

    @Slot()
    def user_guide(self) -> None:
        """The guide in a window of its own, beside the table (one, raised when shown again)."""
        from hubevents_gui.ui.dialogs.guide_dialog import GuideDialog

        if self._guide is None:
            self._guide = GuideDialog(self.window)
        self._guide.show()
        self._guide.raise_()
        self._guide.activateWindow()

    @Slot()
    def open_log_folder(self) -> None:
        folder = log_folder()
        if not open_folder(folder):
            self.window.statusBar().showMessage(
                f"This desktop cannot show folders: the logs are in {folder}", 15_000
            )

    @Slot()
    def open_sample(self, kinds: Sequence[SampleKind] = tuple(SAMPLES)) -> None:
        """The sample sheets (events, then attendees), from copies in the data folder: edits
        and results saved over them stay the user's; the package's are never written. Their
        columns are the app's own: they open without asking how they match."""
        try:
            copies = dict(zip(SAMPLES, sample_copies(), strict=True))
        except (SampleCopyError, PackageDataMissingError) as exc:
            self.window.statusBar().showMessage(f"The sample cannot be opened: {exc}", 15_000)
            return
        trust_sample_columns(self.window.settings)
        self.window.open_paths([copies[kind] for kind in kinds])


def trust_sample_columns(settings: AppSettings) -> None:
    """The samples' columns as the app reads them, remembered as if confirmed (a new user's
    first look is the table, not a question about columns the app itself wrote)."""
    from hubevents_gui.core.sheets import SheetError, guess_mapping, open_sheet

    for kind in SAMPLES:
        try:
            raw = open_sheet(sample_path(kind))
        except SheetError:
            continue  # said when it is opened
        if settings.mapping_for(raw.headers) is None:
            settings.remember_mapping(raw.headers, guess_mapping(raw.headers))
