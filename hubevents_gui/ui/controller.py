"""The controller: imports and upserts off the GUI thread, outcomes applied to the model.

Jobs get plain data (a path, a snapshot of rows) and hand back plain data (a table, outcomes,
a report) through queued signals; they never touch widgets, indexes or the live row list.
Outcomes arrive in bursts of thousands per second and are applied in time-boxed slices so the
window stays responsive.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from hubevents_gui import credentials
from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.core.sheets import (
    RawSheet,
    SheetError,
    Target,
    build_table,
    guess_mapping,
    mapping_problems,
    open_sheet,
    sheet_names,
)
from hubevents_gui.core.threads import lower_priority
from hubevents_gui.core.validation import Issue, validate_rows

if TYPE_CHECKING:  # httpx and the engine load when the first upsert starts, not at start-up
    from hubevents_gui.hubspot.client import ConnectionSettings, RunReport
    from hubevents_gui.hubspot.sandbox import Sandbox
from hubevents_gui.ui.event_model import EventTableModel
from hubevents_gui.ui.settings import AppSettings

SANDBOX_URL = "https://sandbox.hubevents.invalid"
#: longest the GUI thread spends applying outcomes before it lets the window paint
_APPLY_SLICE = 0.012


class _Task(QObject):
    """Runs one function on its own QThread; the result comes back by queued signal."""

    succeeded = Signal(object)
    failed = Signal(str)
    progressed = Signal(int)

    def __init__(self, work: Callable[[_Task], Any]) -> None:
        super().__init__()
        self._work = work
        self.cancel = threading.Event()
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("hubeventsTask")
        self.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self._run)

    @Slot()
    def _run(self) -> None:
        lower_priority()
        try:
            result = self._work(self)
        except SheetError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # shown to the user as one sentence, logged in full
            import logging

            logging.getLogger("hubevents").exception("background task failed")
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)
        finally:
            self.worker_thread.quit()

    def start(self) -> None:
        self.worker_thread.start()


@dataclass
class Connection:
    """Where upserts go; the token is held here in memory only."""

    sandbox: bool = True
    base_url: str = ""
    api_version: str = "v3"
    batch_size: int = 100
    concurrency: int = 4
    token: str | None = field(default=None, repr=False)
    #: the token is only in memory (no secure keyring, or not saved)
    session_only: bool = False

    def settings(self) -> ConnectionSettings:
        from hubevents_gui.hubspot.client import ConnectionSettings

        return ConnectionSettings(
            base_url=SANDBOX_URL if self.sandbox else self.base_url,
            api_version=self.api_version,
            batch_size=self.batch_size,
            concurrency=self.concurrency,
        )


@dataclass
class RunProgress:
    total: int
    created: int = 0
    updated: int = 0
    failed: int = 0
    not_sent: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.created + self.updated + self.failed + self.not_sent

    @property
    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-6)

    @property
    def eta(self) -> float | None:
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 and self.done else None


class Controller(QObject):
    import_started = Signal(str)
    import_progress = Signal(int)
    import_finished = Signal()
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

    def __init__(self, settings: AppSettings, model: EventTableModel, *, sandbox: bool) -> None:
        super().__init__()
        self.settings = settings
        self.model = model
        self.connection = Connection(
            sandbox=True,
            base_url=settings.base_url,
            api_version=settings.api_version,
            batch_size=settings.batch_size,
            concurrency=settings.concurrency,
        )
        if not sandbox and not settings.use_sandbox:
            token = credentials.get_token()
            if token:
                self.connection.sandbox = False
                self.connection.token = token
        self._sandbox: Sandbox | None = None
        self._tasks: set[_Task] = set()
        self._import: _Task | None = None
        self._run: _Task | None = None
        self._run_cancel: threading.Event | None = None
        self._pending: deque[Outcome] = deque()
        self._progress: RunProgress | None = None
        self._progress_shown = 0.0
        self._report: RunReport | None = None
        self._flush = QTimer(self)
        self._flush.setInterval(30)
        self._flush.timeout.connect(self._apply_pending)
        self.file: Path | None = None
        self._history: RunHistory | None = None
        self._run_record: dict[str, str] = {}

    def warm_up(self) -> None:
        """Load the engine's modules (httpx and friends) on a background thread, so the first
        upsert does not pay for their import on the GUI thread."""

        def load() -> None:
            import hubevents_gui.hubspot.client
            import hubevents_gui.hubspot.sandbox  # noqa: F401

        threading.Thread(target=load, name="hubevents-warm-up", daemon=True).start()

    @property
    def history(self) -> RunHistory:
        """Every run, in SQLite in the app's data folder (opened on first use)."""
        if self._history is None:
            self._history = RunHistory(data_dir() / "history.sqlite")
        return self._history

    @property
    def sandbox(self) -> Sandbox:
        """One simulator per session, so a second upsert of the same rows shows "updated"."""
        if self._sandbox is None:
            from hubevents_gui.hubspot.sandbox import Faults, Sandbox, SandboxConfig

            # a little latency, so a new user sees rows go from sending to created
            self._sandbox = Sandbox(SandboxConfig(faults=Faults(latency=(0.15, 0.35), seed=1)))
        return self._sandbox

    @sandbox.setter
    def sandbox(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    # ------------------------------------------------------------------ tasks

    def _start(self, task: _Task) -> _Task:
        # a strong reference until the thread has finished, then let it go
        self._tasks.add(task)
        task.worker_thread.finished.connect(lambda: self._tasks.discard(task))
        task.start()
        return task

    @property
    def busy(self) -> bool:
        return self._import is not None or self._run is not None

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel what runs and wait for it (on window close)."""
        for task in list(self._tasks):
            task.cancel.set()
        if self._run_cancel is not None:
            self._run_cancel.set()
        for task in list(self._tasks):
            task.worker_thread.quit()
            task.worker_thread.wait(timeout_ms)
        self._apply_pending()  # outcomes that arrived while stopping are kept, and recorded
        if self._history is not None:
            self._history.close()
            self._history = None

    # ------------------------------------------------------------------ import

    def open_file(self, path: Path, sheet: str | None = None) -> None:
        """Read a spreadsheet off the GUI thread; may ask for a sheet or a column mapping."""
        if self.busy:
            return
        path = Path(path)
        self.import_started.emit(path.name)

        def work(task: _Task) -> Any:
            if sheet is None:
                names = sheet_names(path)
                if len(names) > 1:
                    candidates = []
                    for name in names:
                        try:
                            found = open_sheet(path, name)
                        except SheetError:
                            continue
                        if guess_mapping(found.headers).count(None) < len(found.headers):
                            candidates.append(name)
                    if len(candidates) > 1:
                        return ("sheets", candidates)
                    if candidates:
                        return ("raw", open_sheet(path, candidates[0]))
            return ("raw", open_sheet(path, sheet))

        task = _Task(work)
        task.succeeded.connect(self._on_opened)
        task.failed.connect(self._on_import_failed)
        self._import = self._start(task)
        self.file = path

    @Slot(object)
    def _on_opened(self, result: tuple[str, Any]) -> None:
        self._import = None
        kind, value = result
        if kind == "sheets":
            self.import_finished.emit()
            assert self.file is not None
            self.sheet_needed.emit(self.file, value)
            return
        raw: RawSheet = value
        remembered = self.settings.mapping_for(raw.headers)
        guess = remembered or guess_mapping(raw.headers)
        if remembered is None and (None in guess or mapping_problems(raw, guess)):
            self.mapping_needed.emit(raw, guess)
            return
        self.build(raw, guess)

    def build(self, raw: RawSheet, mapping: list[Target]) -> None:
        """Parse every row with ``mapping`` (confirmed or guessed), off the GUI thread."""
        zone = self.model.zone
        day_first = self.settings.day_first
        row_ids = self.model.row_ids

        def work(task: _Task) -> tuple[EventTable, dict[RowId, list[Issue]], dict[RowId, EventRow]]:
            def progress(count: int) -> bool:
                task.progressed.emit(count)
                return not task.cancel.is_set()

            table = build_table(
                raw, mapping, day_first=day_first, row_ids=row_ids, progress=progress
            )
            issues = validate_rows(table.rows, zone)
            # the table lives as long as the window shows it: move it out of the collector's
            # sight, or each full collection walks its million objects holding the GIL and the
            # window freezes for a quarter of a second (rows hold no cycles: reference counting
            # still frees them when another table replaces them)
            index = {row.row_id: row for row in table.rows}
            gc.freeze()
            return table, issues, index

        self.settings.remember_mapping(raw.headers, mapping)
        task = _Task(work)
        task.progressed.connect(self.import_progress)
        task.succeeded.connect(self._on_built)
        task.failed.connect(self._on_import_failed)
        self._import = self._start(task)

    def cancel_import(self) -> None:
        if self._import is not None:
            self._import.cancel.set()

    @Slot(object)
    def _on_built(
        self, result: tuple[EventTable, dict[RowId, list[Issue]], dict[RowId, EventRow]]
    ) -> None:
        self._import = None
        table, issues, index = result
        self.model.day_first = self.settings.day_first
        self.model.replace_table(table, issues, index)
        if table.file is not None:
            self.file = table.file
            self.settings.add_recent(table.file)
        self.import_finished.emit()

    @Slot(str)
    def _on_import_failed(self, message: str) -> None:
        self._import = None
        self.import_failed.emit(message)

    # ------------------------------------------------------------------ upsert

    def sendable(self, row_ids: list[RowId] | None = None) -> tuple[list[EventRow], int]:
        """(valid rows to send, invalid rows skipped) among ``row_ids`` (default: all)."""
        model = self.model
        rows = model.all_rows if row_ids is None else [r for i in row_ids if (r := model.row(i))]
        valid = [r for r in rows if r.row_id not in model.issues and r.row_id not in model.locked]
        return valid, sum(1 for r in rows if r.row_id in model.issues)

    def retryable(self) -> list[RowId]:
        """Rows that failed or were not sent (edited since or not)."""
        model = self.model
        wanted = {RowStatus.FAILED, RowStatus.NOT_SENT, RowStatus.EDITED}
        # only rows that were ever sent have a state: no walk over every row of a big table
        return [row_id for row_id, status in model.states.items() if status in wanted]

    def upsert(self, rows: list[EventRow]) -> None:
        if self.busy or not rows:
            return
        from hubevents_gui.hubspot.client import UpsertEngine, start_recorded_run
        from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN, SandboxTransport
        from hubevents_gui.hubspot.wire import inputs_for

        connection = self.connection
        if not connection.sandbox and not connection.token:
            self.auth_required.emit("Paste a HubSpot token (or choose the sandbox) to upsert.")
            return
        model = self.model
        zone = model.zone
        # the rows are locked (read-only) until their outcome arrives, so the job can take its
        # snapshot of them off the GUI thread: nothing can change them meanwhile
        model.mark([r.row_id for r in rows], RowStatus.QUEUED, lock=True)
        settings = connection.settings()
        transport = SandboxTransport(self.sandbox) if connection.sandbox else None
        token = DEFAULT_TOKEN if connection.sandbox else connection.token
        assert token is not None
        cancel = threading.Event()
        self._run_cancel = cancel
        self._progress = RunProgress(total=len(rows))
        self._report = None
        rows = list(rows)

        history = self.history
        table = model.table
        where = (
            "sandbox" if connection.sandbox else f"{connection.base_url} ({connection.api_version})"
        )
        run: dict[str, str] = {}
        self._run_record = run

        def work(task: _Task) -> RunReport:
            items = list(zip([r.row_id for r in rows], inputs_for(rows, zone), strict=True))
            # as after an import: keep the collector from walking these (acyclic) payloads
            # with the GIL held while the window waits to paint
            gc.freeze()
            # recorded before anything is sent: a killed run still shows what was confirmed
            run["id"] = start_recorded_run(history, where, table, items, settings.batch_size)
            engine = UpsertEngine(settings, token, transport=transport)
            try:
                # a deque, not a signal: emitting Qt signals from the engine's Python threads
                # stalled the GUI thread for up to a second (measured); deque appends are
                # thread-safe and the GUI thread drains it on a 30 ms timer
                return engine.run(items, pending.extend, cancel)
            finally:
                engine.close()

        pending = self._pending
        task = _Task(work)
        task.cancel = cancel
        task.succeeded.connect(self._on_run_finished)
        task.failed.connect(self._on_run_failed)
        self._run = self._start(task)
        self.run_started.emit(len(rows))
        self._flush.start()

    def cancel_run(self) -> None:
        if self._run_cancel is not None:
            self._run_cancel.set()

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
            self.model.apply_outcomes(chunk)
            run_id = self._run_record.get("id")
            if run_id:
                self.history.record_outcomes(run_id, chunk)
            if progress is not None:
                for outcome in chunk:
                    status = outcome.status
                    if status is RowStatus.CREATED:
                        progress.created += 1
                    elif status is RowStatus.UPDATED:
                        progress.updated += 1
                    elif status is RowStatus.FAILED:
                        progress.failed += 1
                    else:
                        progress.not_sent += 1
        now = time.monotonic()
        if progress is not None and (now - self._progress_shown > 0.25 or not self._pending):
            # a progress bar repaints at once when its value changes: a few times a second
            self._progress_shown = now
            self.run_progress.emit(progress)
        self._finish_if_done()

    def _finish_if_done(self) -> None:
        if self._report is None or self._pending:
            return
        from hubevents_gui.hubspot.client import StopReason, finish_recorded_run

        report = self._report
        self._report = None
        self._flush.stop()
        self._run = None
        self._run_cancel = None
        # rows the job never answered for (it failed) must not stay locked
        stuck = [r for r in self.model.locked]
        if stuck:
            self.model.apply_outcomes(
                [Outcome(r, RowStatus.NOT_SENT, message="not sent: the run stopped") for r in stuck]
            )
        run_id = self._run_record.get("id")
        if run_id:
            finish_recorded_run(self.history, run_id, report)
        self.run_finished.emit(report)
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
        from hubevents_gui.hubspot.client import RunReport

        report = RunReport(rows=self._progress.total if self._progress else 0)
        report.stop_message = message
        self._report = report
        self._apply_pending()

    # ------------------------------------------------------------------ connection

    def set_connection(self, connection: Connection, *, save_token: bool) -> str | None:
        """Use a connection; save its token in the keyring when asked and possible. Returns a
        sentence when the token could only be kept for this session."""
        self.connection = connection
        settings = self.settings
        settings.use_sandbox = connection.sandbox
        settings.base_url = connection.base_url
        settings.api_version = connection.api_version
        settings.batch_size = connection.batch_size
        settings.concurrency = connection.concurrency
        note = None
        if save_token and connection.token and not connection.sandbox:
            try:
                credentials.set_token(connection.token)
                connection.session_only = False
            except Exception as exc:
                connection.session_only = True
                note = (
                    "No secure keyring is available on this computer "
                    f"({type(exc).__name__}); the token is kept in memory for this session only."
                )
        self.connection_changed.emit()
        return note

    def clear_token(self) -> None:
        credentials.clear_token()
        self.connection.token = None
        self.connection.sandbox = True
        self.settings.use_sandbox = True
        self.connection_changed.emit()

    def set_zone(self, zone: ZoneInfo) -> None:
        self.settings.timezone = zone.key
        self.model.set_zone(zone)
