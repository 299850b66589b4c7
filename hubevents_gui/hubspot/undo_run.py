"""Taking a run back, for ``hubevents undo`` and the window's Undo This Run alike: the run's
record and HubSpot's copy now read into a plan (hubspot.undo), the plan made into one run of
the history (the restores, an upsert of the prior values, then the deletions), and that run
sent through the one engine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.recorder import RunRecorder
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.batching import Batch, compose_batches
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.event_actions import DELETE, delete_input
from hubevents_gui.hubspot.reader import HubSpotReader
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.snapshot import read_snapshot
from hubevents_gui.hubspot.undo import UndoPlan, UndoRefusedError, plan_undo, stored_rows

#: what the rows of deletions an undo never started say (it was stopped while putting back)
NOT_STARTED = "not sent: the undo was stopped before the deletions began"


class OtherConnectionError(UndoRefusedError):
    """The run went to another connection than the one the undo would act on."""

    def __init__(self, run_id: str, sent_to: str, here: str) -> None:
        super().__init__(f"run {run_id} was sent to {sent_to}, not {here}")
        self.sent_to = sent_to


@dataclass
class PlannedUndo:
    """An undo read and planned, waiting for the user's yes."""

    plan: UndoPlan
    #: the app the token belongs to (the deletions need it); None when HubSpot does not say
    app_id: str | None
    #: the requests reading HubSpot's copy cost
    requests: int
    #: "portal 12345678", from the token check ("" when HubSpot does not say)
    portal: str = ""


def read_undo(
    history: RunHistory,
    run_id: str,
    reader: HubSpotReader,
    progress: Callable[[str], None] = lambda _text: None,
) -> PlannedUndo:
    """The run's record and HubSpot's copy of its events now, planned (see hubspot.undo).
    Raises UndoRefusedError (OtherConnectionError when ``reader`` connects elsewhere) before
    any request, ReadError / ReadCancelledError from the reads."""
    summary, rows = stored_rows(history, run_id)
    here = reader.settings.describe()
    if summary.connection != here:
        raise OtherConnectionError(summary.id, summary.connection, here)
    now = read_snapshot(reader, list(rows), progress)
    token = reader.token_info()
    app = token.get("appId")
    portal = f"portal {token['hubId']}" if token.get("hubId") is not None else ""
    plan = plan_undo(summary, rows, history.snapshots(summary.id), now.events)
    return PlannedUndo(plan, None if app is None else str(app), reader.requests, portal)


@dataclass
class UndoJob:
    """An undo as one run of the history: the restores (an upsert), then the deletions."""

    plan: UndoPlan
    restores: list[Batch]
    removals: list[Batch]
    #: the rows of each part and of the whole run (one row per event, numbered from 1)
    put_back: EventTable
    gone: EventTable
    whole: EventTable = field(init=False)

    def __post_init__(self) -> None:
        self.whole = EventTable(
            self.put_back.file, self.put_back.sheet, [*self.put_back.rows, *self.gone.rows]
        )

    def recorder(self, history: RunHistory, connection: str) -> RunRecorder:
        """The undo recorded as a run (before anything is sent), naming the run it undoes."""
        whole = self.whole
        return RunRecorder(
            history,
            connection,
            [*self.restores, *self.removals],
            whole,
            whole.rows,
            kind="undo",
            undoes=self.plan.run.id,
        )

    def not_started(self) -> list[Outcome]:
        """The deletions' outcomes when the undo stopped before they began."""
        return [Outcome(r.row_id, RowStatus.NOT_SENT, message=NOT_STARTED) for r in self.gone.rows]


def undo_job(planned: PlannedUndo, batch_size: int) -> UndoJob:
    """The batches of ``planned``; UndoRefusedError when it has events to delete and HubSpot
    does not say which app the token belongs to (half an undo would mark the run undone and
    keep its created events for good)."""
    plan, app_id = planned.plan, planned.app_id
    if plan.deletions and (app_id is None or not app_id.isdigit()):
        raise UndoRefusedError(
            "HubSpot does not say which app the token belongs to, so the events the run "
            f"created cannot be deleted ({plural(len(plan.deletions), 'event')}): nothing was "
            "changed"
        )
    restores = [(RowId(n), body) for n, (_, body) in enumerate(plan.restores, 1)]
    first = len(restores) + 1
    deletions = [
        (RowId(n), delete_input(key, int(app_id or 0)))
        for n, key in enumerate(plan.deletions, first)
    ]
    size = max(1, batch_size)
    run = plan.run

    def table_of(items: list[tuple[RowId, object]]) -> EventTable:
        return EventTable(Path(run.file), run.sheet, [EventRow(r, None) for r, _ in items])

    return UndoJob(
        plan,
        compose_batches(restores, size),
        [deletions[i : i + size] for i in range(0, len(deletions), size)],
        table_of(list(restores)),
        table_of(list(deletions)),
    )


def run_undo(
    job: UndoJob,
    engine: UpsertEngine,
    on_outcomes: Callable[[list[Outcome]], None],
    cancel: threading.Event,
    abandon: threading.Event,
) -> RunReport:
    """Send ``job`` (the window's undo; the command line sends each part through cli.sending
    for its Ctrl+C): the restores, then, unless cancelled, the deletions. One report for both;
    every row gets one outcome."""
    report = RunReport(rows=len(job.whole.rows))
    parts = [(job.restores, None), (job.removals, DELETE)]
    for batches, endpoint in parts:
        if not batches:
            continue
        if cancel.is_set():
            if endpoint is DELETE:
                skipped = job.not_started()
                on_outcomes(skipped)
                report.counts.add_outcomes(skipped)
            continue
        part = engine.run(batches, on_outcomes, cancel, abandon, endpoint=endpoint)
        _merge(report, part)
    return report


def _merge(report: RunReport, part: RunReport) -> None:
    """``part``'s counts, requests and stop into ``report``."""
    report.counts.merge(part.counts)
    report.requests += part.requests
    report.retries += part.retries
    report.rate_limited += part.rate_limited
    report.started = report.started or part.started
    report.finished = part.finished
    if part.stopped is not None and report.stopped is None:
        report.stopped, report.stop_message = part.stopped, part.stop_message
        report.missing_scopes = part.missing_scopes
