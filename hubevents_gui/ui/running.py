"""Sending from the window: which rows (all, selected, failed), the confirmation when some are
invalid, cancel, the connection dialog, and what a finished run says."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox

from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS
from hubevents_gui.core.rows import RowId
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.quota import QuotaSnapshot, planned_requests, shortfall
from hubevents_gui.ui.shell import WindowShell

if TYPE_CHECKING:
    from hubevents_gui.hubspot.report import RunReport
    from hubevents_gui.ui.document import TableDocument


class RunActions(QObject):
    def __init__(self, window: WindowShell) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.status = window.run_status
        c = self.controller
        c.run_started.connect(self._on_run_started)
        c.run_progress.connect(self.status.run_progress)
        c.run_finished.connect(self._on_run_finished)
        c.auth_required.connect(self.edit_connection)
        c.quota_changed.connect(self._on_quota_changed)
        #: a quota read before a run is under way (a second Send waits for it, once)
        self._checking = False

    def _send(self, row_ids: list[RowId] | None) -> None:
        valid, invalid = self.controller.sendable(row_ids)
        window = self.window
        if not valid:
            QMessageBox.information(
                window, "Nothing to send", "No valid rows to send: fix the issues listed below."
            )
            return
        if invalid:
            question = (
                f"{plural(invalid, 'invalid row')} will be skipped; "
                f"{plural(len(valid), 'row')} will be sent. Continue?"
            )
            answer = QMessageBox.question(window, "Some rows are invalid", question)
            if answer != QMessageBox.StandardButton.Yes:
                return
        ids = [r.row_id for r in valid]
        # the tab's rows, whichever tab is shown by the time the quota is read
        document = window.document
        snapshot = self.controller.quota.snapshot()
        if snapshot.fresh():
            self._send_if_room(ids, snapshot, document)
        elif not self._checking:
            # the daily usage is read on a worker: the window never waits on the network
            self._checking = True
            self.window.statusBar().showMessage("Reading how many requests are left today…")
            self.controller.read_quota(lambda read: self._send_if_room(ids, read, document))

    def _send_if_room(
        self, row_ids: list[RowId], snapshot: QuotaSnapshot, document: TableDocument
    ) -> None:
        self._checking = False
        valid, _ = self.controller.sendable(row_ids, document)  # as they are now
        connection = self.controller.connection
        needed = planned_requests(len(valid), connection.engine_settings().batch_size)
        problem = shortfall(needed, snapshot)
        if problem and not self._send_anyway(problem):
            return
        self.controller.upsert(valid, document)

    def _send_anyway(self, problem: str) -> bool:
        box = QMessageBox(self.window)
        box.setObjectName("quotaShortfallBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Not enough requests left today")
        box.setText(f"{problem[:1].upper()}{problem[1:]}.")
        box.setInformativeText(
            'Sent anyway, the rows beyond what is left end "not sent" once HubSpot says '
            "the day's limit is reached; send them again tomorrow."
        )
        send = box.addButton("Send anyway", QMessageBox.ButtonRole.AcceptRole)
        send.setObjectName("quotaSendAnyway")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        cancel.setObjectName("quotaCancel")
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is send

    @Slot(object)
    def _on_quota_changed(self, snapshot: QuotaSnapshot) -> None:
        if not snapshot.known and snapshot.usage_problem is None:
            return
        where = "Sandbox" if self.controller.connection.sandbox else "HubSpot"
        self.status.set_quota(snapshot.line(where), time.strftime("%H:%M:%S"))

    @Slot()
    def upsert_all(self) -> None:
        self._send(None)

    @Slot()
    def upsert_selected(self) -> None:
        self._send(self.window.table.selected_row_ids())

    @Slot()
    def retry_failed(self) -> None:
        self._send(self.controller.retryable())

    @Slot()
    def cancel(self) -> None:
        self.controller.cancel_import()
        self.controller.cancel_run()

    @Slot(int)
    def _on_run_started(self, total: int) -> None:
        self.status.run_started(total)
        self.window.update_actions()

    @Slot(object)
    def _on_run_finished(self, report: RunReport) -> None:
        window = self.window
        self.status.hide_progress()
        # the tab the run sent from (the window may show the other by now)
        sent = self.controller.run_document or window.document
        window.pane_of(sent).set_modified(True)
        window.update_actions()
        c = report.counts
        stopped = f" Stopped: {report.stopped_text}." if report.stopped else ""
        dropped = f" {report.dropped_text}." if report.dropped_rows else ""
        attendees = sent.table.fields is ATTENDEE_FIELDS
        # an attendee run ends with its events' counters, as HubSpot counts them now
        notes = "".join(f" {line}." for line in report.notes)
        counted = c.text(attendees=attendees, action=self.controller.run_action)
        window.statusBar().showMessage(
            f"{counted}, {c.not_sent} not sent in {report.elapsed:.1f} s "
            f"({plural(report.requests, 'request')}).{stopped}{dropped}{notes}",
            60_000 if notes else 20_000,
        )

    @Slot()
    @Slot(str)
    def edit_connection(self, reason: str = "") -> None:
        # the dialog brings httpx along: loaded when first needed, not at start-up
        from hubevents_gui.ui.dialogs.connection_dialog import ConnectionDialog

        window = self.window
        dialog = ConnectionDialog(
            self.controller, reason if isinstance(reason, str) else "", window
        )
        self.dialog = dialog  # tests and accessibility tools find the open dialog here
        # no second word on a missing keyring: the dialog said it, and the banner keeps saying
        # "token kept for this session only"
        dialog.exec()
        window.update_banner()
