"""The main window: composition and wiring of its two tabs (the event table and the attendee
table, each a :class:`TablePane`), the panels, actions and status.

No business logic here: the documents hold rows and their state, the controller reads, sends
and saves off the GUI thread, and the panes, panels and bars live in modules of their own. The
actions act on the tab shown; a run keeps to the tab it started in.
"""

from __future__ import annotations

import html
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt, QTimer, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS
from hubevents_gui.core.rows import RowId
from hubevents_gui.core.sheets import SUPPORTED_SUFFIXES
from hubevents_gui.core.sqlite_writer import is_damage_notice
from hubevents_gui.ui.accessible import describe
from hubevents_gui.ui.actions import (
    build_actions,
    connect_actions,
    fill_menus,
    fill_toolbar,
    table_actions,
)
from hubevents_gui.ui.attendee_actions import AttendeeActions
from hubevents_gui.ui.clipboard import TableEditor
from hubevents_gui.ui.controller import Controller
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.event_actions import EventActions
from hubevents_gui.ui.event_model import EventTableModel
from hubevents_gui.ui.find_bar import FindBar
from hubevents_gui.ui.help import HelpActions
from hubevents_gui.ui.history_panel import HistoryPanel
from hubevents_gui.ui.hubspot_actions import HubSpotActions
from hubevents_gui.ui.issues_panel import IssuesPanel
from hubevents_gui.ui.opening import FileOpening
from hubevents_gui.ui.portal import PortalCheck
from hubevents_gui.ui.row_actions import RowActions
from hubevents_gui.ui.row_order import RowFilter
from hubevents_gui.ui.run_status import RunStatus, StatusBar
from hubevents_gui.ui.running import RunActions
from hubevents_gui.ui.settings import AppSettings
from hubevents_gui.ui.shell import WindowShell
from hubevents_gui.ui.status_style import StatusStyle
from hubevents_gui.ui.table_pane import TablePane
from hubevents_gui.ui.theme import TITLES, Theme, theme_named, themes
from hubevents_gui.ui.undo_actions import UndoActions

if TYPE_CHECKING:
    from hubevents_gui.ui.autosave import Autosaver

#: actions that need rows and no run
_ROW_ACTIONS = (
    "actionUpsertAll",
    "actionUpsertSelected",
    "actionSaveResults",
    "actionPreviewChanges",
    "actionSendChanges",
)

#: the actions on the events of rows in HubSpot
_EVENT_ACTIONS = (
    "actionCancelEvents",
    "actionCompleteEvents",
    "actionDeleteEvents",
    "actionArchiveEvents",
)


#: how long after the window first shows that it asks which portal it acts on
PORTAL_CHECK_AFTER_MS = 150


