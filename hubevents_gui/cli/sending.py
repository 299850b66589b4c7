"""Sending planned batches from the command line, for every command that writes to HubSpot
(upsert, attendance, events): the progress line, the run history, Ctrl+C (stop, then stop
waiting), and the exit code."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from hubevents_gui.cli.common import EXIT_INPUT, EXIT_OK, EXIT_ROWS, CheckedTable, UsageError
from hubevents_gui.cli.connect import Target
from hubevents_gui.cli.interrupts import EXIT_INTERRUPTED, Interrupts, caught
from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.known_events import EventKey
from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.recorder import RunRecorder
from hubevents_gui.core.results import ResultsError, result_cells, write_results
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Progress
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.batching import Batch
from hubevents_gui.hubspot.endpoints import Endpoint
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.quota import Quota, fetch_quota, shortfall
from hubevents_gui.hubspot.report import RunReport, StopReason
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.snapshot import Prior

#: what a command does once every row has its outcome, still guarded against Ctrl+C (the record
#: of what HubSpot stored must not be lost): the summary, the results file
Finish = Callable[[RunReport, dict[RowId, Outcome]], None]


class ProgressLine:
    """Rows sent, their outcomes, rate and ETA on one line of a terminal."""

    def __init__(
        self,
        err: TextIO,
        total: int,
        enabled: bool,
        *,
        attendees: bool,
        action: RowStatus | None = None,
    ) -> None:
        self.err = err
        self.enabled = enabled
        self.progress = Progress(total, attendees=attendees, action=action)
        self.shown = 0.0
        self.lock = threading.Lock()

    def add(self, outcomes: list[Outcome]) -> None:
        with self.lock:
            self.progress.counts.add_outcomes(outcomes)
            now = time.monotonic()
            finished = self.progress.done >= self.progress.total
            if self.enabled and (now - self.shown > 0.2 or finished):
                self.shown = now
                self.err.write("\r" + self.line() + "\033[K")
                self.err.flush()

    def line(self) -> str:
        p, c = self.progress, self.progress.counts
        return (
            f"{p.done}/{p.total} rows: {c.text(attendees=p.attendees, action=p.action)}, "
            f"{c.not_sent} not sent; "
            f"{p.rate:.0f} rows/s, ETA {p.eta or 0:.0f} s"
        )

    def finish(self) -> None:
        if self.enabled:
            self.err.write("\n")


def room_for(
    batches: Sequence[Batch],
    target: Target,
    settings: ConnectionSettings,
    quota: Quota,
    err: TextIO,
) -> bool:
    """Whether the day has room for ``batches``: one request before any row goes, and a run
    the day has no room for is not started (said on ``err``)."""
    if not batches:
        return True
    snapshot = fetch_quota(settings.base_url, target.token, quota, transport=target.transport)
    problem = shortfall(len(batches), snapshot)
    if problem:
        err.write(f"hubevents: {problem}; nothing was sent\n")
    return not problem


def send(
    target: Target,
    settings: ConnectionSettings,
    batches: Sequence[Batch],
    table: EventTable,
    rows: Sequence[EventRow],
    err: TextIO,
    finish: Finish,
    *,
    endpoint: Endpoint | None = None,
    quota: Quota | None = None,
    preset: Sequence[Outcome] = (),
    action: RowStatus | None = None,
    snapshots: Mapping[EventKey, Prior] | None = None,
    recorder: RunRecorder | None = None,
    kind: str = "",
) -> int:
    """Send ``batches`` (the inputs of ``rows``), recorded in the run history, and return the
    exit code (0 only when every row of ``table`` went). ``preset``: outcomes known without
    sending (rows left alone), counted in the report; ``finish`` runs once every row has its
    outcome; ``action``: the outcome of a row an action on events went through, which the
    progress line counts. ``snapshots``: HubSpot's copy of the events before the run, kept with
    it (see hubspot.snapshot). ``recorder``: a run the caller recorded and finishes itself (an
    undo, whose deletions are part of the same run). ``kind``: the run's kind in the history
    (an action's name, as the window records it; by default "upsert" or "attendance")."""
    attendees = endpoint is not None and endpoint.attendees
    outcomes: dict[RowId, Outcome] = {o.row_id: o for o in preset}
    total = sum(len(batch) for batch in batches)
    progress = ProgressLine(err, total, enabled=err.isatty(), attendees=attendees, action=action)
    # every run is recorded, as the app records its own (see the app's Run history panel)
    own = recorder is None
    if recorder is None:
        kind = kind or ("attendance" if attendees else "upsert")
        history = RunHistory(data_dir() / "history.sqlite")
        recorder = RunRecorder(
            history, settings.describe(), batches, table, rows, kind=kind, snapshots=snapshots
        )
    run = recorder

    def collect(batch: list[Outcome]) -> None:
        # called from the engine's worker threads: dict stores are atomic, the rest locks
        for outcome in batch:
            outcomes[outcome.row_id] = outcome
        progress.add(batch)
        run.record(batch)

    engine = UpsertEngine(settings, target.token, transport=target.transport, quota=quota)

    def stopping() -> None:
        progress.finish()
        if finished.is_set():  # the run is over: what is left is writing down what happened
            err.write("hubevents: finishing: writing the results and the history first\n")
        else:
            err.write(
                "hubevents: stopping: nothing new is sent; waiting for the requests in flight "
                "(press Ctrl+C again to stop waiting)\n"
            )
        err.flush()

    def abandoning() -> None:
        if finished.is_set():
            return  # nothing is in flight any more: the results are still written
        err.write(
            "hubevents: stopped waiting: the rows in flight are marked 'not sent' and may have "
            "reached HubSpot; run again to confirm\n"
        )
        err.flush()

    finished = threading.Event()
    interrupts = Interrupts(stopping, abandoning)
    # the handlers stay until the results are written: a Ctrl+C after the last answer must not
    # lose the record of what HubSpot stored
    with caught(interrupts):
        try:
            report = engine.run(
                batches, collect, interrupts.cancel, interrupts.abandon, endpoint=endpoint
            )
            finished.set()
            if own:
                run.finish(report.counts, report.requests, report.stopped_text)
            report.counts.add_outcomes(preset)
        finally:
            engine.close()
            if own:
                run.history.close()
            progress.finish()
        finish(report, outcomes)
    if interrupts.interrupted:
        err.write("hubevents: interrupted\n")
        return EXIT_INTERRUPTED
    if report.stopped in (StopReason.UNAUTHORIZED, StopReason.FORBIDDEN):
        scopes = f" (missing: {', '.join(report.missing_scopes)})" if report.missing_scopes else ""
        err.write(f"hubevents: stopped: {report.stopped_text}{scopes}: {report.stop_message}\n")
        return EXIT_INPUT
    if report.stopped is StopReason.DAILY_LIMIT:
        err.write("hubevents: stopped: HubSpot's daily limit is reached; run again tomorrow\n")
    return EXIT_OK if report.counts.stored == len(table.rows) else EXIT_ROWS


#: rows failed or not sent that are named one by one on the terminal (the rest are counted)
ROWS_TOLD = 50


def tell_failed_rows(
    table: EventTable,
    outcomes: dict[RowId, Outcome],
    err: TextIO,
    where: Callable[[EventRow], str],
) -> None:
    """A line for each row that failed or was not sent (``where`` names it), up to ROWS_TOLD."""
    told = 0
    for row in table.rows:
        outcome = outcomes.get(row.row_id)
        if outcome is None or outcome.status not in (RowStatus.FAILED, RowStatus.NOT_SENT):
            continue
        told += 1
        if told > ROWS_TOLD:
            continue
        said = outcome.summary
        # the summary may already begin with its status ("not sent: the run was cancelled")
        if not said.startswith(outcome.status.value):
            said = f"{outcome.status.value}: {said}"
        err.write(f"{where(row)}: {said}\n")
    if told > ROWS_TOLD:
        err.write(
            f"... and {plural(told - ROWS_TOLD, 'more row')} failed or not sent "
            "(--results writes every row with its outcome)\n"
        )


def write_results_file(
    checked: CheckedTable, outcomes: dict[RowId, Outcome], path: Path, err: TextIO
) -> None:
    """--results: every row of the file with its original columns and its outcome."""

    def result_of(row: EventRow) -> tuple[str, str, str]:
        outcome = outcomes.get(row.row_id)
        status = outcome.status if outcome is not None else RowStatus.NOT_SENT
        return result_cells(status, checked.issues.get(row.row_id), outcome, checked.table)

    table = checked.table
    try:
        write_results(table, table.rows, result_of, path)
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    err.write(f"results written to {path}\n")
