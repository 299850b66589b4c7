"""The main window: actions, the table, the issues panel, progress and the status bar.

No business logic here: the controller reads and sends, the model holds rows and their state.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from hubevents_gui.core.results import (
    ResultsError,
    add_result_columns,
    result_cells,
    write_results,
)
from hubevents_gui.core.rows import EventRow, RowId, RowStatus
from hubevents_gui.core.sheets import SUPPORTED_SUFFIXES, RawSheet, Target
from hubevents_gui.core.validation import Issue
from hubevents_gui.ui.clipboard import TableEditor
from hubevents_gui.ui.controller import Controller, RunProgress
from hubevents_gui.ui.delegates import EventDelegate
from hubevents_gui.ui.dialogs.mapping_dialog import MappingDialog
from hubevents_gui.ui.event_model import ROW_ID_ROLE, RowFilter
from hubevents_gui.ui.history_panel import HistoryPanel
from hubevents_gui.ui.settings import AppSettings

if TYPE_CHECKING:
    from hubevents_gui.core.journal import RecoveredSession
    from hubevents_gui.hubspot.client import RunReport
    from hubevents_gui.ui.autosave import Autosaver


#: issues listed in the panel at most (the status bar counts them all)
MAX_LISTED_ISSUES = 2000
FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(
        self, controller: Controller, settings: AppSettings, autosaver: Autosaver | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.controller = controller
        self.autosaver = autosaver
        self.settings = settings
        self.model = controller.model
        self.setAcceptDrops(True)
        self._build_actions()
        self._build_central()
        self._build_issues_panel()
        self._build_history_panel()
        self._build_status_bar()
        self._build_menus()
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

    # ------------------------------------------------------------------ building

    def _action(
        self, name: str, text: str, slot: Any, shortcut: Any = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.open_action = self._action(
            "actionOpen", "&Open…", self.choose_file, key.Open, "Open a spreadsheet of events"
        )
        self.save_action = self._action(
            "actionSaveResults",
            "&Save Results",
            self.save_results,
            key.Save,
            "Save the rows with their outcomes",
        )
        self.save_as_action = self._action(
            "actionSaveResultsAs", "Save Results &As…", self.save_results_as, key.SaveAs
        )
        self.add_to_source_action = self._action(
            "actionAddResultsToWorkbook",
            "Add Results to the Original Workbook…",
            self.add_results_to_source,
            tip="Write Status, HubSpot ID and Message beside your columns, keeping its formatting",
        )
        self.quit_action = self._action("actionQuit", "&Quit", self.close, key.Quit)
        self.upsert_action = self._action(
            "actionUpsertAll", "&Upsert All", self.upsert_all, "Ctrl+Return", "Send every valid row"
        )
        self.upsert_selected_action = self._action(
            "actionUpsertSelected",
            "Upsert &Selected",
            self.upsert_selected,
            "Ctrl+Shift+Return",
            "Send the selected rows",
        )
        self.retry_action = self._action(
            "actionRetryFailed",
            "&Retry Failed",
            self.retry_failed,
            "Ctrl+R",
            "Send again the rows that failed or were not sent",
        )
        self.cancel_action = self._action(
            "actionCancel", "&Cancel", self.cancel, "Esc", "Stop sending"
        )
        self.connection_action = self._action(
            "actionConnection",
            "Co&nnection…",
            self.edit_connection,
            tip="Sandbox or HubSpot, and your token",
        )
        self.add_row_action = self._action("actionAddRow", "&Add Row", self.add_row, "Ctrl+Shift+N")
        self.duplicate_action = self._action(
            "actionDuplicateRows", "&Duplicate Rows", self.duplicate_rows, "Ctrl+Shift+D"
        )
        self.delete_action = self._action(
            "actionDeleteRows", "Delete &Rows", self.delete_rows, "Ctrl+-"
        )
        self.add_column_action = self._action(
            "actionAddCustomColumn", "Add &Custom Property Column…", self.add_custom_column
        )
        self.find_action = self._action("actionFind", "&Find…", self.show_find, key.Find)
        self.undo_action = self._action("actionUndo", "&Undo", self.undo, key.Undo)
        self.redo_action = self._action("actionRedo", "&Redo", self.redo, key.Redo)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.copy_action = self._action("actionCopy", "&Copy", self.copy_cells, key.Copy)
        self.paste_action = self._action("actionPaste", "&Paste", self.paste_cells, key.Paste)
        self.fill_action = self._action(
            "actionFillDown",
            "Fill &Down",
            self.fill_down,
            "Ctrl+D",
            "Copy the top cell of each selected column into the cells below it",
        )
        self.clear_action = self._action(
            "actionClearCells", "C&lear Cells", self.clear_cells, key.Delete
        )
        self.zone_action = self._action(
            "actionTimeZone",
            "Time &Zone…",
            self.choose_zone,
            tip="The zone that date cells without one are read in",
        )

    def _build_central(self) -> None:
        central = QWidget(self)
        central.setObjectName("central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = QLabel(central)
        self.banner.setObjectName("connectionBanner")
        self.banner.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.banner)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolBar")
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.open_action, self.save_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (
            self.upsert_action,
            self.upsert_selected_action,
            self.retry_action,
            self.cancel_action,
        ):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.add_row_action, self.duplicate_action, self.delete_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Show: "))
        self.filter_combo = QComboBox(toolbar)
        self.filter_combo.setObjectName("rowFilter")
        for mode in RowFilter:
            self.filter_combo.addItem(mode.value, mode)
        toolbar.addWidget(self.filter_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.connection_action)
        self.addToolBar(toolbar)
        toolbar.toggleViewAction().setObjectName("actionToggleToolBar")
        self.toolbar = toolbar

        self.find_bar = QWidget(central)
        self.find_bar.setObjectName("findBar")
        find_layout = QHBoxLayout(self.find_bar)
        find_layout.setContentsMargins(8, 4, 8, 4)
        find_layout.addWidget(QLabel("Find:"))
        self.find_edit = QLineEdit(self.find_bar)
        self.find_edit.setObjectName("findText")
        self.find_edit.setPlaceholderText("text in any cell; Enter finds the next")
        self.find_edit.returnPressed.connect(self.find_next)
        find_layout.addWidget(self.find_edit, 1)
        self.find_status = QLabel(self.find_bar)
        self.find_status.setObjectName("findStatus")
        find_layout.addWidget(self.find_status)
        close_find = QToolButton(self.find_bar)
        close_find.setObjectName("findClose")
        close_find.setText("✕")
        close_find.clicked.connect(self.find_bar.hide)
        find_layout.addWidget(close_find)
        self.find_bar.hide()
        layout.addWidget(self.find_bar)

        self.table = QTableView(central)
        self.table.setObjectName("eventTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(EventDelegate(self.model, self.table))
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.editor = TableEditor(self.table, self.model, self.statusBar())
        for action in (self.copy_action, self.paste_action, self.fill_action, self.clear_action):
            # scoped to the table: Ctrl+C in the find field copies its text, not cells
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(action)

        self.empty_hint = QLabel(
            "<h2>Open a spreadsheet of events</h2><p>Drop an .xlsx, .xls, .ods or .csv file "
            "here, or press Ctrl+O.</p>",
            central,
        )
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_hint, 1)
        self.setCentralWidget(central)

    def _build_issues_panel(self) -> None:
        dock = QDockWidget("Issues", self)
        dock.setObjectName("issuesDock")
        self.issues_list = QListWidget(dock)
        self.issues_list.setObjectName("issuesList")
        self.issues_list.setToolTip("Double-click an issue to go to its cell")
        dock.setWidget(self.issues_list)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.issues_dock = dock

    def _build_history_panel(self) -> None:
        self.history_dock = HistoryPanel(self.controller, self)
        self.history_list = self.history_dock.runs
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.history_dock)
        self.tabifyDockWidget(self.issues_dock, self.history_dock)
        self.issues_dock.raise_()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("rowCounts")
        bar.addWidget(self.counts_label)
        self.preview_label = QLabel()
        self.preview_label.setObjectName("utcPreview")
        self.preview_label.setToolTip("What will be sent for the date-time in the current cell")
        self.progress = QProgressBar()
        self.progress.setObjectName("runProgress")
        self.progress.setMinimumWidth(260)
        self.progress.setTextVisible(True)
        self.progress.hide()
        bar.addPermanentWidget(self.progress)
        self.progress_cancel = QPushButton("Cancel")
        self.progress_cancel.setObjectName("progressCancel")
        self.progress_cancel.clicked.connect(self.cancel)
        self.progress_cancel.hide()
        bar.addPermanentWidget(self.progress_cancel)
        bar.addPermanentWidget(self.preview_label)
        self.zone_button = QToolButton()
        self.zone_button.setObjectName("timeZoneButton")
        self.zone_button.setDefaultAction(self.zone_action)
        self.zone_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addPermanentWidget(self.zone_button)
        self._update_zone_button()

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.setObjectName("menuFile")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("menuRecent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.add_to_source_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit = menus.addMenu("&Edit")
        edit.setObjectName("menuEdit")
        for action in (self.undo_action, self.redo_action):
            edit.addAction(action)
        edit.addSeparator()
        for action in (self.copy_action, self.paste_action, self.fill_action, self.clear_action):
            edit.addAction(action)
        edit.addSeparator()
        for action in (
            self.add_row_action,
            self.duplicate_action,
            self.delete_action,
            self.add_column_action,
        ):
            edit.addAction(action)
        edit.addSeparator()
        edit.addAction(self.find_action)
        edit.addAction(self.zone_action)
        run = menus.addMenu("&Run")
        run.setObjectName("menuRun")
        for action in (
            self.upsert_action,
            self.upsert_selected_action,
            self.retry_action,
            self.cancel_action,
        ):
            run.addAction(action)
        run.addSeparator()
        run.addAction(self.connection_action)
        view = menus.addMenu("&View")
        view.setObjectName("menuView")
        toggle = self.issues_dock.toggleViewAction()
        toggle.setObjectName("actionToggleIssues")
        view.addAction(toggle)
        history = self.history_dock.toggleViewAction()
        history.setObjectName("actionToggleHistory")
        view.addAction(history)

    def _wire(self) -> None:
        c = self.controller
        c.import_started.connect(self._on_import_started)
        c.import_progress.connect(self._on_import_progress)
        c.import_finished.connect(self._on_import_finished)
        c.import_failed.connect(self._on_import_failed)
        c.sheet_needed.connect(self._on_sheet_needed)
        c.mapping_needed.connect(self._on_mapping_needed)
        c.run_started.connect(self._on_run_started)
        c.run_progress.connect(self._on_run_progress)
        c.run_finished.connect(self._on_run_finished)
        c.auth_required.connect(self._on_auth_required)
        c.connection_changed.connect(self._update_banner)
        self.model.edited.connect(self._on_edited)
        stack = self.model.undo_stack
        stack.canUndoChanged.connect(self._update_undo)
        stack.canRedoChanged.connect(self._update_undo)
        stack.indexChanged.connect(self._update_undo)
        self.model.validation_changed.connect(self._schedule_issues_refresh)
        self.model.modelReset.connect(self._after_reset)
        self.filter_combo.currentIndexChanged.connect(self._on_filter)
        self.issues_list.itemDoubleClicked.connect(self._on_issue_activated)
        self.table.selectionModel().currentChanged.connect(self._on_current_changed)
        self.table.horizontalHeader().sectionResized.connect(self._on_column_resized)
        self._issues_timer = QTimer(self)
        self._issues_timer.setSingleShot(True)
        self._issues_timer.setInterval(150)
        self._issues_timer.timeout.connect(self._refresh_issues)

    # ------------------------------------------------------------------ state shown

    def _update_title(self) -> None:
        name = self.controller.file.name if self.controller.file else "Untitled"
        self.setWindowTitle(f"{name}[*] — hubevents")

    def _update_banner(self) -> None:
        connection = self.controller.connection
        if connection.sandbox:
            self.banner.setText(
                "<b>Sandbox:</b> nothing leaves this computer. "
                "Choose <i>Connection…</i> to send to HubSpot."
            )
            self.banner.setStyleSheet("background: #fff3dc; color: #5c3b00;")
        else:
            where = connection.base_url
            session = " (token kept for this session only)" if connection.session_only else ""
            self.banner.setText(f"<b>HubSpot:</b> rows are sent to {where}{session}.")
            self.banner.setStyleSheet("background: #e2f5e8; color: #10502c;")

    def _update_zone_button(self) -> None:
        self.zone_action.setText(f"Time zone: {self.model.zone.key}")

    def _update_undo(self) -> None:
        stack = self.model.undo_stack
        if not isValid(stack):  # the stack goes with the model when the window is torn down
            return
        running = self.controller.busy
        # no undo while rows are in flight: they are read-only until their outcome arrives
        self.undo_action.setEnabled(stack.canUndo() and not running)
        self.redo_action.setEnabled(stack.canRedo() and not running)
        self.undo_action.setText(f"&Undo {stack.undoText()}".rstrip())
        self.redo_action.setText(f"&Redo {stack.redoText()}".rstrip())

    def _update_actions(self) -> None:
        self._update_undo()
        has_rows = bool(self.model.all_rows)
        running = self.controller.busy
        self.table.setVisible(has_rows or self.model.table.file is not None)
        self.empty_hint.setVisible(not self.table.isVisible())
        for action in (
            self.upsert_action,
            self.upsert_selected_action,
            self.save_action,
            self.save_as_action,
        ):
            action.setEnabled(has_rows and not running)
        self.retry_action.setEnabled(has_rows and not running and bool(self.controller.retryable()))
        self.cancel_action.setEnabled(running)
        self.open_action.setEnabled(not running)
        self.connection_action.setEnabled(not running)
        source = self.model.table.file
        self.add_to_source_action.setEnabled(
            has_rows
            and not running
            and source is not None
            and source.suffix.lower() in (".xlsx", ".xlsm")
        )
        for action in (self.add_row_action, self.add_column_action):
            action.setEnabled(self.model.table.file is not None or has_rows)

    def _update_counts(self) -> None:
        total = len(self.model.all_rows)
        invalid = self.model.invalid_count()
        shown = self.model.rowCount()
        filtered = f" ({shown} shown)" if shown != total else ""
        self.counts_label.setText(
            f"{total} rows{filtered}: {total - invalid} valid, {invalid} invalid"
        )

    # ------------------------------------------------------------------ files

    @Slot()
    def choose_file(self) -> None:
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

    _keep_journal = True
    _history_shown = False

    def offer_recovery(self, session: RecoveredSession, then_open: Path | None = None) -> None:
        """After a crash: offer the unsaved session back, exactly as it was."""
        from datetime import datetime

        from hubevents_gui.ui.autosave import restore

        name = session.table.file.name if session.table.file else "an untitled table"
        when = datetime.fromtimestamp(session.saved_at).strftime("%Y-%m-%d %H:%M")
        answer = QMessageBox.question(
            self,
            "Restore unsaved work?",
            f"hubevents was not closed properly. Restore the work on {name} "
            f"({len(session.table.rows)} rows, last change {when})?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            restore(self.model, session)
            self.controller.file = session.table.file
            self._update_title()
            self.setWindowModified(True)
            self._update_actions()
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
            return self.save_results()
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
        if (
            urls
            and urls[0].isLocalFile()
            and Path(urls[0].toLocalFile()).suffix.lower() in SUPPORTED_SUFFIXES
        ):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            event.acceptProposedAction()
            self.open_path(Path(urls[0].toLocalFile()))

    @Slot(str)
    def _on_import_started(self, name: str) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"Reading {name}… %v rows")
        self.progress.show()
        self.progress_cancel.show()
        self.statusBar().showMessage(f"Reading {name}…")
        self._update_actions()

    @Slot(int)
    def _on_import_progress(self, rows: int) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"{rows} rows read")
        self.statusBar().showMessage(f"{rows} rows read…")

    @Slot()
    def _on_import_finished(self) -> None:
        self.progress.hide()
        self.progress_cancel.hide()
        self.statusBar().clearMessage()
        notes = self.model.table.notes
        if notes:
            self.statusBar().showMessage("; ".join(notes), 15_000)
        self._update_title()
        self.setWindowModified(False)
        self._update_actions()

    @Slot(str)
    def _on_import_failed(self, message: str) -> None:
        self.progress.hide()
        self.progress_cancel.hide()
        self.statusBar().clearMessage()
        self._update_actions()
        QMessageBox.warning(self, "Cannot open the file", message)

    @Slot(object, list)
    def _on_sheet_needed(self, path: Path, names: list[str]) -> None:
        name, ok = QInputDialog.getItem(
            self,
            "Choose a sheet",
            f"{path.name} has several sheets of events. Which one?",
            names,
            0,
            False,
        )
        if ok and name:
            self.controller.open_file(path, name)

    @Slot(object, list)
    def _on_mapping_needed(self, raw: RawSheet, guess: list[Target]) -> None:
        samples = raw.peek(3)
        dialog = MappingDialog(raw, guess, samples, self)
        if dialog.exec() == MappingDialog.DialogCode.Accepted:
            self.controller.build(raw, dialog.mapping())
        else:
            self._on_import_finished()

    def _after_reset(self) -> None:
        # outcomes first on screen: the Status column is shown at the left (the model, and
        # result files, keep it after the data as the field table orders it)
        header = self.table.horizontalHeader()
        status = self.model.column_of("status")
        if status is not None and header.visualIndex(status) != 0:
            header.moveSection(header.visualIndex(status), 0)
        self._size_columns()
        self._update_counts()
        self._update_actions()
        self._schedule_issues_refresh()

    def _size_columns(self) -> None:
        """Widths from the header and a sample of rows (fitting all 100k rows takes seconds)."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        sample = range(min(40, self.model.rowCount()))
        for column_number, column in enumerate(self.model.columns):
            remembered = self.settings.column_width(column.key)
            if remembered:
                header.resizeSection(column_number, remembered)
                continue
            texts = [str(self.model.headerData(column_number, Qt.Orientation.Horizontal) or "")]
            texts += [str(self.model.index(r, column_number).data() or "") for r in sample]
            if column.key == "status":  # room for its longest state, whatever is shown now
                texts.append(RowStatus.EDITED.value)
            width = max(metrics.horizontalAdvance(t) for t in texts) + 36
            header.resizeSection(column_number, max(70, min(width, 340)))

    @Slot(int, int, int)
    def _on_column_resized(self, column: int, _old: int, new: int) -> None:
        if 0 <= column < len(self.model.columns) and self.table.isVisible():
            self.settings.set_column_width(self.model.columns[column].key, new)

    # ------------------------------------------------------------------ results

    def _result_of(self, row: EventRow) -> tuple[str, str, str]:
        model = self.model
        return result_cells(
            model.status_of(row.row_id),
            model.issues.get(row.row_id),
            model.outcomes.get(row.row_id),
        )

    def _default_results_path(self) -> Path:
        source = self.controller.file or Path(self.settings.last_folder) / "events.xlsx"
        return source.with_name(f"{source.stem}-results.xlsx")

    @Slot()
    def save_results(self) -> bool:
        path = getattr(self, "_results_path", None)
        return self._save_to(path) if path else self.save_results_as()

    @Slot()
    def save_results_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save results", str(self._default_results_path()), "Excel workbook (*.xlsx)"
        )
        if not path:
            return False
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        if self.model.table.file is not None and path.resolve() == self.model.table.file.resolve():
            QMessageBox.warning(
                self,
                "Choose another file",
                "Saving results over the spreadsheet you opened would replace it. Use "
                "'Add Results to the Original Workbook' to add columns to it instead.",
            )
            return False
        try:
            write_results(self.model.table, self.model.all_rows, self._result_of, path)
        except ResultsError as exc:
            QMessageBox.warning(self, "Cannot save the results", str(exc))
            return False
        self._results_path = path
        self.setWindowModified(False)
        self.statusBar().showMessage(f"Results saved to {path}", 8000)
        return True

    @Slot()
    def add_results_to_source(self) -> None:
        source = self.model.table.file
        if source is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Add results to a copy of the workbook (or to the workbook itself)",
            str(source.with_name(f"{source.stem}-with-results{source.suffix}")),
            f"Excel workbook (*{source.suffix})",
        )
        if not path:
            return
        try:
            add_result_columns(self.model.table, self.model.all_rows, self._result_of, Path(path))
        except ResultsError as exc:
            QMessageBox.warning(self, "Cannot add the results", str(exc))
            return
        self.setWindowModified(False)
        self.statusBar().showMessage(f"Results added to {path}", 8000)

    # ------------------------------------------------------------------ editing

    def selected_row_ids(self) -> list[RowId]:
        rows = {index.row() for index in self.table.selectionModel().selectedIndexes()}
        current = self.table.currentIndex()
        if not rows and current.isValid():
            rows = {current.row()}
        return [self.model.row_at(r).row_id for r in sorted(rows)]

    @Slot()
    def add_row(self) -> None:
        row = self.model.new_row()
        self.model.insert_rows([row])
        self._go_to(row.row_id, "externalAccountId", edit=True)

    @Slot()
    def duplicate_rows(self) -> None:
        ids = self.selected_row_ids()
        if not ids:
            return
        copies = [self.model.row(i).copy(self.model.row_ids()) for i in ids]  # type: ignore[union-attr]
        last = self.model.view_row_of(ids[-1])
        self.model.insert_rows(copies, None if last is None else last + 1)
        self._go_to(copies[0].row_id, "externalEventId", edit=False)
        self.statusBar().showMessage(
            f"{len(copies)} rows duplicated: give each a new External Event ID", 8000
        )

    @Slot()
    def delete_rows(self) -> None:
        ids = self.selected_row_ids()
        if not ids:
            return
        answer = QMessageBox.question(
            self, "Delete rows", f"Delete {len(ids)} rows from the table?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.model.remove_rows(ids)

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
            column = self.model.add_custom_column(name)
        except ValueError as exc:
            QMessageBox.warning(self, "Cannot add the column", str(exc))
            return
        self.table.horizontalHeader().resizeSection(column, 160)

    @Slot()
    def undo(self) -> None:
        if not self.controller.busy:
            self.model.undo_stack.undo()

    @Slot()
    def redo(self) -> None:
        if not self.controller.busy:
            self.model.undo_stack.redo()

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
        self.find_bar.show()
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    @Slot()
    def find_next(self) -> None:
        needle = self.find_edit.text().strip().casefold()
        if not needle:
            return
        model = self.model
        rows, columns = model.rowCount(), model.columnCount()
        current = self.table.currentIndex()
        start = (current.row() * columns + current.column() + 1) if current.isValid() else 0
        total = rows * columns
        for step in range(total):
            position = (start + step) % total
            index = model.index(position // columns, position % columns)
            if needle in str(index.data() or "").casefold():
                self.table.setCurrentIndex(index)
                self.table.scrollTo(index)
                self.find_status.setText("")
                return
        self.find_status.setText("not found")

    def _go_to(self, row_id: RowId, key: str, *, edit: bool) -> None:
        view_row = self.model.view_row_of(row_id)
        if view_row is None:
            self.filter_combo.setCurrentIndex(0)  # shown again with every row
            view_row = self.model.view_row_of(row_id)
        column = self.model.column_of(key)
        if view_row is None or column is None:
            return
        index = self.model.index(view_row, column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.table.setFocus()
        if edit:
            self.table.edit(index)

    @Slot()
    def _on_edited(self) -> None:
        self._keep_journal = True
        self.setWindowModified(True)
        self._update_actions()

    @Slot(int)
    def _on_filter(self, position: int) -> None:
        mode = self.filter_combo.itemData(position)
        if isinstance(mode, RowFilter):
            self.model.set_filter(mode)

    @Slot()
    def _schedule_issues_refresh(self) -> None:
        self._update_counts()
        self._issues_timer.start()

    @Slot()
    def _refresh_issues(self) -> None:
        model = self.model
        table = model.table
        self.issues_list.clear()
        listed = 0
        for row in table.rows:
            found: list[Issue] = model.issues.get(row.row_id, [])
            for issue in found:
                if listed >= MAX_LISTED_ISSUES:
                    break
                item = QListWidgetItem(
                    self.model.style.warning_icon,
                    f"{table.cell_name(row, issue.field)} ({issue.field}): {issue.message}",
                )
                item.setData(ROW_ID_ROLE, int(row.row_id))
                item.setData(ROW_ID_ROLE + 1, issue.field)
                self.issues_list.addItem(item)
                listed += 1
        total = sum(len(v) for v in model.issues.values())
        more = f" (first {MAX_LISTED_ISSUES} listed)" if total > listed else ""
        self.issues_dock.setWindowTitle(f"Issues: {total}{more}" if total else "Issues: none")

    @Slot(QListWidgetItem)
    def _on_issue_activated(self, item: QListWidgetItem) -> None:
        row_id = RowId(int(item.data(ROW_ID_ROLE)))
        self._go_to(row_id, str(item.data(ROW_ID_ROLE + 1)), edit=False)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.preview_label.clear()
            return
        column = self.model.columns[current.column()]
        preview = self.model.utc_preview(self.model.row_at(current.row()), column.key)
        self.preview_label.setText(f"{column.header} {preview}" if preview else "")

    @Slot()
    def choose_zone(self) -> None:
        zones = sorted(zoneinfo.available_timezones())
        current = self.model.zone.key
        name, ok = QInputDialog.getItem(
            self,
            "Time zone",
            "Date cells without a zone are wall-clock times in:",
            zones,
            zones.index(current) if current in zones else 0,
            True,
        )
        if ok and name in zones:
            self.controller.set_zone(zoneinfo.ZoneInfo(name))
            self._update_zone_button()
            self._on_current_changed(self.table.currentIndex(), QModelIndex())

    # ------------------------------------------------------------------ running

    def _confirm_skip(self, valid: list[EventRow], invalid: int) -> bool:
        if not valid:
            QMessageBox.information(
                self, "Nothing to send", "No valid rows to send: fix the issues listed below."
            )
            return False
        if invalid:
            answer = QMessageBox.question(
                self,
                "Some rows are invalid",
                f"{invalid} invalid rows will be skipped; {len(valid)} rows will be sent. "
                "Continue?",
            )
            return answer == QMessageBox.StandardButton.Yes
        return True

    @Slot()
    def upsert_all(self) -> None:
        valid, invalid = self.controller.sendable()
        if self._confirm_skip(valid, invalid):
            self.controller.upsert(valid)

    @Slot()
    def upsert_selected(self) -> None:
        valid, invalid = self.controller.sendable(self.selected_row_ids())
        if self._confirm_skip(valid, invalid):
            self.controller.upsert(valid)

    @Slot()
    def retry_failed(self) -> None:
        valid, invalid = self.controller.sendable(self.controller.retryable())
        if self._confirm_skip(valid, invalid):
            self.controller.upsert(valid)

    @Slot()
    def cancel(self) -> None:
        self.controller.cancel_import()
        self.controller.cancel_run()

    @Slot(int)
    def _on_run_started(self, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat(f"0 / {total}")
        self.progress.show()
        self.progress_cancel.show()
        self._update_actions()

    @Slot(object)
    def _on_run_progress(self, progress: RunProgress) -> None:
        self.progress.setValue(progress.done)
        eta = f", ETA {progress.eta:.0f} s" if progress.eta is not None else ""
        self.progress.setFormat(
            f"{progress.done} / {progress.total}: {progress.created} created, "
            f"{progress.updated} updated, "
            f"{progress.failed} failed ({progress.rate:.0f} rows/s{eta})"
        )

    @Slot(object)
    def _on_run_finished(self, report: RunReport) -> None:
        self.progress.hide()
        self.progress_cancel.hide()
        self.setWindowModified(True)
        self._update_actions()
        stopped = f" Stopped: {report.stopped.value}." if report.stopped else ""
        self.statusBar().showMessage(
            f"{report.created} created, {report.updated} updated, {report.failed} failed, "
            f"{report.not_sent} not sent in {report.elapsed:.1f} s "
            f"({report.requests} requests).{stopped}",
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

    # ------------------------------------------------------------------ closing

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
