"""One tab of the window: a table of one kind (events or attendees) with everything that is its
own: the document (rows, undo stack, filter, outcomes), its view and find bar, the editing and
row actions, where its results are saved, its autosave journal, and whether it has unsaved work.

The window shows two panes, Events and Attendees; its actions act on the pane shown, and a run
keeps to the pane it started in (the controller holds that document until the run ends).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from hubevents_gui.core.fields import FieldTable
from hubevents_gui.ui.accessible import describe
from hubevents_gui.ui.clipboard import TableEditor
from hubevents_gui.ui.event_model import EventTableModel
from hubevents_gui.ui.find_bar import FindBar
from hubevents_gui.ui.preview_marks import PreviewMarks
from hubevents_gui.ui.row_actions import RowActions
from hubevents_gui.ui.saving import ResultsSaving
from hubevents_gui.ui.table_view import EventTableView

if TYPE_CHECKING:
    from hubevents_gui.ui.autosave import Autosaver
    from hubevents_gui.ui.controller import Controller
    from hubevents_gui.ui.document import TableDocument
    from hubevents_gui.ui.settings import AppSettings

#: what an empty pane says, per kind of table (its noun)
_HINTS = {
    "event": (
        "<h2>Open a spreadsheet of events</h2>"
        "<p>Drop an .xlsx, .xls, .ods, .csv or .txt file here, or choose "
        '<a href="open">File &gt; Open</a> (Ctrl+O).</p>'
        '<p>To see what HubSpot holds: <a href="hubspot">File &gt; Open from HubSpot</a>.</p>'
        '<p>New to hubevents? <a href="sample">Open the sample</a>: 25 events, two with '
        "mistakes to fix, and their attendees, sent to the built-in sandbox until you connect "
        "a portal.</p>"
    ),
    "attendee": (
        "<h2>Open a sheet of attendees</h2>"
        "<p>Drop a spreadsheet whose columns name an Email (or a Contact ID) and a State "
        'here, or choose <a href="open">File &gt; Open</a> (Ctrl+O) or '
        '<a href="new">File &gt; New Attendee Table</a>.</p>'
        '<p>New to hubevents? <a href="sample-attendees">Open the sample attendees</a>: who '
        "registered for and attended three of the sample's events.</p>"
    ),
}

#: the hint's links: the action each one triggers
_HINT_LINKS = {
    "open": "actionOpen",
    "hubspot": "actionOpenFromHubSpot",
    "sample": "actionOpenSample",
    "new": "actionNewAttendeeTable",
}


class TablePane(QWidget):
    #: its unsaved state changed (the tab's title and the window's mark follow)
    modified_changed = Signal(bool)

    def __init__(
        self,
        window: QMainWindow,
        controller: Controller,
        document: TableDocument,
        settings: AppSettings,
        *,
        marks: PreviewMarks | None = None,
        autosaver: Autosaver | None = None,
    ) -> None:
        super().__init__(window)
        self.document = document
        self.fields: FieldTable = document.table.fields
        self.setObjectName(f"{self.fields.noun}Pane")
        self.marks = marks if marks is not None else PreviewMarks(document)
        self.autosaver = autosaver
        self._modified = False
        #: the unsaved work is worth offering back after a crash (not given up on purpose)
        self.keep_journal = True
        #: an empty table was made on purpose (File > New Attendee Table): it stays shown even
        #: when its last row is deleted
        self.made = False
        self.model = EventTableModel(document, self, marks=self.marks)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.table = EventTableView(self.model, settings, self)
        self.table.setObjectName(f"{self.fields.noun}Table")
        describe(
            self.table,
            f"The {self.fields.noun} rows: type to edit a cell, Enter moves down a row",
            name=f"{self.fields.noun.title()}s",
            tip=False,
        )
        self.find_bar = FindBar(self.table, self)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.table, 1)
        self.empty_hint = QLabel(_HINTS.get(self.fields.noun, _HINTS["event"]), self)
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setTextFormat(Qt.TextFormat.RichText)
        # its links are reached by Tab and followed with Enter too
        self.empty_hint.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.empty_hint.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.empty_hint.linkActivated.connect(self.follow_hint)
        describe(
            self.empty_hint,
            "How to start: open a file, drop one, open the sample or open from HubSpot",
            name="Getting started",
            tip=False,
        )
        layout.addWidget(self.empty_hint, 1)
        self.editor = TableEditor(self.table, self.model, window.statusBar())
        self.rows = RowActions(window, self.table, document)
        self.saving = ResultsSaving(window, controller, settings, self)

    def follow_hint(self, link: str) -> None:
        """A link of the empty table's hint: the window's action it names (the attendee
        sample alone from the attendee tab: the events tab keeps what it shows)."""
        if link == "sample-attendees":
            helper = self.window().findChild(QObject, "helpActions")
            if helper is not None:
                helper.open_sample(("attendees",))  # type: ignore[attr-defined]
            return
        action = self.window().findChild(QAction, _HINT_LINKS.get(link, ""))
        if action is not None and action.isEnabled():
            action.trigger()

    # ------------------------------------------------------------------ unsaved work

    @property
    def modified(self) -> bool:
        return self._modified

    def set_modified(self, modified: bool) -> None:
        if modified != self._modified:
            self._modified = modified
            self.modified_changed.emit(modified)

    @property
    def has_table(self) -> bool:
        """Whether there is a table to show (an empty attendee table made on purpose is one)."""
        table = self.document.table
        return bool(self.document.rows) or table.file is not None or self.made

    def name(self) -> str:
        """The table's file name, or what an untitled one is called."""
        file = self.document.table.file  # the table shown: after an Undo, the one back
        untitled = "Untitled" if self.fields.noun == "event" else "Untitled attendees"
        return file.name if file else untitled

    def tab_text(self) -> str:
        """The tab's title: the kind of table, its file, and a mark when it has unsaved work."""
        kind = self.fields.name.title()
        file = self.document.table.file
        shown = f"{kind} — {file.name}" if file else kind
        return shown + (" *" if self._modified else "")
