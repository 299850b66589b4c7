"""The controller: imports, upserts and saving off the GUI thread, outcomes applied to the
document.

Jobs get plain data (a path, a snapshot of rows) and hand back plain data (a table, outcomes,
a report) through queued signals; they never touch widgets, indexes or the live row list.
Outcomes arrive in bursts of thousands per second and are applied in time-boxed slices so the
window stays responsive, and recorded in the run history as they are applied; the job
records the run's start and end.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from hubevents_gui import credentials
from hubevents_gui.core import collector
from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS
from hubevents_gui.core.checks import checks_for
from hubevents_gui.core.fields import FieldTable
from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.known_events import KnownEvent, events_of_table, merged
from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.result_files import keep_backup, same_file
from hubevents_gui.core.results import add_result_columns, result_cells, write_results
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.core.sheets import (
    RawSheet,
    SheetChoice,
    Target,
    build_table,
    choose_sheet,
    fields_for,
    guess_mapping,
    needs_confirmation,
)
from hubevents_gui.core.tally import Progress
from hubevents_gui.core.validation import Issue
from hubevents_gui.hubspot.quota import Quota, QuotaSnapshot, fetch_quota
from hubevents_gui.ui.commands import replace_table
from hubevents_gui.ui.connection import Connection
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.hubspot_reads import HUBSPOT_SOURCE, HubSpotReads, PlannedAction
from hubevents_gui.ui.preview_marks import PreviewMarks
from hubevents_gui.ui.settings import AppSettings
from hubevents_gui.ui.tasks import Task, TaskError, TaskSet

log = logging.getLogger("hubevents")

if TYPE_CHECKING:  # httpx and the engine load when the first upsert starts, not at start-up
    import httpx

    from hubevents_gui.core.properties import PropertyDefinition
    from hubevents_gui.core.recorder import RunRecorder
    from hubevents_gui.hubspot.attendance_run import AttendancePlan
    from hubevents_gui.hubspot.endpoints import Endpoint
    from hubevents_gui.hubspot.report import RunReport
    from hubevents_gui.hubspot.sandbox import Sandbox
    from hubevents_gui.hubspot.sandbox.process import SandboxProcess
    from hubevents_gui.hubspot.settings import ConnectionSettings
    from hubevents_gui.hubspot.snapshot import Snapshot
    from hubevents_gui.hubspot.wire import JsonObject

#: the states Retry Failed sends again
_RETRYABLE = frozenset({RowStatus.FAILED, RowStatus.NOT_SENT, RowStatus.EDITED})
#: longest the GUI thread spends applying outcomes before it lets the window paint
_APPLY_SLICE = 0.012

Built = tuple[EventTable, dict[RowId, list[Issue]], dict[RowId, EventRow]]


class Controller(QObject):
    import_started = Signal(str)
    import_progress = Signal(int)
    import_finished = Signal()
    #: a table was read into one of the window's documents (the tab of its kind)
    table_opened = Signal(object)
    import_failed = Signal(str)
    #: the workbook has several sheets with events: the window asks which (path, names)
    sheet_needed = Signal(object, list)
    #: the headers do not all match: the window shows the mapping dialog (raw sheet, guess)
    mapping_needed = Signal(object, list)
    run_started = Signal(int)
    run_progress = Signal(object)
    run_finished = Signal(object)
    #: a 401 or 403 stopped the run: the window opens the connection dialog with the reason
    auth_required = Signal(str)
    connection_changed = Signal()
    #: a run was recorded or finished
    history_changed = Signal()
    #: results were written (path, added to the original workbook)
    #: results written: path, into the source workbook, its backup (or None), the document
    results_saved = Signal(object, bool, object, object)
    #: results not written: the sentence saying why, the document
    results_failed = Signal(str, object)
    #: the run history could not be written (a sentence naming the file and the error)
    storage_failed = Signal(str)
    #: what is known of the connection's request quota changed (a QuotaSnapshot)
    quota_changed = Signal(object)
    #: a run's payloads are built; the GUI thread moves them out of the collector's sight
    _payloads_built = Signal(object)

    def __init__(
        self,
        settings: AppSettings,
        document: TableDocument,
        *,
        sandbox: bool,
        attendees: TableDocument | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        if attendees is None:
            attendees = TableDocument(document.zone, self, ATTENDEE_FIELDS)
        #: the window's tables, one of each kind (its two tabs)
        self.documents = (document, attendees)
        #: the table the window shows: what its actions act on
        self.document = document
        #: the table a run is sending (it keeps to it when the window shows the other)
        self.run_document: TableDocument | None = None
        self.connection = Connection(sandbox=True, settings=settings.connection)
        #: why the window is on the sandbox although the last session sent to HubSpot (said
        #: once at start, with the connection dialog), or None
        self.start_notice: str | None = None
        if not sandbox and not settings.use_sandbox:
            self.start_notice = self._connect_saved_token()
        self._sandbox: Sandbox | None = None
        #: what makes the sandbox's own process when it runs apart (the app's sandbox; the
        #: tests' mostly not), and the process once made (on the warm-up thread, or the first
        #: send's if that comes first)
        self._make_process: Callable[[], SandboxProcess] | None = None
        self._sandbox_process: SandboxProcess | None = None
        self._apart_lock = threading.Lock()
        self._tasks = TaskSet(self)
        #: the window has gone (shutdown): nothing new starts
        self.shut_down = False
        self._import: Task | None = None
        self._import_paused = False
        #: collections are paused while a run is under way (see upsert)
        self._run_paused = False
        self._run: Task | None = None
        self._run_cancel: threading.Event | None = None
        #: set to stop waiting for the requests in flight (their rows end "not sent")
        self._run_abandon: threading.Event | None = None
        self._pending: deque[Outcome] = deque()
        self._progress: Progress | None = None
        self._progress_shown = 0.0
        self._report: RunReport | None = None
        self._flush = QTimer(self)
        self._flush.setInterval(30)
        self._flush.timeout.connect(self._apply_pending)
        self._payloads_built.connect(self._on_payloads_built)
        #: the file being opened (asked which sheet)
        self._opening: Path | None = None
        #: whether a sheet read may replace that table (the window asks about unsaved work)
        self.replace_check: Callable[[TableDocument], bool] = lambda _document: True
        self._history: RunHistory | None = None
        self._recording: list[RunRecorder] = []
        #: the connection's requests left, from the usage endpoint and every answer of a run
        self.quota = Quota()
        self._quota_waiting: list[Callable[[QuotaSnapshot], None]] = []
        #: what the last preview said of each event row, until the row is edited (attendee
        #: tables have no preview)
        self.marks = PreviewMarks(document)
        #: reads of HubSpot's copy (Open from HubSpot, Preview Changes)
        self.reads = HubSpotReads(self, self)
        #: the account's marketing-event property definitions, from the last read of them
        self.definitions: dict[str, PropertyDefinition] | None = None
        #: the events of the last event table an attendee table replaced (its rows' event)
        self.known_events: list[KnownEvent] = []

    def warm_up(self) -> None:
        """Load the engine's modules (httpx and friends) on a background thread, so the first
        upsert does not pay for their import on the GUI thread."""

        apart = self._make_process is not None and self.connection.sandbox

        def load() -> None:
            import hubevents_gui.hubspot.attendance_run
            import hubevents_gui.hubspot.engine
            import hubevents_gui.hubspot.sandbox  # noqa: F401

            if apart:  # it takes a while to start: by the first send it is up
                from hubevents_gui.hubspot.sandbox.process import SandboxUnavailableError

                with contextlib.suppress(SandboxUnavailableError):  # the first request says why
                    self._apart_process().start()

        threading.Thread(target=load, name="hubevents-warm-up", daemon=True).start()

    @property
    def history(self) -> RunHistory:
        """Every run, in SQLite in the app's data folder (opened on first use)."""
        if self._history is None:
            self._history = RunHistory(
                data_dir() / "history.sqlite", on_error=self.storage_failed.emit
            )
        return self._history

    @property
    def sandbox(self) -> Sandbox:
        """One simulator per session, so a second upsert of the same rows shows "updated"."""
        if self._sandbox is None:
            from hubevents_gui.hubspot.sandbox import Faults, Sandbox, SandboxConfig

            # a little latency, so a new user sees rows go from sending to created
            self._sandbox = Sandbox.demo(SandboxConfig(faults=Faults(latency=(0.15, 0.35), seed=1)))
        return self._sandbox

    @sandbox.setter
    def sandbox(self, sandbox: Sandbox) -> None:
        """Answer from this simulator, in process (a process serving until now is stopped)."""
        self._sandbox = sandbox
        self._stop_apart()
        if self.connection.sandbox:
            self.quota = Quota()  # another sandbox, another count

    def serve_sandbox_apart(self, options: Sequence[str] | None = None) -> None:
        """Have the sandbox answer from a process of its own (as the app does), started with
        these options of ``hubevents sandbox`` (the demo portal's by default): the simulator
        of a remote service then runs like one, its Python out of the window's way."""

        def make() -> SandboxProcess:
            from hubevents_gui.hubspot.sandbox.process import SandboxProcess

            return SandboxProcess() if options is None else SandboxProcess(options)

        self._stop_apart()
        self._sandbox, self._make_process = None, make
        if self.connection.sandbox:
            self.quota = Quota()

    def sandbox_transport(self) -> httpx.BaseTransport:
        """How requests reach the sandbox: its process, or the simulator in this one."""
        if self._make_process is not None:
            return self._apart_process().transport()
        from hubevents_gui.hubspot.sandbox import SandboxTransport

        return SandboxTransport(self.sandbox)

    @property
    def sandbox_pid(self) -> int | None:
        """The sandbox's own process id; None while it runs in this process or has not started."""
        process = self._sandbox_process
        return process.pid if process is not None else None

    def _apart_process(self) -> SandboxProcess:
        """The sandbox's process, made on first use (by whichever thread comes first)."""
        with self._apart_lock:
            if self._sandbox_process is None:
                if self._make_process is None:  # the simulator in process took over meanwhile
                    from hubevents_gui.hubspot.sandbox.process import SandboxUnavailableError

                    raise SandboxUnavailableError("the sandbox now answers in this process")
                self._sandbox_process = self._make_process()
                if self.shut_down:  # nothing starts after the window has closed
                    self._sandbox_process.stop()
            return self._sandbox_process

    def _stop_apart(self) -> None:
        with self._apart_lock:
            process, self._sandbox_process = self._sandbox_process, None
            self._make_process = None
        if process is not None:
            process.stop()

    @property
    def busy(self) -> bool:
        return self._import is not None or self._run is not None or self.reads.busy

    def start_task(self, task: Task) -> Task:
        """Run a job of another part (a read of HubSpot) among the controller's tasks, so that
        closing the window stops and waits for it too. After the window has closed, nothing
        starts: a thread still running when the window is deleted would abort the program."""
        if self.shut_down:
            return task
        return self._tasks.start(task)

    @property
    def running(self) -> bool:
        """A run is sending rows (or waiting for their answers)."""
        return self._run is not None

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel what runs and wait for it (when the window goes): the requests in flight get
        ``timeout_ms`` to answer, then their rows end "not sent" (they may have reached
        HubSpot); every outcome is applied and recorded before the history closes."""
        self.shut_down = True
        run = self._run
        if self._run_cancel is not None:
            self._run_cancel.set()
        if run is not None and not run.worker_thread.wait(timeout_ms):
            self.abandon_run()
        self._tasks.stop_all(timeout_ms)
        while self._pending:  # outcomes that arrived while stopping are kept, every one
            self._apply_pending()
        self._end_import_pause()
        with self._apart_lock:  # after the runs (they may have needed it); none starts now
            process = self._sandbox_process
        if process is not None:
            process.stop()
        if self._history is not None:
            self._history.close()
            self._history = None

    # ------------------------------------------------------------------ import

    def document_for(self, fields: FieldTable) -> TableDocument:
        """The window's table of that kind (where a sheet of it opens)."""
        return next(d for d in self.documents if d.table.fields is fields)

    def known(self) -> list[KnownEvent]:
        """The events the window knows: its event table's first (as they are now), then those
        read from HubSpot. Off the GUI thread only through :meth:`known_reader`."""
        return self.known_reader()()

    def known_reader(self) -> Callable[[], list[KnownEvent]]:
        """What reads the known events on a worker thread: the event table's rows are taken
        now (a list of references), read there (an edit replaces a row, never changes it)."""
        events = self.documents[0]
        table = replace(events.table, rows=list(events.table.rows))
        zone = events.zone
        read = list(self.known_events)
        return lambda: merged(events_of_table(table, zone), read)

    def open_file(self, path: Path, sheet: str | None = None) -> None:
        """Read a spreadsheet off the GUI thread; may ask for a sheet or a column mapping."""
        if self.busy or any(d.running for d in self.documents):
            return
        path = Path(path)
        self.import_started.emit(path.name)
        task = Task(lambda _task: choose_sheet(path, sheet))
        task.succeeded.connect(self._on_opened)
        task.failed.connect(self._on_import_failed)
        self._import = self._tasks.start(task)
        self._opening = path

    @Slot(object)
    def _on_opened(self, choice: SheetChoice) -> None:
        self._import = None
        if choice.raw is None:
            self.import_finished.emit()
            assert self._opening is not None
            self.sheet_needed.emit(self._opening, choice.candidates)
            return
        raw = choice.raw
        if not self.replace_check(self.document_for(fields_for(raw.headers))):
            self.import_finished.emit()  # kept as it is: nothing was opened
            return
        remembered = self.settings.mapping_for(raw.headers)
        guess = remembered or guess_mapping(raw.headers)
        if remembered is None and needs_confirmation(raw, guess):
            log.info("asking how the columns of %s match the fields", raw.file.name)
            self.mapping_needed.emit(raw, guess)
            return
        self.build(raw, guess)

    def build(self, raw: RawSheet, mapping: list[Target]) -> None:
        """Parse every row with ``mapping`` (confirmed or guessed), off the GUI thread."""
        # the sheet opens in the tab of its kind (an attendee sheet beside the events)
        fields = fields_for(raw.headers)
        document = self.document_for(fields)
        zone = document.zone
        day_first = self.settings.day_first
        row_ids = document.row_ids

        def work(task: Task) -> Built:
            def progress(count: int) -> bool:
                task.progressed.emit(count)
                return not task.cancel.is_set()

            table = build_table(
                raw, mapping, day_first=day_first, row_ids=row_ids, progress=progress, fields=fields
            )
            issues = checks_for(table).rows(table.rows, zone)
            return table, issues, {row.row_id: row for row in table.rows}

        self.settings.remember_mapping(raw.headers, mapping)
        task = Task(work)
        task.progressed.connect(self.import_progress)
        task.succeeded.connect(self._on_built)
        task.failed.connect(self._on_import_failed)
        # a 100k-row table is a million acyclic objects: no collections while it is built
        collector.pause()
        self._import_paused = True
        self._import = self._tasks.start(task)

    def _end_run_pause(self) -> None:
        if self._run_paused:
            self._run_paused = False
            collector.resume()

    def _end_import_pause(self) -> None:
        if self._import_paused:
            self._import_paused = False
            collector.resume()

    def cancel_import(self) -> None:
        if self._import is not None:
            self._import.cancel.set()
        self.reads.cancel()

    @Slot(object)
    def _on_built(self, result: Built) -> None:
        self._import = None
        self._end_import_pause()
        table, issues, index = result
        document = self.document_for(table.fields)
        document.day_first = self.settings.day_first
        try:
            replace_table(document, table, issues, index)
        except RuntimeError as exc:  # a run started meanwhile
            self.import_failed.emit(str(exc))
            return
        # the table lives as long as the window shows it: out of the collector's sight
        collector.freeze()
        if table.file is not None and table.file.name != HUBSPOT_SOURCE:
            self.settings.add_recent(table.file)  # a download is no file to open again
        log.info(
            "opened %s: %d rows, %d issues",
            table.file.name if table.file is not None else "a new table",
            len(table.rows),
            len(issues),
        )
        self.table_opened.emit(document)  # first: the window shows its tab
        self.import_finished.emit()

    @Slot(str)
    def _on_import_failed(self, message: str) -> None:
        log.info("not opened: %s", message)
        self._import = None
        self._end_import_pause()
        self.import_failed.emit(message)

    # ------------------------------------------------------------------ upsert

    def sendable(
        self, row_ids: list[RowId] | None = None, document: TableDocument | None = None
    ) -> tuple[list[EventRow], int]:
        """(valid rows to send, invalid rows skipped) among ``row_ids`` (default: all) of
        ``document`` (default: the table shown)."""
        document = document or self.document
        rows = document.rows if row_ids is None else [r for i in row_ids if (r := document.row(i))]
        issues, locked = document.issues, document.locked
        valid = [r for r in rows if r.row_id not in issues and r.row_id not in locked]
        return valid, sum(1 for r in rows if r.row_id in issues)

    def has_retryable(self) -> bool:
        """Whether any row failed or was not sent (stops at the first: the toolbar asks)."""
        return any(status in _RETRYABLE for status in self.document.states.values())

    def retryable(self) -> list[RowId]:
        """Rows that failed or were not sent (edited since or not)."""
        # only rows that were ever sent have a state: no walk over every row of a big table
        states = self.document.states
        return [row_id for row_id, status in states.items() if status in _RETRYABLE]

    def remember_events(self, events: Iterable[KnownEvent]) -> None:
        """Add HubSpot's events, once read, to those the window knows (the event table's are
        read from it when asked: see known_reader)."""
        self.known_events = merged(self.known_events, events)

    def upsert(
        self,
        rows: list[EventRow],
        document: TableDocument | None = None,
        action: PlannedAction | None = None,
    ) -> None:
        """Send ``rows`` of ``document`` (by default the table shown): upserted, recorded as
        attendees, or the ``action`` planned for them (cancel, complete, delete)."""
        if self.busy or not rows:
            return
        from hubevents_gui.core.recorder import RunRecorder
        from hubevents_gui.hubspot.attendance import ATTENDANCE
        from hubevents_gui.hubspot.batching import compose_batches
        from hubevents_gui.hubspot.engine import UpsertEngine
        from hubevents_gui.hubspot.token_check import TokenFormatError, clean_token
        from hubevents_gui.hubspot.wire import inputs_for

        connection = self.connection
        if not connection.sandbox and not connection.token:
            self.auth_required.emit("Paste a HubSpot token (or choose the sandbox) to upsert.")
            return
        if not connection.sandbox and connection.token:
            try:
                clean_token(connection.token)
            except TokenFormatError as exc:
                self.auth_required.emit(f"The token cannot be used: {exc}.")
                return
        document = document or self.document
        self.run_document = document
        zone = document.zone
        # the rows are locked (read-only) until their outcome arrives, so the job can take its
        # snapshot of them off the GUI thread: nothing can change them meanwhile
        document.mark([r.row_id for r in rows], RowStatus.QUEUED, lock=True)
        settings = connection.engine_settings()
        token, transport = connection.wire(self.sandbox_transport)
        cancel = threading.Event()
        abandon = threading.Event()
        self._run_cancel = cancel
        self._run_abandon = abandon
        attendees = document.table.fields is ATTENDEE_FIELDS
        acted = action.action.outcome if action is not None else None
        self._progress = Progress(total=len(rows), attendees=attendees, action=acted)
        self._report = None
        rows = list(rows)
        history = self.history
        table = document.table
        pending = self._pending
        payloads_built = self._payloads_built
        # the run's recorder, once the job has made it (a list: appending is atomic). Outcomes
        # are recorded where they are applied, in the GUI thread's time-boxed slices: the
        # engine's workers doing it as well measured longer GUI pauses (bench_gui, 46-57 ms
        # against 60-67 ms for 10k rows)
        recording: list[RunRecorder] = []
        self._recording = recording
        quota = self.quota
        known_now = self.known_reader() if attendees else list

        def work(_task: Task) -> RunReport:
            plan: AttendancePlan | None = None
            endpoint: Endpoint | None = None
            prior: Snapshot | None = None
            if action is not None:
                # planned (and confirmed) already: rows it cannot act on are not sent, saying why
                pending.extend(action.plan.not_sent)
                going = {row_id for row_id, _ in action.plan.items}
                sent, batches = [r for r in rows if r.row_id in going], action.plan.batches
                endpoint = action.action.endpoint
            elif attendees:
                # the rows' events first: their starts, and rows of unknown ones not sent
                known = known_now()
                plan = _plan_attendees(
                    settings, token, transport, rows, table, zone, known, cancel, quota
                )
                pending.extend(plan.not_sent)
                sent, batches = plan.rows, plan.batches
                endpoint = ATTENDANCE
            else:
                items = list(zip([r.row_id for r in rows], inputs_for(rows, zone), strict=True))
                sent, batches = rows, compose_batches(items, settings.batch_size)
                # HubSpot's copy of the events first, kept with the run: it can be undone
                try:
                    prior = _read_prior(settings, token, transport, items, cancel, quota)
                except _RefusedError as refused:  # the token: said as a refusal during a run is
                    return refused.report
            # the GUI thread moves the payloads out of the collector's sight before they go
            frozen = threading.Event()
            payloads_built.emit(frozen)
            frozen.wait(1.0)
            # recorded before anything is sent: a killed run still shows what was confirmed
            kind = action.action.value if action else "attendance" if attendees else "upsert"
            recorder = RunRecorder(
                history,
                settings.describe(),
                batches,
                table,
                sent,
                kind=kind,
                snapshots=prior.priors() if prior is not None else None,
            )

            recording.append(recorder)  # the GUI thread records outcomes as it applies them

            engine = UpsertEngine(settings, token, transport=transport, quota=quota)
            # a deque, not a signal: emitting Qt signals from the engine's Python threads
            # stalled the GUI thread for up to a second (measured); deque appends are
            # thread-safe and the GUI thread drains it on a 30 ms timer
            report = recorder.finish_after(
                lambda: engine.run(batches, pending.extend, cancel, abandon, endpoint=endpoint),
                engine.close,
            )
            if prior is not None and prior.events:
                report.notes = [prior.cost_line()]
            if plan is not None:
                report.counts.add_outcomes(plan.not_sent)
                if not cancel.is_set():
                    report.notes = _counters(settings, token, transport, plan)
            return report

        task = Task(work)
        task.cancel = cancel
        # no collections during a run: 100k payloads and outcomes are 400k new objects, and each
        # full collection among them, on whichever thread allocated, paused the window for
        # 50-150 ms (bench_attendance). Payloads and outcomes hold no cycles; what the run's
        # requests leave in cycles waits for the end of the run
        collector.pause()
        self._run_paused = True
        task.succeeded.connect(self._on_run_finished)
        task.failed.connect(self._on_run_failed)
        self._run = self._tasks.start(task)
        self.marks.clear()  # the preview is spent: the run's outcomes say what happened now
        self.run_started.emit(len(rows))
        self._flush.start()

    @Slot(object)
    def _on_payloads_built(self, frozen: threading.Event) -> None:
        collector.freeze()
        frozen.set()

    @property
    def run_action(self) -> RowStatus | None:
        """The outcome of a row the run's action went through (RowStatus.DELETED), while the
        run is an action on events; None for upserts and attendees."""
        return self._progress.action if self._progress is not None else None

    def cancel_run(self) -> None:
        """Send nothing new; the requests in flight still get their answers."""
        if self._run_cancel is not None:
            self._run_cancel.set()

    def abandon_run(self) -> None:
        """Stop waiting for the requests in flight too: their rows end "not sent: interrupted,
        may have reached HubSpot"."""
        self.cancel_run()
        if self._run_abandon is not None:
            self._run_abandon.set()

    def _applied_to(self) -> TableDocument:
        """The table the run's outcomes go to: the one it started in."""
        return self.run_document or self.document

    @Slot()
    def _apply_pending(self) -> None:
        """Apply queued outcomes for at most a slice of time, then let the window breathe."""
        if not self._pending:
            self._finish_if_done()
            return
        deadline = time.monotonic() + _APPLY_SLICE
        progress = self._progress
        while self._pending and time.monotonic() < deadline:
            chunk: list[Outcome] = []
            while self._pending and len(chunk) < 500:
                chunk.append(self._pending.popleft())
            self._applied_to().apply_outcomes(chunk)
            if self._recording:
                self._recording[0].record(chunk)
            if progress is not None:
                progress.counts.add_outcomes(chunk)
        now = time.monotonic()
        if progress is not None and (now - self._progress_shown > 0.25 or not self._pending):
            # a progress bar repaints at once when its value changes: a few times a second
            self._progress_shown = now
            self.run_progress.emit(progress)
            self.quota_changed.emit(self.quota.snapshot())
        self._finish_if_done()

    def _finish_if_done(self) -> None:
        if self._report is None or self._pending:
            return
        from hubevents_gui.hubspot.report import StopReason

        report = self._report
        self._report = None
        self._flush.stop()
        collector.freeze()  # the outcomes stay as long as the table: out of the collector's sight
        self._end_run_pause()
        document = self._applied_to()
        document.refilter(now=True)  # rows that came into the filter late come in now
        self._run = None
        self._run_cancel = None
        self._run_abandon = None
        # rows the job never answered for (it failed) must not stay locked
        stuck = list(document.locked)
        stuck_text = "not sent: " + (report.stop_message or "the run stopped")
        if stuck:
            document.apply_outcomes(
                [Outcome(r, RowStatus.NOT_SENT, message=stuck_text) for r in stuck]
            )
        self.run_finished.emit(report)
        self.run_document = None
        self.quota_changed.emit(self.quota.snapshot())
        self.history_changed.emit()
        if report.stopped in (StopReason.UNAUTHORIZED, StopReason.FORBIDDEN):
            scopes = ""
            if report.missing_scopes:
                scopes = "\nMissing scopes: " + ", ".join(report.missing_scopes)
            self.auth_required.emit(f"HubSpot refused the token: {report.stop_message}{scopes}")

    @Slot(object)
    def _on_run_finished(self, report: RunReport) -> None:
        self._report = report
        self._apply_pending()

    @Slot(str)
    def _on_run_failed(self, message: str) -> None:
        from hubevents_gui.hubspot.report import RunReport

        report = RunReport(rows=self._progress.total if self._progress else 0)
        report.stop_message = message
        self._report = report
        self._apply_pending()

    # ------------------------------------------------------------------ results

    def save_results(
        self, path: Path, *, into_source: bool = False, document: TableDocument | None = None
    ) -> Task:
        """Write the table (``document``, by default the one shown) with its outcomes off the
        GUI thread, from a snapshot taken now: a new workbook, or the original workbook with
        result columns added (a backup of it kept first when ``path`` is the workbook itself)."""
        document = document or self.document
        rows = list(document.rows)
        table = replace(
            document.table,
            rows=rows,
            custom_names=list(document.table.custom_names),
            extra_headers=list(document.table.extra_headers),
        )
        states, issues = dict(document.states), dict(document.issues)
        outcomes = dict(document.outcomes)

        def result_of(row: EventRow) -> tuple[str, str, str]:
            return result_cells(
                states.get(row.row_id, RowStatus.NEW),
                issues.get(row.row_id),
                outcomes.get(row.row_id),
                table,
            )

        def work(_task: Task) -> tuple[Path, Path | None]:
            backup = None
            source = table.file
            if into_source and source is not None and same_file(path, source):
                backup = keep_backup(source)  # the workbook as it was, before it is written
            write = add_result_columns if into_source else write_results
            write(table, rows, result_of, path)
            return path, backup

        task = Task(work)
        task.succeeded.connect(
            lambda done: self.results_saved.emit(done[0], into_source, done[1], document)
        )
        task.failed.connect(lambda message: self.results_failed.emit(message, document))
        return self._tasks.start(task)

    # ------------------------------------------------------------------ connection

    def _connect_saved_token(self) -> str | None:
        """Send to HubSpot with the keyring's token, as the last session did; or say why not."""
        from hubevents_gui.hubspot.token_check import TokenFormatError, clean_token

        token = credentials.get_token()
        if not token:
            if not credentials.secure_backend():
                return (
                    "Last time you sent to HubSpot. This computer has no secure keyring, so the "
                    "token was kept only for that session: paste it again to send to HubSpot. "
                    "Until then everything goes to the sandbox."
                )
            return (
                "Last time you sent to HubSpot, but no token is saved in the system keyring "
                "now: paste it again to send to HubSpot. Until then everything goes to the "
                "sandbox."
            )
        try:
            self.connection.token = clean_token(token)
        except TokenFormatError as exc:
            return f"The token saved in the keyring cannot be used: {exc}."
        self.connection.sandbox = False
        return None

    def set_connection(self, connection: Connection, *, save_token: bool) -> str | None:
        """Use a connection; save its token in the keyring when asked and possible. Returns a
        sentence when the token could only be kept for this session."""
        self.connection = connection
        self.quota = Quota()
        self.settings.use_sandbox = connection.sandbox
        self.settings.connection = connection.settings
        note = None
        if save_token and connection.token and not connection.sandbox:
            try:
                credentials.set_token(connection.token)
                connection.session_only = False
            except credentials.KeyringUnavailableError as exc:
                connection.session_only = True
                note = (
                    f"No secure keyring is available on this computer ({exc}); the token is "
                    "kept in memory for this session only."
                )
        self.connection_changed.emit()
        self.read_quota()
        return note

    def clear_token(self) -> None:
        credentials.clear_token()
        self.connection.token = None
        self.connection.sandbox = True
        self.quota = Quota()
        self.settings.use_sandbox = True
        self.connection_changed.emit()
        self.read_quota()

    # ------------------------------------------------------------------ quota

    def read_quota(self, then: Callable[[QuotaSnapshot], None] | None = None) -> None:
        """Read the connection's daily usage off the GUI thread (one request, into a fresh
        quota: a new connection counts anew); ``quota_changed`` says it, then ``then`` gets
        it on the GUI thread. Never fails: what cannot be read is "unknown"."""
        connection = self.connection
        if not connection.sandbox and not connection.token:
            if then is not None:
                then(self.quota.snapshot())
            return
        if then is not None:
            self._quota_waiting.append(then)
        if len(self._quota_waiting) > 1:
            return  # a read is under way: its answer serves every caller
        quota = self.quota
        base_url = connection.engine_settings().base_url
        token, transport = connection.wire(self.sandbox_transport)

        def work(_task: Task) -> tuple[Quota, QuotaSnapshot]:
            return quota, fetch_quota(base_url, token, quota, transport=transport)

        task = Task(work)
        task.succeeded.connect(self._on_quota_read)
        task.failed.connect(self._on_quota_failed)
        self._tasks.start(task)

    @Slot(object)
    def _on_quota_read(self, result: tuple[Quota, QuotaSnapshot]) -> None:
        quota, snapshot = result
        if quota is not self.quota:  # the connection changed meanwhile
            snapshot = self.quota.snapshot()
        self.quota_changed.emit(snapshot)
        waiting, self._quota_waiting = self._quota_waiting, []
        for then in waiting:
            then(snapshot)

    @Slot(str)
    def _on_quota_failed(self, message: str) -> None:
        self.quota.unreadable(message)
        self._on_quota_read((self.quota, self.quota.snapshot()))

    def set_zone(self, zone: ZoneInfo) -> None:
        self.settings.timezone = zone.key
        for document in self.documents:  # the zone is the user's, for both tables
            document.set_zone(zone)


