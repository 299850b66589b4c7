"""The Run history panel: every recorded run, newest first, with what became of it in a word
("complete", "finished with failures", "stopped: token rejected (401)", "interrupted", "undone");
columns fit their text; double-click opens the run's rows; Undo This Run… (the button, or the
run's context menu) takes an upsert run back (see ui.undo_actions)."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hubevents_gui.core.history import RunSummary
from hubevents_gui.ui.accessible import describe
from hubevents_gui.ui.controller import Controller
from hubevents_gui.ui.dialogs.history_dialog import fit_columns

HEADERS = [
    "Started", "File", "To", "Rows", "Created", "Updated", "Other", "Failed", "Not sent", "Ended",
]  # fmt: skip
#: what the Other column counts: rows stored otherwise than created or updated
OTHER_TIP = "Attendees recorded, and events cancelled, completed or deleted"


def run_cells(run: RunSummary) -> list[str]:
    """A run's row in the panel. Its counts add up to its rows: rows with no answer (a killed
    run) count as not sent, the tooltip says how many."""
    started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.started))
    other = run.stored - run.created - run.updated
    counts = (run.rows, run.created, run.updated, other, run.failed, run.not_sent + run.no_answer)
    name = Path(run.file).name
    shown = f"Undo of {name}" if run.kind == "undo" else name
    return [started, shown, run.connection, *map(str, counts), run.state]


class HistoryPanel(QDockWidget):
    #: Undo This Run… for a run (its RunSummary)
    undo_requested = Signal(object)

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
        self.runs.headerItem().setToolTip(HEADERS.index("Other"), OTHER_TIP)
        self.runs.setToolTip("Double-click a run to see its rows and export them")
        describe(self.runs, self.runs.toolTip(), name="Runs")
        self.runs.itemDoubleClicked.connect(self._on_run_activated)
        self.runs.currentItemChanged.connect(self.update_buttons)
        self.runs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.runs.customContextMenuRequested.connect(self._on_context_menu)
        self.undo_button = QPushButton("Undo This Run…")
        self.undo_button.setObjectName("undoRunButton")
        self.undo_button.setToolTip(
            "Delete the events the selected upsert created and put back what it changed, "
            "after a preview of exactly what will happen"
        )
        self.undo_button.setAutoDefault(False)
        self.undo_button.clicked.connect(self._undo_current)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.undo_button)
        layout.addLayout(row)
        layout.addWidget(self.runs, 1)
        self.setWidget(body)
        controller.history_changed.connect(self._on_history_changed)
        self.update_buttons()

    def current_run(self) -> RunSummary | None:
        item = self.runs.currentItem()
        run = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return run if isinstance(run, RunSummary) else None

    @Slot()
    def update_buttons(self) -> None:
        run = self.current_run()
        self.undo_button.setEnabled(run is not None and run.undoable and not self.controller.busy)

    @Slot()
    def _undo_current(self) -> None:
        run = self.current_run()
        if run is not None:
            self.undo_requested.emit(run)

    @Slot(QPoint)
    def _on_context_menu(self, at: QPoint) -> None:
        item = self.runs.itemAt(at)
        if item is None:
            return
        self.runs.setCurrentItem(item)
        menu = QMenu(self)
        show = menu.addAction("Show Rows…")
        show.triggered.connect(lambda: self._on_run_activated(item, 0))
        undo = menu.addAction("Undo This Run…")
        undo.setEnabled(self.undo_button.isEnabled())
        undo.triggered.connect(self._undo_current)
        menu.exec(self.runs.viewport().mapToGlobal(at))

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
        chosen = self.current_run()
        self.runs.clear()
        for run in self.controller.history.runs():
            item = QTreeWidgetItem(run_cells(run))
            item.setData(0, Qt.ItemDataRole.UserRole, run)
            tip = run.summary_text
            for column in range(len(HEADERS)):
                item.setToolTip(column, tip)
            for column in range(HEADERS.index("Rows"), HEADERS.index("Ended")):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            self.runs.addTopLevelItem(item)
            if chosen is not None and run.id == chosen.id:
                self.runs.setCurrentItem(item)  # the refresh keeps the run chosen
        fit_columns(self.runs)
        self.update_buttons()

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
