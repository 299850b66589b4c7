"""The Run history panel: every recorded run, newest first, with what became of it in a word
("complete", "finished with failures", "stopped: token rejected (401)", "interrupted"); columns
fit their text; double-click opens the run's rows."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QTreeWidget, QTreeWidgetItem, QWidget

from hubevents_gui.core.history import RunSummary
from hubevents_gui.ui.controller import Controller
from hubevents_gui.ui.dialogs.history_dialog import fit_columns

HEADERS = ["Started", "File", "To", "Rows", "Created", "Updated", "Failed", "Not sent", "Ended"]


def run_cells(run: RunSummary) -> list[str]:
    """A run's row in the panel. Its counts add up to its rows: rows with no answer (a killed
    run) count as not sent, the tooltip says how many."""
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.started))
    counts = (run.rows, run.created, run.updated, run.failed, run.not_sent + run.no_answer)
    return [started, Path(run.file).name, run.connection, *map(str, counts), run.state]


class HistoryPanel(QDockWidget):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__("Run history", parent)
        self.setObjectName("historyDock")
        self.controller = controller
        #: where this session last exported a run: the next export proposes it
        self.export_folder: Path | None = None
        self.runs = QTreeWidget(self)
        self.runs.setObjectName("historyList")
        self.runs.setRootIsDecorated(False)
        self.runs.setUniformRowHeights(True)
        self.runs.setHeaderLabels(HEADERS)
        self.runs.setToolTip("Double-click a run to see its rows and export them")
        self.runs.itemDoubleClicked.connect(self._on_run_activated)
        self.setWidget(self.runs)
        controller.history_changed.connect(self._on_history_changed)

    @Slot()
    def _on_history_changed(self) -> None:
        # never wait for the history's writer on the GUI thread: a run's last outcomes are
        # committed within half a second, so read now and again a little later
        self.refresh()
        # the panel is the timer's context: a window closed meanwhile cancels it (a plain
        # callable would still be called, on a panel already destroyed)
        QTimer.singleShot(800, self, self.refresh)

    @Slot()
    def refresh(self) -> None:
        self.runs.clear()
        for run in self.controller.history.runs():
            item = QTreeWidgetItem(run_cells(run))
            item.setData(0, Qt.ItemDataRole.UserRole, run)
            tip = run.summary_text
            for column in range(len(HEADERS)):
                item.setToolTip(column, tip)
            for column in range(3, 8):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            self.runs.addTopLevelItem(item)
        fit_columns(self.runs)

    @Slot(QTreeWidgetItem, int)
    def _on_run_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        from hubevents_gui.ui.dialogs.history_dialog import RunDialog

        run = item.data(0, Qt.ItemDataRole.UserRole)
        last = Path(self.controller.settings.last_folder)
        # a folder since deleted or unmounted: the dialog falls back to Documents or home
        folder = self.export_folder or (last if last.is_dir() else None)
        self.dialog = RunDialog(self.controller.history, run, self, folder=folder)
        self.dialog.exported.connect(self._on_exported)
        self.dialog.exec()

    @Slot(object)
    def _on_exported(self, path: Path) -> None:
        self.export_folder = path.parent