class MainWindow(WindowShell):
    def __init__(
        self,
        controller: Controller,
        settings: AppSettings,
        autosavers: Sequence[Autosaver | None] = (),
    ) -> None:
        """``autosavers``: one per document of the controller (its tabs), in that order."""
        super().__init__()
        # first: the panes keep the bar to speak in (a bar set later would delete theirs)
        self.setStatusBar(StatusBar(self))
        self.setObjectName("mainWindow")
        self.controller = controller
        self._autosavers = list(autosavers) or [None] * len(controller.documents)
        #: the window was asked to close during a run and waits for its answers
        self._closing = False
        self.settings = settings
        self._history_shown = False
        self.setAcceptDrops(True)
        self.actions_by_name = build_actions(self)
        self._build()
        self._wire()
        self.update_title()
        self.update_banner()
        self.update_actions()
        if settings.geometry is not None:
            self.restoreGeometry(settings.geometry)
        else:
            self.resize(1280, 760)
        self._state_restored = settings.window_state is not None
        if settings.window_state is not None:
            self.restoreState(settings.window_state)

    def action(self, name: str) -> QAction:
        return self.actions_by_name[name]

    # ------------------------------------------------------------------ the tabs

    @property
    def panes(self) -> list[TablePane]:
        return self._panes

    @property
    def pane(self) -> TablePane:
        # kept here, not asked of the tab widget: documents signal while the window is torn
        # down, after the tab widget is gone
        return self._shown

    def show_pane(self, pane: TablePane) -> None:
        self.tabs.setCurrentWidget(pane)

    # what the window's parts reach through the window: the tab shown's

    @property
    def model(self) -> EventTableModel:
        return self.pane.model

    @property
    def find_bar(self) -> FindBar:
        return self.pane.find_bar

    @property
    def editor(self) -> TableEditor:
        return self.pane.editor

    @property
    def rows(self) -> RowActions:
        return self.pane.rows

    @property
    def empty_hint(self) -> QLabel:
        return self.pane.empty_hint

    @property
    def autosaver(self) -> Autosaver | None:
        return self.pane.autosaver

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
        self.tabs = QTabWidget(central)
        self.tabs.setObjectName("tables")
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Tables")
        c = self.controller
        self._panes = []
        self._shown: TablePane
        for document, autosaver in zip(c.documents, self._autosavers, strict=True):
            events = document is c.documents[0]
            pane = TablePane(
                self,
                c,
                document,
                self.settings,
                marks=c.marks if events else None,
                autosaver=autosaver,
            )
            pane.table.addActions(table_actions(self.actions_by_name))
            self._panes.append(pane)
            self.tabs.addTab(pane, pane.tab_text())
        self._shown = self._panes[0]
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolBar")
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        fill_toolbar(toolbar, self.actions_by_name)
        toolbar.addSeparator()
        show = QLabel(" Show: ")
        show.setObjectName("rowFilterLabel")
        toolbar.addWidget(show)
        self.filter_combo = QComboBox(toolbar)
        self.filter_combo.setObjectName("rowFilter")
        describe(self.filter_combo, "Which rows the table shows", name="Show rows")
        for mode in RowFilter:
            self.filter_combo.addItem(mode.value, mode)
        show.setBuddy(self.filter_combo)
        toolbar.addWidget(self.filter_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.action("actionConnection"))
        self.addToolBar(toolbar)
        toolbar.toggleViewAction().setObjectName("actionToggleToolBar")
        self.toolbar = toolbar

        first = self._panes[0]
        self.issues_dock = IssuesPanel(first.document, self, marks=first.marks)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.issues_dock)
        self.history_dock = HistoryPanel(self.controller, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.history_dock)
        self.tabifyDockWidget(self.issues_dock, self.history_dock)
        self.issues_dock.raise_()
        self.statusBar().setObjectName("statusBar")
        self.run_status = RunStatus(
            self.statusBar(), self.action("actionCancel"), self.action("actionTimeZone")
        )
        self.run_status.set_zone(first.document.zone.key)
        self.opening = FileOpening(self)
        self.running = RunActions(self)
        self.hubspot = HubSpotActions(self)
        self.attendees = AttendeeActions(self)
        self.event_actions = EventActions(self)
        self.undoing = UndoActions(self)
        self.help = HelpActions(self)
        self.history_dock.undo_requested.connect(self.undoing.undo_run)
        self.portal = PortalCheck(self.controller)

        menus = fill_menus(self.menuBar(), self.actions_by_name)
        self.recent_menu = menus["menuRecent"]
        self.recent_menu.aboutToShow.connect(self.opening.fill_recent)
        # View comes before Help, the last menu
        view = QMenu("&View", self.menuBar())
        view.setObjectName("menuView")
        self.menuBar().insertMenu(menus["menuHelp"].menuAction(), view)
        self.action("actionAbout").setMenuRole(QAction.MenuRole.AboutRole)
        for dock, name in ((self.issues_dock, "Issues"), (self.history_dock, "History")):
            toggle = dock.toggleViewAction()
            toggle.setObjectName(f"actionToggle{name}")
            view.addAction(toggle)
        view.addSeparator()
        self._add_theme_menu(view)
        self.refresh_style()

    def _add_theme_menu(self, view: QMenu) -> None:
        menu = view.addMenu("&Theme")
        menu.setObjectName("menuTheme")
        group = QActionGroup(self)
        group.setExclusive(True)
        chosen = theme_named(self.settings.theme)
        for theme, title in TITLES.items():
            action = menu.addAction(title)
            action.setObjectName(f"actionTheme{theme.value.title()}")
            action.setCheckable(True)
            action.setChecked(theme is chosen)
            action.setStatusTip(
                "The desktop's own look" if theme is Theme.SYSTEM else f"A {theme.value} look"
            )
            action.triggered.connect(lambda _checked=False, t=theme: self.set_theme(t))
            group.addAction(action)
        themes().apply(chosen)

    def set_theme(self, theme: Theme) -> None:
        """View > Theme: apply and remember."""
        self.settings.theme = theme.value
        themes().apply(theme)
        self.refresh_style()  # whether or not the palette's change event came first

    def changeEvent(self, event: QEvent) -> None:
        # the desktop's own palette changes too (its dark mode switched on)
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange):
            self.refresh_style()
        super().changeEvent(event)

    def refresh_style(self) -> None:
        """The status style's colours again, for the palette now (light or dark)."""
        for pane in self._panes:
            pane.model.style = StatusStyle()
            pane.table.viewport().update()
        self.issues_dock.model.style = StatusStyle()
        self.issues_dock.view.viewport().update()
        self.update_banner()

    def _wire(self) -> None:
        connect_actions(self.actions_by_name, self)
        c = self.controller
        c.connection_changed.connect(self.update_banner)
        self.portal.changed.connect(self.update_banner)
        c.storage_failed.connect(self._on_storage_failed)
        c.table_opened.connect(self._on_table_opened)
        c.replace_check = lambda document: self.may_replace(self.pane_of(document))
        for pane in self._panes:
            self._wire_pane(pane)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.filter_combo.currentIndexChanged.connect(self._on_filter)
        self.issues_dock.issue_activated.connect(self._on_issue_activated)

    def _wire_pane(self, pane: TablePane) -> None:
        autosaver = pane.autosaver
        if autosaver is not None:
            autosaver.failed.connect(self._on_storage_failed)
            # a journal that failed to open did so on its thread before this connection
            earlier = autosaver.journal.last_error
            if earlier is not None:
                self._on_storage_failed(earlier)
        d = pane.document
        # each tab keeps its own unsaved mark; what is shown follows the tab shown
        d.edited.connect(lambda: self._on_edited(pane))
        pane.modified_changed.connect(lambda _modified: self._on_modified(pane))

        def shown(slot: Callable[[], object]) -> Callable[..., None]:
            """``slot``, called only while this tab is shown (the window shows its state)."""

            def call(*_args: object) -> None:
                if pane is self.pane:
                    slot()

            return call

        d.validation_changed.connect(shown(self._update_counts))
        d.reset_done.connect(lambda: self._after_reset(pane))
        stack = d.undo_stack
        for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.indexChanged):
            signal.connect(shown(self._update_undo))
        pane.table.selectionModel().currentChanged.connect(shown(self._refresh_preview))
        model = pane.model
        # an edit, a paste, an undo or another zone changes what the current cell will send
        model.dataChanged.connect(shown(self._refresh_preview))
        model.modelReset.connect(shown(self._refresh_preview))
        model.modelReset.connect(lambda: self._on_table_changed(pane))  # Undo: another table
        # a filter in force loses and gains rows as outcomes arrive: the count follows
        model.rowsRemoved.connect(shown(self._update_counts))
        model.rowsInserted.connect(shown(self._update_counts))

    @Slot(object)
    def _on_table_opened(self, document: TableDocument) -> None:
        pane = self.pane_of(document)
        pane.set_modified(False)  # as read (what it replaced is one Undo away)
        self.show_pane(pane)

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if not isinstance(widget, TablePane):
            return
        pane = self._shown = widget
        self.controller.document = pane.document
        self.statusBar().clearMessage()  # it spoke of the other tab's table
        self.issues_dock.show_document(pane.document, pane.marks)
        self._show_filter(pane)
        self.update_title()
        self._update_counts()
        self.update_actions()
        self._refresh_preview()
        self.attendees.update_label()

    def _on_table_changed(self, pane: TablePane) -> None:
        self.tabs.setTabText(self.tabs.indexOf(pane), pane.tab_text())
        if pane is self.pane:
            self.update_title()

    def _on_modified(self, pane: TablePane) -> None:
        self.tabs.setTabText(self.tabs.indexOf(pane), pane.tab_text())
        if pane is self.pane:
            super().setWindowModified(pane.modified)

    def setWindowModified(self, modified: bool) -> None:
        """The window's unsaved mark is the tab shown's: this sets that tab's."""
        self.pane.set_modified(modified)
        super().setWindowModified(modified)

    # ------------------------------------------------------------------ state shown

    def may_replace(self, pane: TablePane | None = None) -> bool:
        return self.opening.may_replace(pane)

    def open_paths(self, paths: Sequence[Path]) -> None:
        self.opening.open_paths(paths)

    def update_title(self) -> None:
        pane = self.pane
        self.setWindowTitle(f"{pane.name()}[*] — hubevents")
        super().setWindowModified(pane.modified)
        self.tabs.setTabText(self.tabs.indexOf(pane), pane.tab_text())

    @Slot()
    def update_banner(self) -> None:
        connection = self.controller.connection
        style = self.model.style
        # which portal it acts on, once the token check has said
        portal = f" Acting on {html.escape(self.portal.text)}." if self.portal.text else ""
        if connection.sandbox:
            self.banner.setText(
                f"<b>Sandbox:</b> nothing leaves this computer.{portal} "
                "Choose <i>Connection…</i> to send to HubSpot."
            )
            self.banner.setStyleSheet(style.note_css("sandbox"))
        else:
            session = " (token kept for this session only)" if connection.session_only else ""
            where = connection.settings.base_url
            self.banner.setText(f"<b>HubSpot:</b> rows are sent to {where}{session}.{portal}")
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

    def update_actions(self) -> None:
        self._update_undo()
        pane = self.pane
        has_rows = bool(self.document.rows)
        fields = pane.fields
        attendees = fields is ATTENDEE_FIELDS
        has_table = pane.has_table
        running = self.controller.busy
        verb = "Record" if attendees else "Upsert"
        self.action("actionUpsertAll").setText(f"&{verb} All")
        self.action("actionUpsertSelected").setText(f"{verb} &Selected")
        self.action("actionAddCustomColumn").setText(f"Add {fields.property_noun.title()} &Column…")
        self.action("actionChooseEvent").setEnabled(attendees and not running)
        self.action("actionNewAttendeeTable").setEnabled(not running)
        # HubSpot's copy of attendees is not read back row by row (yet): no preview for them
        for name in ("actionPreviewChanges", "actionSendChanges", *_EVENT_ACTIONS):
            self.action(name).setVisible(not attendees)
        for name in _EVENT_ACTIONS:  # on HubSpot's copy of the events: no need to be valid
            self.action(name).setEnabled(has_rows and not running and not attendees)
        self.table.setVisible(has_table)
        self.empty_hint.setVisible(not has_table)
        for name in _ROW_ACTIONS:
            self.action(name).setEnabled(has_rows and not running)
        self.action("actionSaveResultsAs").setEnabled(has_rows)
        retry = has_rows and not running and self.controller.has_retryable()
        self.action("actionRetryFailed").setEnabled(retry)
        self.action("actionCancel").setEnabled(running)
        self.action("actionOpen").setEnabled(not running)
        self.action("actionOpenFromHubSpot").setEnabled(not running)
        self.action("actionConnection").setEnabled(not running)
        self.history_dock.update_buttons()
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

    def _after_reset(self, pane: TablePane) -> None:
        # a new table (or an undone import) shows every row: the filter box says so too
        if pane is self.pane:
            self._show_filter(pane)
            self._update_counts()
            self.update_actions()

    def _show_filter(self, pane: TablePane) -> None:
        """The filter box says which rows the tab shows (each tab has its own filter)."""
        mode = pane.document.order.row_filter
        if self.filter_combo.currentData() is not mode:
            self.filter_combo.blockSignals(True)
            self.filter_combo.setCurrentIndex(self.filter_combo.findData(mode))
            self.filter_combo.blockSignals(False)

    @Slot(int, str)
    def _on_issue_activated(self, row_id: int, key: str) -> None:
        if not self.table.go_to(RowId(row_id), key):
            self.filter_combo.setCurrentIndex(0)  # shown again with every row
            self.table.go_to(RowId(row_id), key)

    def _on_edited(self, pane: TablePane) -> None:
        pane.keep_journal = True
        pane.set_modified(True)
        if pane is self.pane:
            self.update_actions()

    @Slot(int)
    def _on_filter(self, position: int) -> None:
        mode = self.filter_combo.itemData(position)
        if isinstance(mode, RowFilter):
            self.document.set_filter(mode)

    @Slot()
    def _refresh_preview(self) -> None:
        current = self.table.currentIndex()
        self._on_current_changed(current, current)

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
        if is_damage_notice(message):
            # said, not flagged: the damaged file is kept aside and the fresh one works
            QMessageBox.information(self, "A damaged file was replaced", message + ".")
            return
        self.run_status.storage_failed(message, self.model.style.note_css("error"))
        self.statusBar().showMessage(f"Autosave or run history failed: {message}", 30_000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        local = urls[0].toLocalFile() if urls and urls[0].isLocalFile() else ""
        if local and Path(local).suffix.lower() in SUPPORTED_SUFFIXES:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            event.acceptProposedAction()
            self.opening.open_path(Path(urls[0].toLocalFile()))

    # ------------------------------------------------------------------ showing and closing

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._history_shown:
            self._history_shown = True
            QTimer.singleShot(0, self.history_dock, self.history_dock.refresh)
            # the banner names the portal: asked once the window is painted, since the check
            # loads the simulator and the HTTP library (0.2 s) on the way
            QTimer.singleShot(PORTAL_CHECK_AFTER_MS, self.portal, self.portal.check)
        if not self._state_restored:
            # the first time: the table gets the room, the issues panel a few lines
            self._state_restored = True
            self.resizeDocks([self.issues_dock], [110], Qt.Orientation.Vertical)

    @Slot(object)
    def _close_when_stopped(self, _report: object) -> None:
        self.controller.run_finished.disconnect(self._close_when_stopped)
        self._closing = False
        # after the run's own slots: its outcomes are shown, then the usual close (which asks
        # about unsaved work: the results are worth saving)
        QTimer.singleShot(0, self, self.close)

    def _may_close(self) -> bool:
        """Asks about each tab's unsaved work in turn, showing the tab it asks about."""
        for pane in self._panes:
            if pane.modified:
                self.show_pane(pane)
                if not self.opening.may_replace(pane):
                    return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller.running:
            # like Ctrl+C in the command line: the first close stops sending and waits for the
            # answers in flight without freezing the window, a second one stops waiting
            event.ignore()
            if self._closing:
                self.controller.abandon_run()
                return
            answer = QMessageBox.question(
                self,
                "Stop and quit?",
                "Rows are being sent. Stop sending, wait for the answers to the requests in "
                "flight, and quit? (Close again to stop waiting.)",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._closing = True
                self.controller.run_finished.connect(self._close_when_stopped)
                self.controller.cancel_run()
                self.statusBar().showMessage(
                    "Stopping: waiting for the answers to the requests in flight. Close again "
                    "to stop waiting."
                )
            return
        if not self.controller.busy and not self._may_close():
            event.ignore()
            return
        self.controller.shutdown()
        for pane in self._panes:
            if pane.autosaver is not None:
                # a clean close after saving (or choosing to discard) leaves nothing to recover
                pane.autosaver.finish(keep=pane.modified and pane.keep_journal)
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()
        event.accept()
