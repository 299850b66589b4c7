"""What the window's parts (opening, running) may use of the main window, declared once so that
they depend on this and not on main_window (which builds them): no import cycle."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMainWindow, QMenu

from hubevents_gui.ui.controller import Controller
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.run_status import RunStatus
from hubevents_gui.ui.saving import ResultsSaving
from hubevents_gui.ui.settings import AppSettings
from hubevents_gui.ui.table_view import EventTableView


class WindowShell(QMainWindow):
    controller: Controller
    settings: AppSettings
    document: TableDocument
    table: EventTableView
    run_status: RunStatus
    saving: ResultsSaving
    recent_menu: QMenu
    connection_dialog: QDialog | None

    def update_title(self) -> None:
        raise NotImplementedError

    def update_actions(self) -> None:
        raise NotImplementedError

    def update_banner(self) -> None:
        raise NotImplementedError

    def may_replace(self) -> bool:
        """Whether the open table may go (asks about unsaved work)."""
        raise NotImplementedError
