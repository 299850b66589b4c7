"""What the window's parts (opening, running) may use of the main window, declared once so that
they depend on this and not on main_window (which builds them): no import cycle."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QDialog, QMainWindow, QMenu

from hubevents_gui.ui.controller import Controller
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.run_status import RunStatus
from hubevents_gui.ui.saving import ResultsSaving
from hubevents_gui.ui.settings import AppSettings
from hubevents_gui.ui.table_pane import TablePane
from hubevents_gui.ui.table_view import EventTableView


class WindowShell(QMainWindow):
    controller: Controller
    settings: AppSettings
    run_status: RunStatus
    recent_menu: QMenu
    connection_dialog: QDialog | None

    @property
    def panes(self) -> list[TablePane]:
        """Its tabs: the event table's, then the attendee table's."""
        raise NotImplementedError

    @property
    def pane(self) -> TablePane:
        """The tab shown: what the window's actions act on."""
        raise NotImplementedError

    def show_pane(self, pane: TablePane) -> None:
        raise NotImplementedError

    def pane_of(self, document: TableDocument) -> TablePane:
        """The tab that shows ``document``."""
        return next(p for p in self.panes if p.document is document)

    @property
    def document(self) -> TableDocument:
        return self.pane.document

    @property
    def table(self) -> EventTableView:
        return self.pane.table

    @property
    def saving(self) -> ResultsSaving:
        return self.pane.saving

    def update_title(self) -> None:
        raise NotImplementedError

    def update_actions(self) -> None:
        raise NotImplementedError

    def update_banner(self) -> None:
        raise NotImplementedError

    def may_replace(self, pane: TablePane | None = None) -> bool:
        """Whether the table of ``pane`` (by default the tab shown) may go (asks about its
        unsaved work)."""
        raise NotImplementedError

    def open_paths(self, paths: Sequence[Path]) -> None:
        """Open each file in turn, each into the tab of its kind."""
        raise NotImplementedError
