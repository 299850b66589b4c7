"""Run > Cancel, Complete and Delete Events: acting on the selected rows' events in HubSpot (or
every row's), each after a confirmation that says how many events in which portal and names a
few. The token check and the reads the action needs are made first, off the GUI thread; the
run then goes through the one engine like an upsert, and every row gets its outcome."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMessageBox

from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.action_plan import Action
from hubevents_gui.ui.hubspot_reads import PlannedAction
from hubevents_gui.ui.shell import WindowShell

#: events named in a confirmation
NAMED = 3

#: what the confirmation asks, per action
_VERBS = {
    Action.CANCEL: "Cancel",
    Action.COMPLETE: "Complete",
    Action.DELETE: "Delete",
    Action.ARCHIVE: "Delete (whichever app made them)",
}


class EventActions(QObject):
    def __init__(self, window: WindowShell) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.controller.reads.action_planned.connect(self._on_planned)

    @Slot()
    def cancel_events(self) -> None:
        self._plan(Action.CANCEL)

    @Slot()
    def complete_events(self) -> None:
        self._plan(Action.COMPLETE)

    @Slot()
    def delete_events(self) -> None:
        self._plan(Action.DELETE)

    @Slot()
    def archive_events(self) -> None:
        self._plan(Action.ARCHIVE)

    def _plan(self, action: Action) -> None:
        window = self.window
        document = window.document
        if self.controller.busy or document is not self.controller.documents[0]:
            return
        selected = window.table.selected_row_ids()
        ids = selected or [r.row_id for r in document.rows]
        # rows being sent are left out; invalid rows are not (a test event to delete may well
        # be a row with a problem): what an action needs is the event's ids
        rows = [r for i in ids if (r := document.row(i)) is not None and i not in document.locked]
        if not rows:
            QMessageBox.information(window, "No rows", "Select the rows whose events to act on.")
            return
        if self.controller.reads.plan_action(action, rows, document.table, document.zone):
            status = window.run_status
            status.progress.setRange(0, 0)
            status.progress.setFormat("Reading HubSpot's events…")
            status.progress.show()
            window.statusBar().showMessage("Checking the token and reading the rows' events…")

    @Slot(object)
    def _on_planned(self, planned: PlannedAction) -> None:
        window = self.window
        window.run_status.hide_progress()
        window.statusBar().clearMessage()
        plan = planned.plan
        if not plan.items:
            reasons = {o.message for o in plan.not_sent}
            QMessageBox.information(
                window,
                "Nothing to send",
                "None of the rows can be acted on: " + "; ".join(sorted(reasons)[:3]),
            )
            return
        shown = plan.event_names(NAMED, more="…")
        left = (
            f"\n\n{plural(len(plan.not_sent), 'row')} cannot be and will be marked not sent."
            if plan.not_sent
            else ""
        )
        question = (
            f"{_VERBS[planned.action]} {plural(len(plan.items), 'event')} in {planned.portal}?"
            f"\n\nFor example: {shown}.{left}"
        )
        if planned.action in (Action.DELETE, Action.ARCHIVE):
            question += "\n\nDeleted events cannot be brought back."
        answer = QMessageBox.question(
            window,
            f"{_VERBS[planned.action]} events in HubSpot?",
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,  # the safe answer is the default
        )
        if answer != QMessageBox.StandardButton.Yes:
            window.statusBar().showMessage("Nothing was sent", 8000)
            return
        # the event table's rows, whichever tab is shown now
        self.controller.upsert(planned.rows, self.controller.documents[0], action=planned)
