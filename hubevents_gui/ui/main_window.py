"""The main window: composition and wiring of the table, its panels, actions and status.

No business logic here: the document holds rows and their state, the controller reads, sends
and saves off the GUI thread, and the panels and bars live in modules of their own.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from hubevents_gui.core.rows import RowId
from hubevents_gui.core.sheets import SUPPORTED_SUFFIXES, RawSheet, Target
from hubevents_gui.core.words import plural
from hubevents_gui.ui import commands
from hubevents_gui.ui.actions import build_actions, fill_menus, fill_toolbar, table_actions
from hubevents_gui.ui.clipboard import TableEditor
from hubevents_gui.ui.controller import Controller, RunProgress
from hubevents_gui.ui.dialogs.mapping_dialog import MappingDialog
from hubevents_gui.ui.event_model import EventTableModel
from hubevents_gui.ui.find_bar import FindBar
from hubevents_gui.ui.history_panel import HistoryPanel
from hubevents_gui.ui.issues_panel import IssuesPanel
from hubevents_gui.ui.recovery import ask_to_restore, restore_session
from hubevents_gui.ui.row_order import RowFilter
from hubevents_gui.ui.run_status import RunStatus
from hubevents_gui.ui.saving import ResultsSaving
from hubevents_gui.ui.settings import AppSettings
from hubevents_gui.ui.table_view import EventTableView

if TYPE_CHECKING:
    from hubevents_gui.core.journal import RecoveredSession
    from hubevents_gui.hubspot.report import RunReport
    from hubevents_gui.ui.autosave import Autosaver

FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)"
#: actions that need rows and no run
_ROW_ACTIONS = ("actionUpsertAll", "actionUpsertSelected", "actionSaveResults")


class MainWindow(QMainWindow):
    def __init__(
        self, controller: Controller, settings: AppSettings, autosaver: Autosaver | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.controller = controller
        self.autosaver = autosaver
        self.settings = settings
        self.document = controller.document
        self.model = EventTableModel(self.document, self)
        self._keep_journal = True
        self._history_shown = False
        self.setAcceptDrops(True)
        self.actions_by_name = build_actions(self, self)
        self._build()
        self._wire()
        self._update_title()
        self._update_banner()
        self._update_actions()
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        else:
            self.resize(1280, 760)
        self._state_restored = settings.window_state is not None
        if settings.window_state is not None:
            self.restoreState(settings.window_state)

    def action(self, name: str) -> QAction:
        return self.actions_by_name[name]

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        central = QWidget(self)
        central.setObjectName("central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = QLabel(central)
        self.banner.setObjectName("connectionBanner")
        layout.addWidget(self.banner)
        self.table = EventTableView(self.model, self.settings, central)
        self.find_bar = FindBar(self.table, central)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.table, 1)
        self.table.addActions(table_actions(self.actions_by_name))
        self.empty_hint = QLabel(
            "<h2>Open a spreadsheet of events</h2><p>Drop an .xlsx, .xls, .ods or .csv file "
            "here, or press Ctrl+O.</p>",
            central,
        )
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_hint, 1)
        self.setCentralWidget(central)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolBar")
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        fill_toolbar(toolbar, self.actions_by_name)
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Show: "))
        self.filter_combo = QComboBox(toolbar)
        self.filter_combo.setObjectName("rowFilter")
        self.filter_combo.setAccessibleName("Show rows")
        for mode in RowFilter:
            self.filter_combo.addItem(mode.value, mode)
        toolbar.addWidget(self.filter_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.action("actionConnection"))
        self.addToolBar(toolbar)
        toolbar.toggleViewAction().setObjectName("actionToggleToolBar")
        self.toolbar = toolbar

        self.editor = TableEditor(self.table, self.model, self.statusBar())
        self.saving = ResultsSaving(self, self.controller, self.settings)
        self.issues_dock = IssuesPanel(self.document, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.issues_dock)
        self.history_dock = HistoryPanel(self.controller, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.history_dock)
        self.tabifyDockWidget(self.issues_dock, self.history_dock)
        self.issues_dock.raise_()
        self.statusBar().setObjectName("statusBar")
        self.run_status = RunStatus(
            self.statusBar(), self.action("actionCancel"), self.action("actionTimeZone")
        )
        self.run_status.set_zone(self.document.zone.key)

        menus = fill_menus(self.menuBar(), self.actions_by_name)
        self.recent_menu = menus["menuRecent"]
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        view = self.menuBar().addMenu("&View")
        view.setObjectName("menuView")
        for dock, name in ((self.issues_dock, "Issues"), (self.history_dock, "History")):
            toggle = dock.toggleViewAction()
            toggle.setObjectName(f"actionToggle{name}")
            view.addAction(toggle)

    def _wire(self) -> None:
        c = self.controller
        c.import_started.connect(self._on_import_started)
        c.import_progress.connect(self.run_status.rows_read)
        c.import_finished.connect(self._on_import_finished)
        c.import_failed.connect(self._on_import_failed)
        c.sheet_needed.connect(self._on_sheet_needed)
        c.mapping_needed.connect(self._on_mapping_needed)
        c.run_started.connect(self._on_run_started)
        c.run_progress.connect(self._on_run_progress)
        c.run_finished.connect(self._on_run_finished)
        c.auth_required.connect(self._on_auth_required)
        c.connection_changed.connect(self._update_banner)
        c.storage_failed.connect(self._on_storage_failed)
        if self.autosaver is not None:
            self.autosaver.failed.connect(self._on_storage_failed)
        d = self.document
        d.edited.connect(self._on_edited)
        d.validation_changed.connect(self._update_counts)
        d.reset_done.connect(self._after_reset)
        stack = d.undo_stack
        for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.indexChanged):
            signal.connect(self._update_undo)
        self.filter_combo.currentIndexChanged.connect(self._on_filter)
        self.issues_dock.issue_activated.connect(self._on_issue_activated)
        self.table.selectionModel().currentChanged.connect(self._on_current_changed)

    # ------------------------------------------------------------------ state shown

    def _update_title(self) -> None:
        name = self.controller.file.name if self.controller.file else "Untitled"
        self.setWindowTitle(f"{name}[*] — hubevents")

    @Slot()
    def _update_banner(self) -> None:
        connection = self.controller.connection
        style = self.model.style
        if connection.sandbox:
            self.banner.setText(
                "<b>Sandbox:</b> nothing leaves this computer. "
                "Choose <i>Connection…</i> to send to HubSpot."
            )
            self.banner.setStyleSheet(style.note_css("sandbox"))
        else:
            session = " (token kept for this session only)" if connection.session_only else ""
            where = connection.settings.base_url
            self.banner.setText(f"<b>HubSpot:</b> rows are sent to {where}{session}.")
            self.banner.setStyleSheet(style.note_css("hubspot"))

    @Slot()
    def _update_undo(self) -> None:
        stack = self.document.undo_stack
        if not isValid(stack):  # the stack goes with the document when the window is torn down
            return
        undo, redo = self.action("actionUndo"), self.action("actionRedo")
        undo.setEnabled(stack.canUndo())
        redo.setEnabled(stack.canRedo())
        undo.setText(f"&Undo {stack.undoText()}".rstrip())
        redo.setText(f"&Redo {stack.redoText()}".rstrip())

    def _update_actions(self) -> None:
        self._update_undo()
        has_rows = bool(self.document.rows)
        has_table = has_rows or self.document.table.file is not None
        running = self.controller.busy
        self.table.setVisible(has_table)
        self.empty_hint.setVisible(not has_table)
        for name in _ROW_ACTIONS:
            self.action(name).setEnabled(has_rows and not running)
        self.action("actionSaveResultsAs").setEnabled(has_rows)
        retry = has_rows and not running and bool(self.controller.retryable())
        self.action("actionRetryFailed").setEnabled(retry)
        self.action("actionCancel").setEnabled(running)
        self.action("actionOpen").setEnabled(not running)
        self.action("actionConnection").setEnabled(not running)
        source = self.document.table.file
        self.action("actionAddResultsToWorkbook").setEnabled(
            has_rows and source is not None and source.suffix.lower() in (".xlsx", ".xlsm")
        )
        for name in ("actionDuplicateRows", "actionDeleteRows"):
            self.action(name).setEnabled(has_rows)
        for name in ("actionAddRow", "actionAddCustomColumn"):
            self.action(name).setEnabled(has_table)

    @Slot()
    def _update_counts(self) -> None:
        document = self.document
        self.run_status.set_counts(
            len(document.rows), self.model.rowCount(), document.invalid_count()
        )

    @Slot()
    def _after_reset(self) -> None:
        self._update_counts()
        self._update_actions()

    # ------------------------------------------------------------------ files

    @Slot()
    def choose_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        if not self._may_replace():
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a spreadsheet", self.settings.last_folder, FILE_FILTER
        )
        if path:
            self.controller.open_file(Path(path))

    def open_path(self, path: Path) -> None:
        if self._may_replace():
            self.controller.open_file(path)

    def offer_recovery(self, session: RecoveredSession, then_open: Path | None = None) -> None:
        """After a crash: offer the unsaved session back, exactly as it was."""
        if ask_to_restore(self, session):
            restore_session(self.document, session)
            self.controller.file = session.table.file
            self._update_title()
            self.setWindowModified(True)
            self._update_actions()
            name = session.table.file.name if session.table.file else "the untitled table"
            self.statusBar().showMessage(f"Restored the unsaved work on {name}", 10_000)
        elif then_open is not None:
            self.controller.open_file(then_open)

    def _may_replace(self) -> bool:
        """Ask before unsaved edits or outcomes would be replaced."""
        if not self.isWindowModified():
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            "The table has edits or outcomes that are not saved. Save the results first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.saving.save(wait=True)
        if answer == QMessageBox.StandardButton.Discard:
            self._keep_journal = False  # given up on purpose: nothing to offer back
            return True
        return False

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for text in self.settings.recent_files:
            action = self.recent_menu.addAction(text)
            action.triggered.connect(lambda _=False, p=text: self.open_path(Path(p)))
        if not self.settings.recent_files:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        local = urls[0].toLocalFile() if urls and urls[0].isLocalFile() else ""
        if local and Path(local).suffix.lower() in SUPPORTED_SUFFIXES:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            event.acceptProposedAction()
            self.open_path(Path(urls[0].toLocalFile()))

    @Slot(str)
    def _on_import_started(self, name: str) -> None:
        self.run_status.reading(name)
        self._update_actions()

    @Slot()
    def _on_import_finished(self) -> None:
        self.run_status.hide_progress()
        self.statusBar().clearMessage()
        notes = self.document.table.notes
        if notes:
            self.statusBar().showMessage("; ".join(notes), 15_000)
        self._update_title()
        self.setWindowModified(False)
        self._update_actions()

    @Slot(str)
    def _on_import_failed(self, message: str) -> None:
        self.run_status.hide_progress()
        self.statusBar().clearMessage()
        self._update_actions()
        QMessageBox.warning(self, "Cannot open the file", message)

    @Slot(object, list)
    def _on_sheet_needed(self, path: Path, names: list[str]) -> None:
        name, ok = QInputDialog.getItem(
            self, "Choose a sheet", f"{path.name} has several sheets of events. Which one?",
            names, 0, False,
        )  # fmt: skip
        if ok and name:
            self.controller.open_file(path, name)

    @Slot(object, list)
    def _on_mapping_needed(self, raw: RawSheet, guess: list[Target]) -> None:
        dialog = MappingDialog(raw, guess, raw.peek(3), self)
        if dialog.exec() == MappingDialog.DialogCode.Accepted:
            self.controller.build(raw, dialog.mapping())
        else:
            self._on_import_finished()

    # ------------------------------------------------------------------ results

    @Slot()
    def save_results(self) -> None:
        self.saving.save()

    @Slot()
    def save_results_as(self) -> None:
        self.saving.save_as()

    @Slot()
    def add_results_to_source(self) -> None:
        self.saving.add_to_source()

    # ------------------------------------------------------------------ editing

    @Slot()
    def add_row(self) -> None:
        row = self.document.new_row()
        commands.insert_rows(self.document, [row])
        self.table.go_to(row.row_id, "externalAccountId", edit=True)

    @Slot()
    def duplicate_rows(self) -> None:
        ids = self.table.selected_row_ids()
        originals = [r for i in ids if (r := self.document.row(i)) is not None]
        if not originals:
            return
        copies = [row.copy(self.document.row_ids()) for row in originals]
        commands.insert_rows(self.document, copies, after=ids[-1])
        self.table.go_to(copies[0].row_id, "externalEventId")
        self.statusBar().showMessage(
            f"{plural(len(copies), 'row')} duplicated: give each a new External Event ID", 8000
        )

    @Slot()
    def delete_rows(self) -> None:
        ids = self.table.selected_row_ids()
        if not ids:
            return
        question = f"Delete {plural(len(ids), 'row')} from the table?"
        if QMessageBox.question(self, "Delete rows", question) == QMessageBox.StandardButton.Yes:
            left = commands.remove_rows(self.document, ids)
            if left:
                self.statusBar().showMessage(
                    f"{plural(left, 'row')} being sent were kept; delete them after the run", 8000
                )

    @Slot()
    def add_custom_column(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            "Add a custom property column",
            "Internal name of the marketing-event property (it must exist in HubSpot):",
        )
        if not ok or not name.strip():
            return
        try:
            column = commands.add_custom_column(self.document, name)
        except ValueError as exc:
            QMessageBox.warning(self, "Cannot add the column", str(exc))
            return
        self.table.horizontalHeader().resizeSection(column, 160)

    @Slot()
    def undo(self) -> None:
        self._say_refused(self.document.undo())

    @Slot()
    def redo(self) -> None:
        self._say_refused(self.document.redo())

    def _say_refused(self, reason: str | None) -> None:
        if reason:
            self.statusBar().showMessage(reason, 8000)

    @Slot()
    def copy_cells(self) -> None:
        self.editor.copy_cells()

    @Slot()
    def paste_cells(self) -> None:
        self.editor.paste_cells()

    @Slot()
    def fill_down(self) -> None:
        self.editor.fill_down()

    @Slot()
    def clear_cells(self) -> None:
        self.editor.clear_cells()

    @Slot()
    def show_find(self) -> None:
        self.find_bar.open_bar()

    @Slot(int, str)
    def _on_issue_activated(self, row_id: int, key: str) -> None:
        if not self.table.go_to(RowId(row_id), key):
            self.filter_combo.setCurrentIndex(0)  # shown again with every row
            self.table.go_to(RowId(row_id), key)

    @Slot()
    def _on_edited(self) -> None:
        self._keep_journal = True
        self.setWindowModified(True)
        self._update_actions()

    @Slot(int)
    def _on_filter(self, position: int) -> None:
        mode = self.filter_combo.itemData(position)
        if isinstance(mode, RowFilter):
            self.document.set_filter(mode)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.run_status.preview.clear()
            return
        column = self.model.columns[current.column()]
        preview = self.model.utc_preview(self.document.row_at(current.row()), column.key)
        self.run_status.preview.setText(f"{column.header} {preview}" if preview else "")

    @Slot()
    def choose_zone(self) -> None:
        zones = sorted(zoneinfo.available_timezones())
        current = self.document.zone.key
        name, ok = QInputDialog.getItem(
            self, "Time zone", "Date cells without a zone are wall-clock times in:", zones,
            zones.index(current) if current in zones else 0, True,
        )  # fmt: skip
        if ok and name in zones:
            self.controller.set_zone(zoneinfo.ZoneInfo(name))
            self.run_status.set_zone(name)
            self._on_current_changed(self.table.currentIndex(), QModelIndex())

    @Slot(str)
    def _on_storage_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Autosave or run history failed: {message}", 30_000)

    # ------------------------------------------------------------------ running

    def _send(self, row_ids: list[RowId] | None) -> None:
        valid, invalid = self.controller.sendable(row_ids)
        if not valid:
            QMessageBox.information(
                self, "Nothing to send", "No valid rows to send: fix the issues listed below."
            )
            return
        if invalid:
            question = (
                f"{plural(invalid, 'invalid row')} will be skipped; "
                f"{plural(len(valid), 'row')} will be sent. Continue?"
            )
            if QMessageBox.question(self, "Some rows are invalid", question) != (
                QMessageBox.StandardButton.Yes
            ):
                return
        self.controller.upsert(valid)

    @Slot()
    def upsert_all(self) -> None:
        self._send(None)

    @Slot()
    def upsert_selected(self) -> None:
        self._send(self.table.selected_row_ids())

    @Slot()
    def retry_failed(self) -> None:
        self._send(self.controller.retryable())

    @Slot()
    def cancel(self) -> None:
        self.controller.cancel_import()
        self.controller.cancel_run()

    @Slot(int)
    def _on_run_started(self, total: int) -> None:
        self.run_status.run_started(total)
        self._update_actions()

    @Slot(object)
    def _on_run_progress(self, progress: RunProgress) -> None:
        self.run_status.run_progress(progress)

    @Slot(object)
    def _on_run_finished(self, report: RunReport) -> None:
        self.run_status.hide_progress()
        self.setWindowModified(True)
        self._update_actions()
        c = report.counts
        stopped = f" Stopped: {report.stopped_text}." if report.stopped else ""
        self.statusBar().showMessage(
            f"{c.created} created, {c.updated} updated, {c.failed} failed, "
            f"{c.not_sent} not sent in {report.elapsed:.1f} s "
            f"({plural(report.requests, 'request')}).{stopped}",
            20_000,
        )

    @Slot(str)
    def _on_auth_required(self, reason: str) -> None:
        self.edit_connection(reason)

    @Slot()
    def edit_connection(self, reason: str = "") -> None:
        # the dialog brings httpx along: loaded when first needed, not at start-up
        from hubevents_gui.ui.dialogs.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self.controller, reason if isinstance(reason, str) else "", self)
        self.connection_dialog = dialog
        if dialog.exec() == ConnectionDialog.DialogCode.Accepted and dialog.note:
            QMessageBox.information(self, "Token kept for this session", dialog.note)
        self._update_banner()

    # ------------------------------------------------------------------ showing and closing

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._history_shown:
            self._history_shown = True
            QTimer.singleShot(0, self.history_dock.refresh)
        if not self._state_restored:
            # the first time: the table gets the room, the issues panel a few lines
            self._state_restored = True
            self.resizeDocks([self.issues_dock], [110], Qt.Orientation.Vertical)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller.busy:
            answer = QMessageBox.question(
                self,
                "Stop and quit?",
                "Rows are being sent. Stop after the requests in flight and quit?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        elif not self._may_replace():
            event.ignore()
            return
        self.controller.shutdown()
        if self.autosaver is not None:
            # a clean close after saving (or choosing to discard) leaves nothing to recover
            self.autosaver.finish(keep=self.isWindowModified() and self._keep_journal)
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()
        event.accept()
