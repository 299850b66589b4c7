"""The window's attendee actions: File > New Attendee Table (in the Attendees tab), and Edit >
Event for the Sheet (the event and state for rows that do not name their own), with what the
sheet gives shown in the status bar."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel

from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS, STATE, STATE_TITLES, state_of
from hubevents_gui.core.known_events import KnownEvent
from hubevents_gui.core.rows import EventTable
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.ui import commands
from hubevents_gui.ui.dialogs.event_choice_dialog import EventChoiceDialog
from hubevents_gui.ui.shell import WindowShell


class AttendeeActions(QObject):
    def __init__(self, window: WindowShell) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.dialog: EventChoiceDialog | None = None
        self.sheet_label = QLabel(window.statusBar())
        self.sheet_label.setObjectName("sheetValues")
        window.statusBar().addPermanentWidget(self.sheet_label)
        self.sheet_label.hide()
        #: the last run's participation counters, per event (the whole lines in the tooltip)
        self.counters_label = QLabel(window.statusBar())
        self.counters_label.setObjectName("eventCounters")
        window.statusBar().addPermanentWidget(self.counters_label)
        self.counters_label.hide()
        self.controller.run_finished.connect(self._on_run_finished)
        document = self.controller.document_for(ATTENDEE_FIELDS)
        self.document = document
        document.reset_done.connect(self.update_label)
        document.reset_done.connect(self._forget_counters)
        document.validation_changed.connect(self.update_label)
        reads = self.controller.reads
        reads.events_listed.connect(self._on_events_listed)
        reads.failed.connect(self._on_read_failed)

    @property
    def attendees(self) -> bool:
        """The Attendees tab is shown."""
        return self.window.document is self.document

    @Slot()
    def new_attendee_table(self) -> None:
        """An empty attendee table with one row to type in, in the Attendees tab (the attendee
        table that was there: one Undo away)."""
        window = self.window
        document = self.document
        pane = window.pane_of(document)
        window.show_pane(pane)
        if document.running or not window.may_replace():
            return
        table = EventTable(None, None, [], fields=ATTENDEE_FIELDS)
        table.rows.append(document.new_row())
        commands.replace_table(document, table)
        pane.made = True
        pane.set_modified(False)  # nothing typed yet: nothing to save
        window.statusBar().clearMessage()  # what it said was about the table replaced
        window.update_title()
        window.update_actions()
        window.table.setFocus()
        self.choose_event()

    def known(self) -> list[KnownEvent]:
        """The events the window knows: those of its event table, and HubSpot's once read."""
        return self.controller.known()

    @Slot()
    def choose_event(self) -> None:
        window = self.window
        document = self.document
        if not self.attendees or document.running:
            return
        dialog = EventChoiceDialog(self.known(), document.table.defaults, window)
        dialog.read_requested.connect(self._read_events)
        self.dialog = dialog
        try:
            if dialog.exec() == EventChoiceDialog.DialogCode.Accepted:
                values = dialog.values()
                if values != document.table.defaults:
                    document.undo_stack.push(commands.SheetValuesCommand(document, values))
        finally:
            self.dialog = None
            dialog.deleteLater()

    @Slot()
    def _read_events(self) -> None:
        if not self.controller.reads.list_events() and self.dialog is not None:
            self.dialog.read_failed("HubSpot cannot be read now (a read or a run is under way).")

    @Slot(list)
    def _on_events_listed(self, events: list[KnownEvent]) -> None:
        # kept: the next attendee sheet offers them without reading again
        self.controller.remember_events(events)
        if self.dialog is not None:
            found = f"HubSpot holds {len(events)} events of this app." if events else ""
            self.dialog.add_events(events, found or "HubSpot holds no events of this app.")

    @Slot(str)
    def _on_read_failed(self, message: str) -> None:
        if self.dialog is not None:
            self.dialog.read_failed(message)

    @Slot(object)
    def _on_run_finished(self, report: RunReport) -> None:
        """The events' counters as HubSpot counts them after the run, kept in view."""
        if self.controller.run_document is not self.document or not report.notes:
            return
        notes = report.notes
        self.counters_label.setText(
            notes[0]
            if len(notes) == 1
            else f"HubSpot's counters of {len(notes)} events (point here)"
        )
        self.counters_label.setToolTip("\n".join(report.notes))
        self.counters_label.setAccessibleDescription("; ".join(report.notes))
        self.counters_label.show()

    @Slot()
    def _forget_counters(self) -> None:
        """Another attendee table: the counters were of the last one's events."""
        self.counters_label.clear()
        self.counters_label.hide()

    @Slot()
    def update_label(self) -> None:
        """ "Sheet: acme-events / WEB-2026-001, Attended" while the sheet gives values."""
        defaults = self.document.table.defaults if self.attendees else {}
        ids = [str(defaults[k]) for k in ("externalAccountId", "externalEventId") if k in defaults]
        parts = [" / ".join(ids)] if ids else []
        state = defaults.get(STATE)
        if isinstance(state, str) and (known := state_of(state)) is not None:
            parts.append(STATE_TITLES[known])
        self.sheet_label.setText("Sheet: " + ", ".join(parts) if parts else "")
        self.sheet_label.setToolTip(
            "What rows that leave these columns blank are sent with (Edit > Event for the Sheet)"
        )
        self.sheet_label.setVisible(bool(parts))
        # the counters are the attendee tab's: out of the way while the events are shown
        self.counters_label.setVisible(self.attendees and bool(self.counters_label.text()))
