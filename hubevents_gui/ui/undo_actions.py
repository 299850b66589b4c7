"""Run history > Undo This Run: HubSpot's copy of the run's events read (off the GUI thread), a
preview of exactly what taking the run back will do, and, after the user's yes, the undo sent
through the one engine as a run of the history (hubspot.undo_run, shared with ``hubevents
undo``). Run > Cancel stops it as it stops a read: nothing new is sent."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox

from hubevents_gui.core.history import RunSummary
from hubevents_gui.core.rows import Outcome
from hubevents_gui.core.tally import Tally
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.undo import UndoRefusedError, undoable_run
from hubevents_gui.ui.hubspot_reads import read_or_none
from hubevents_gui.ui.shell import WindowShell
from hubevents_gui.ui.tasks import Task, TaskError

if TYPE_CHECKING:
    from hubevents_gui.hubspot.report import RunReport
    from hubevents_gui.hubspot.undo_run import PlannedUndo, UndoJob


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:].rstrip('.')}."


class UndoActions(QObject):
    #: HubSpot's copy read and the undo planned (a PlannedUndo)
    planned = Signal(object)
    #: the undo's run is over (its RunReport)
    undone = Signal(object)

    def __init__(self, window: WindowShell) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.planned.connect(self._on_planned)
        self.undone.connect(self._on_undone)
        reads = self.controller.reads
        reads.failed.connect(self._stop_showing)
        reads.cancelled.connect(self._stop_showing)
        #: the undo under way: its outcomes so far, counted on the engine's threads
        self._counts: Tally | None = None
        self._total = 0
        self._job: UndoJob | None = None
        self._lock = threading.Lock()
        self._shown = QTimer(self)
        self._shown.setInterval(250)
        self._shown.timeout.connect(self._show_progress)

    @property
    def where(self) -> str:
        return "the sandbox" if self.controller.connection.sandbox else "HubSpot"

    @Slot(object)
    def undo_run(self, run: RunSummary) -> None:
        """Read and preview the undo of ``run``; the preview's yes sends it."""
        from hubevents_gui.hubspot.undo_run import read_undo

        window, controller = self.window, self.controller
        if controller.busy:
            window.statusBar().showMessage("Wait for the run or read under way to end", 8000)
            return
        history = controller.history
        try:
            undoable_run(history, run.id)
        except UndoRefusedError as exc:
            QMessageBox.information(window, "Cannot undo this run", _sentence(str(exc)))
            return
        here = controller.connection.engine_settings().describe()
        if run.connection != here:
            QMessageBox.information(
                window,
                "The run went elsewhere",
                f"This run was sent to {run.connection}; the window is connected to {here}. "
                "Choose that connection (Run > Connection…) to undo it.",
            )
            return
        begun = controller.reads.begin()
        if begun is None:
            return
        cancel, reader = begun

        def work(_task: Task) -> PlannedUndo | None:
            with reader:

                def read() -> PlannedUndo:
                    try:
                        return read_undo(history, run.id, reader)
                    except UndoRefusedError as exc:  # recorded or connected otherwise since
                        raise TaskError(_sentence(str(exc))) from None

                return read_or_none(read)

        controller.reads.start(work, cancel, delivers=self.planned)
        window.run_status.reading("HubSpot's copy of the run's events")
        window.update_actions()

    @Slot(object)
    def _on_planned(self, planned: PlannedUndo) -> None:
        from hubevents_gui.ui.dialogs.undo_dialog import UndoDialog

        window = self.window
        window.run_status.hide_progress()
        window.statusBar().clearMessage()
        window.update_actions()
        portal = planned.portal or "the portal"
        self.dialog = UndoDialog(planned, f"{portal} in {self.where}", window)
        accepted = self.dialog.exec() == UndoDialog.DialogCode.Accepted
        self.dialog.deleteLater()
        if accepted and self.dialog.confirm is not None:
            self._send(planned)
        else:
            window.statusBar().showMessage("Nothing was changed", 8000)

    def _send(self, planned: PlannedUndo) -> None:
        from hubevents_gui.hubspot.engine import UpsertEngine
        from hubevents_gui.hubspot.undo_run import run_undo, undo_job

        window, controller = self.window, self.controller
        connection = controller.connection
        settings = connection.engine_settings()
        try:
            job = undo_job(planned, settings.batch_size)
        except UndoRefusedError as exc:
            QMessageBox.warning(window, "Cannot undo this run", _sentence(str(exc)))
            return
        if controller.busy:
            return
        token, transport = connection.wire(controller.sandbox_transport)
        transport = controller.reads.transport or transport
        history, quota = controller.history, controller.quota
        cancel, abandon = threading.Event(), threading.Event()
        counts = Tally()
        lock = self._lock

        def work(_task: Task) -> RunReport:
            # recorded before anything is sent, as every run is
            recorder = job.recorder(history, settings.describe())

            def collect(outcomes: list[Outcome]) -> None:  # the engine's threads
                with lock:
                    counts.add_outcomes(outcomes)
                recorder.record(outcomes)

            engine = UpsertEngine(settings, token, transport=transport, quota=quota)
            return recorder.finish_after(
                lambda: run_undo(job, engine, collect, cancel, abandon), engine.close
            )

        self._counts, self._total, self._job = counts, len(job.whole.rows), job
        controller.reads.start(work, cancel, delivers=self.undone)
        status = window.run_status
        status.run_started(self._total)
        self._shown.start()
        window.statusBar().showMessage(f"Undoing run {planned.plan.run.id} in {self.where}…")
        window.update_actions()

    @Slot()
    def _show_progress(self) -> None:
        if self._counts is None:
            return
        with self._lock:
            counts = self._counts.copy()
        progress = self.window.run_status.progress
        progress.setValue(counts.done)
        progress.setFormat(f"{counts.done} / {self._total}: {_counts_text(counts)}")

    @Slot()
    @Slot(str)
    def _stop_showing(self, _message: str = "") -> None:
        """A read or the undo failed or was cancelled: the undo's progress goes."""
        if self._counts is not None:
            self._counts = None
            self._shown.stop()
            self.controller.history_changed.emit()

    @Slot(object)
    def _on_undone(self, report: RunReport) -> None:
        self._counts = None
        self._shown.stop()
        window = self.window
        window.run_status.hide_progress()
        window.update_actions()
        job, self._job = self._job, None
        if job is None:
            return
        run = job.plan.run
        stopped = f" Stopped: {report.stopped_text}." if report.stopped else ""
        window.statusBar().showMessage(
            f"Undo of run {run.id}: {_counts_text(report.counts)}, {report.counts.not_sent} not "
            f"sent ({plural(report.requests, 'request')}).{stopped}",
            30_000,
        )
        self.controller.history_changed.emit()
        window.update_actions()


def _counts_text(counts: Tally) -> str:
    """ "2 deleted, 3 put back, 0 failed": an undo's rows are deletions and restores."""
    put_back = counts.created + counts.updated
    return f"{counts.deleted} deleted, {put_back} put back, {counts.failed} failed"