class _RefusedError(Exception):
    """HubSpot refused the token before the run sent anything: the run's report says so."""

    def __init__(self, report: RunReport) -> None:
        super().__init__(report.stop_message)
        self.report = report


def _read_prior(
    settings: ConnectionSettings,
    token: str,
    transport: httpx.BaseTransport | None,
    items: list[tuple[RowId, JsonObject]],
    cancel: threading.Event,
    quota: Quota,
) -> Snapshot:
    """HubSpot's copy of the events an upsert is about to send, read on the run's thread
    before anything goes (TaskError naming the HTTP status: then nothing is sent)."""
    from hubevents_gui.hubspot.reader import HubSpotReader, ReadCancelledError, ReadError
    from hubevents_gui.hubspot.snapshot import read_snapshot

    keys = [(str(b["externalAccountId"]), str(b["externalEventId"])) for _, b in items]
    try:
        # its requests count against the quota the status bar shows, as the run's do
        with HubSpotReader(
            settings, token, transport=transport, cancel=cancel, on_response=quota.observe
        ) as reader:
            return read_snapshot(reader, keys)
    except ReadCancelledError:
        raise TaskError("cancelled before anything was sent") from None
    except ReadError as exc:
        if exc.status in (401, 403):
            from hubevents_gui.hubspot.report import RunReport, StopReason

            report = RunReport(rows=len(items))
            report.stopped = StopReason.UNAUTHORIZED if exc.status == 401 else StopReason.FORBIDDEN
            report.stop_message = f"{exc}; nothing was sent"
            raise _RefusedError(report) from None
        raise TaskError(
            "cannot read HubSpot's copy of the events before the run (kept so that the run "
            f"can be undone): {exc}; nothing was sent"
        ) from None


