"""The window's reads of HubSpot: File > Open from HubSpot, Run > Preview Changes and Run > Send
Changes (which previews first when the preview is not fresh, then sends only the rows that
would be created or updated)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox

from hubevents_gui.core.sheets import guess_mapping
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.diff import Action, left_alone_outcomes
from hubevents_gui.ui.hubspot_reads import Previewed, Pulled
from hubevents_gui.ui.shell import WindowShell


class HubSpotActions(QObject):
    def __init__(self, window: WindowShell) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        #: Send Changes asked for the preview it waits on
        self._send_after = False
        #: what the status bar says once a download is shown
        self._after_build = ""
        reads = self.controller.reads
        reads.progress.connect(self._on_progress)
        reads.pulled.connect(self._on_pulled)
        reads.previewed.connect(self._on_previewed)
        reads.failed.connect(self._on_failed)
        reads.cancelled.connect(self._on_cancelled)

    # ------------------------------------------------------------------ the actions

    @Slot()
    def open_from_hubspot(self) -> None:
        if self.controller.busy or self.window.document.running:
            return
        events = self.window.pane_of(self.controller.documents[0])
        if not self.window.may_replace(events):  # HubSpot's events open in the Events tab
            return
        if self.controller.reads.open_events():
            self._reading("Reading HubSpot's events…")

    @Slot()
    def preview_changes(self) -> None:
        valid, _invalid = self.controller.sendable()
        if not valid:
            QMessageBox.information(
                self.window, "Nothing to preview", "No valid rows: fix the issues listed below."
            )
            return
        if self.controller.reads.preview():
            self._reading("Reading HubSpot's copy of the rows' events…")

    @Slot()
    def send_changes(self) -> None:
        controller = self.controller
        valid, _invalid = controller.sendable()
        if controller.marks.fresh_for(r.row_id for r in valid):
            self._send_planned()
            return
        self._send_after = True
        self.preview_changes()
        if not controller.reads.busy:
            self._send_after = False

    def _send_planned(self) -> None:
        controller = self.controller
        valid, invalid = controller.sendable()
        marks = controller.marks
        plans = {r.row_id: p for r in valid if (p := marks.plan(r.row_id)) is not None}
        send = [r for r in valid if r.row_id in plans and plans[r.row_id].action.sends]
        if invalid and send:
            question = (
                f"{plural(invalid, 'invalid row')} will be skipped; "
                f"{plural(len(send), 'changed row')} will be sent. Continue?"
            )
            answer = QMessageBox.question(self.window, "Some rows are invalid", question)
            if answer != QMessageBox.StandardButton.Yes:
                return
        left = left_alone_outcomes(plans)
        controller.document.apply_outcomes(left)
        self.window.pane.set_modified(True)
        if send:
            controller.upsert(send)  # clears the marks: the run's outcomes take over
            return
        marks.clear()
        self.window.update_actions()
        self.window.statusBar().showMessage(
            f"Nothing to send: HubSpot already holds {plural(len(left), 'row')} as they are "
            "(or another app owns them)",
            20_000,
        )

    # ------------------------------------------------------------------ what the reads say

    def _reading(self, text: str) -> None:
        status = self.window.run_status
        status.progress.setRange(0, 0)
        status.progress.setFormat(text)
        status.progress.show()
        status.cancel.show()
        self.window.statusBar().showMessage(text)
        self.window.update_actions()

    def _done(self) -> None:
        self.window.run_status.hide_progress()
        self.window.statusBar().clearMessage()
        self.window.update_actions()

    @Slot(str)
    def _on_progress(self, text: str) -> None:
        self.window.statusBar().showMessage(f"HubSpot: {text}…")

    @Slot(object)
    def _on_pulled(self, pulled: Pulled) -> None:
        self._done()
        raw = pulled.raw
        # the headers are those the app reads: no mapping to ask for
        self.controller.build(raw, guess_mapping(raw.headers))
        others = (
            f"; {plural(pulled.others, 'event')} of other apps left out" if pulled.others else ""
        )
        unknown = (
            f"; HubSpot did not tell the External Account ID of "
            f"{plural(pulled.unresolved, 'event')}"
            if pulled.unresolved
            else ""
        )
        self._after_build = (
            f"Opened {plural(pulled.events, 'event')} from HubSpot{others}{unknown} "
            f"({plural(pulled.requests, 'request')})"
        )
        self.controller.import_finished.connect(self._say_pulled)

    @Slot()
    def _say_pulled(self) -> None:
        self.controller.import_finished.disconnect(self._say_pulled)
        self.window.statusBar().showMessage(self._after_build, 20_000)

    @Slot(object)
    def _on_previewed(self, result: Previewed) -> None:
        self._done()
        counts = self.controller.marks.counts()
        warnings = len(result.columns) + sum(len(found) for found in result.cells.values())
        said = (
            f"Preview: {counts[Action.CREATE]} would create, {counts[Action.UPDATE]} would "
            f"update, {counts[Action.UNCHANGED]} unchanged, "
            f"{plural(counts[Action.CONFLICT], 'conflict')}"
        )
        if warnings:
            said += f", {plural(warnings, 'property warning')}"
        said += f"; the preview cost {plural(result.requests, 'request')}"
        if result.definitions is None:
            said += " (HubSpot did not give its property definitions)"
        self.window.statusBar().showMessage(said, 30_000)
        if self._send_after:
            self._send_after = False
            self._send_planned()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._send_after = False
        self._done()
        QMessageBox.warning(self.window, "Cannot read from HubSpot", message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._send_after = False
        self._done()
        self.window.statusBar().showMessage("Reading from HubSpot was cancelled", 10_000)
