"""``hubevents undo RUN_ID``: take an upsert run back, after saying exactly what will happen.

The events the run created are deleted, those it changed get their prior values back (an upsert
through the one engine, cli.sending), those changed in HubSpot since are left alone and named
(see hubspot.undo). The undo is a run of the history itself, pointing at the run it undid.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from hubevents_gui.cli.common import EXIT_OK, EXIT_ROWS, UsageError
from hubevents_gui.cli.connect import Target, connect, connection_settings
from hubevents_gui.cli.history import history_file
from hubevents_gui.cli.sending import send
from hubevents_gui.core.recorder import RunRecorder
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Tally
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.batching import compose_batches
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.event_actions import DELETE, delete_input
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.snapshot import read_snapshot
from hubevents_gui.hubspot.undo import (
    Delete,
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
    delete = deleter(target, settings)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("the undo changes HubSpot: pass --yes to go ahead without a terminal")
        err.write("Undo this run? [y/N] ")
        err.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            err.write("hubevents: nothing was changed\n")
            return EXIT_OK
    return _undo(plan, target, settings, app_id, delete, err)


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
    delete: Delete,
    err: TextIO,
) -> int:
    """The restores through the one engine, then the deletions: one run of the history."""
    restores = [(RowId(n), body) for n, (_, body) in enumerate(plan.restores, 1)]
    first = len(restores) + 1
    deletions = [
        (RowId(n), delete_input(key, int(app_id or 0)))
        for n, key in enumerate(plan.deletions, first)
    ]
    table = EventTable(
        Path(plan.run.file), plan.run.sheet, [EventRow(r, None) for r, _ in restores]
    )
    batches = compose_batches(restores, settings.batch_size)
    size = settings.batch_size
    planned = [*batches, *(deletions[i : i + size] for i in range(0, len(deletions), size))]
    history = history_file()
    recorder = RunRecorder(
        history, settings.describe(), planned, table, table.rows, kind="undo", undoes=plan.run.id
    )
    tally, code, requests = Tally(), EXIT_OK, 0
    try:
        if restores:

            def finish(report: RunReport, outcomes: dict[RowId, Outcome]) -> None:
                nonlocal requests
                requests = report.requests
                tally.add_outcomes(outcomes.values())

            code = send(
                target, settings, batches, table, table.rows, err, finish, recorder=recorder
            )
        if deletions:
            outcomes = delete(deletions)
            recorder.record(outcomes)
            tally.add_outcomes(outcomes)
            deleted = sum(o.status is RowStatus.DELETED for o in outcomes)
            err.write(f"hubevents: {plural(deleted, 'event')} deleted of {len(deletions)}\n")
            if deleted < len(deletions):
                code = max(code, EXIT_ROWS)
        recorder.finish(tally, requests, "")
    finally:
        history.close()
    err.write(
        f"hubevents: {len(plan.restores)} to put back: {tally.updated} put back, "
        f"{tally.failed} failed\n"
    )
    return code


def deleter(target: Target, settings: ConnectionSettings) -> Delete:
    """Deleting by external ids through the one engine and the event actions' endpoint."""
    endpoint = DELETE

    def delete(items: Sequence[tuple[RowId, JsonObject]]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        size = settings.batch_size
        batches = [list(items[i : i + size]) for i in range(0, len(items), size)]
        engine = UpsertEngine(settings, target.token, transport=target.transport)
        try:
            engine.run(
                batches, outcomes.extend, threading.Event(), threading.Event(), endpoint=endpoint
            )
        finally:
            engine.close()
        return outcomes

    return delete