def _plan_attendees(
    settings: ConnectionSettings,
    token: str,
    transport: httpx.BaseTransport | None,
    rows: list[EventRow],
    table: EventTable,
    zone: ZoneInfo,
    known: list[KnownEvent],
    cancel: threading.Event,
    quota: Quota,
) -> AttendancePlan:
    """An attendee run's plan, read on the run's thread (TaskError naming the HTTP status)."""
    from datetime import UTC, datetime

    from hubevents_gui.hubspot.attendance_run import plan_attendance
    from hubevents_gui.hubspot.reader import HubSpotReader, ReadCancelledError, ReadError

    try:
        # its requests count against the quota the status bar shows, as the run's do
        with HubSpotReader(
            settings, token, transport=transport, cancel=cancel, on_response=quota.observe
        ) as reader:
            return plan_attendance(
                reader, rows, table, zone, datetime.now(UTC), settings.batch_size, known
            )
    except ReadCancelledError:
        raise TaskError("cancelled before anything was sent") from None
    except ReadError as exc:
        raise TaskError(f"cannot read the rows' events from HubSpot: {exc}") from None


def _counters(
    settings: ConnectionSettings,
    token: str,
    transport: httpx.BaseTransport | None,
    plan: AttendancePlan,
) -> list[str]:
    """Each event's participation counters, read back once its rows are sent."""
    from hubevents_gui.hubspot.attendance_run import counter_lines
    from hubevents_gui.hubspot.reader import HubSpotReader

    with HubSpotReader(settings, token, transport=transport) as reader:
        return counter_lines(reader, plan)
