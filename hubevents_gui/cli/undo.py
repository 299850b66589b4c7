"""``hubevents undo RUN_ID``: take an upsert run back, after saying exactly what will happen.

The events the run created are deleted, those it changed get their prior values back (an upsert
through the one engine, cli.sending), those changed in HubSpot since are left alone and named
(see hubspot.undo). The undo is a run of the history itself, pointing at the run it undid.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from hubevents_gui.cli.common import EXIT_OK, UsageError
from hubevents_gui.cli.connect import Target, connect, connection_settings
from hubevents_gui.cli.history import history_file
from hubevents_gui.cli.interrupts import EXIT_INTERRUPTED
from hubevents_gui.cli.sending import send
from hubevents_gui.core.recorder import RunRecorder
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Tally
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.batching import compose_batches
from hubevents_gui.hubspot.event_actions import DELETE, delete_input
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.snapshot import read_snapshot
from hubevents_gui.hubspot.undo import (
    UndoPlan,
    UndoRefusedError,
    plan_undo,
    stored_rows,
)
from hubevents_gui.hubspot.wire import JsonObject

#: events named one by one in the preview (the rest are counted)
NAMED = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_id", metavar="RUN_ID", help="the run to undo (hubevents history)")
    parser.add_argument("--yes", action="store_true", help="undo without asking")
    parser.add_argument(
        "--dry-run", action="store_true", help="print what the undo would do; change nothing"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    history = history_file()
    try:
        summary, rows = stored_rows(history, args.run_id)
    except UndoRefusedError as exc:
        raise UsageError(f"cannot undo: {exc}") from None
    settings = connection_settings(args)
    if summary.connection != settings.describe():
        raise UsageError(
            f"run {summary.id} was sent to {summary.connection}, not {settings.describe()}: "
            "give the same connection options"
        )
    target = connect(args, settings)
    try:
        with HubSpotReader(target.settings, target.token, transport=target.transport) as reader:
            now = read_snapshot(reader, list(rows))
            app_id = reader.app_id()
    except ReadError as exc:
        raise UsageError(f"cannot read HubSpot's events to plan the undo: {exc}") from None
    plan = plan_undo(summary, rows, history.snapshots(summary.id), now.events)
    tell_plan(plan, now.requests, out)
    if args.dry_run or not (plan.deletions or plan.restores):
        return EXIT_OK
    if plan.deletions and (app_id is None or not app_id.isdigit()):
        # half an undo would mark the run undone and keep its created events for good
        raise UsageError(
            "HubSpot does not say which app the token belongs to, so the events the run "
            f"created cannot be deleted ({plural(len(plan.deletions), 'event')}): nothing was "
            "changed"
        )
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("the undo changes HubSpot: pass --yes to go ahead without a terminal")
        err.write("Undo this run? [y/N] ")
        err.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            err.write("hubevents: nothing was changed\n")
            return EXIT_OK
    return _undo(plan, target, settings, app_id, err)


def tell_plan(plan: UndoPlan, requests: int, out: TextIO) -> None:
    """ "3 deleted, 2 put back, 1 left alone because changed in HubSpot since", naming a few."""
    run = plan.run
    out.write(
        f"Undo of run {run.id} ({run.file}, {run.connection}), read in "
        f"{plural(requests, 'request')}:\n"
    )
    out.write(
        f"{plural(len(plan.deletions), 'event')} the run created will be deleted, "
        f"{len(plan.restores)} it changed put back, {len(plan.changed)} left alone because "
        f"changed in HubSpot since, {len(plan.gone)} no longer in HubSpot, "
        f"{plan.unchanged} unchanged by the run\n"
    )
    named = [
        *(("delete", key, "") for key in plan.deletions),
        *(("put back", key, "") for key, _ in plan.restores),
    ]
    for what, (account, event), _ in named[:NAMED]:
        out.write(f"  {what}: {account} / {event}\n")
    if len(named) > NAMED:
        out.write(f"  ... and {plural(len(named) - NAMED, 'more event')}\n")
    for (account, event), fields in list(plan.changed.items())[:NAMED]:
        out.write(
            f"  left alone: {account} / {event}: changed since the run ({', '.join(fields)})\n"
        )
    for account, event in plan.gone[:NAMED]:
        out.write(f"  left alone: {account} / {event}: HubSpot no longer holds it\n")
    for (account, event), fields in plan.uncleared.items():
        out.write(
            f"  note: {account} / {event}: {', '.join(fields)} was empty before the run; an "
            "upsert cannot clear it, so it keeps the run's value\n"
        )


def _undo(
    plan: UndoPlan,
    target: Target,
    settings: ConnectionSettings,
    app_id: str | None,
    err: TextIO,
) -> int:
    """The restores through the one engine, then the deletions through it too (Ctrl+C,
    progress and the history as for any run): one run of the history."""
    restores = [(RowId(n), body) for n, (_, body) in enumerate(plan.restores, 1)]
    first = len(restores) + 1
    deletions = [
        (RowId(n), delete_input(key, int(app_id or 0)))
        for n, key in enumerate(plan.deletions, first)
    ]

    def table_of(items: list[tuple[RowId, JsonObject]]) -> EventTable:
        return EventTable(
            Path(plan.run.file), plan.run.sheet, [EventRow(r, None) for r, _ in items]
        )

    batches = compose_batches(restores, settings.batch_size)
    size = settings.batch_size
    removals = [deletions[i : i + size] for i in range(0, len(deletions), size)]
    history = history_file()
    whole = table_of([*restores, *deletions])
    recorder = RunRecorder(
        history,
        settings.describe(),
        [*batches, *removals],
        whole,
        whole.rows,
        kind="undo",
        undoes=plan.run.id,
    )
    tally, code, requests, stopped = Tally(), EXIT_OK, 0, ""

    def finish(report: RunReport, outcomes: dict[RowId, Outcome]) -> None:
        nonlocal requests, stopped
        requests += report.requests
        stopped = stopped or report.stopped_text
        tally.add_outcomes(outcomes.values())

    try:
        if restores:
            put_back = table_of(restores)
            code = send(
                target, settings, batches, put_back, put_back.rows, err, finish, recorder=recorder
            )
        if deletions and code != EXIT_INTERRUPTED:  # Ctrl+C: nothing more is started
            gone = table_of(deletions)
            deleted = send(
                target, settings, removals, gone, gone.rows, err, finish,
                endpoint=DELETE, recorder=recorder, action=RowStatus.DELETED,
            )  # fmt: skip
            code = max(code, deleted)
            err.write(f"hubevents: {plural(tally.deleted, 'event')} deleted of {len(deletions)}\n")
        recorder.finish(tally, requests, stopped)
    finally:
        history.close()
    err.write(
        f"hubevents: {len(plan.restores)} to put back: {tally.updated} put back, "
        f"{tally.failed} failed\n"
    )
    return code
