"""``hubevents undo RUN_ID``: take an upsert run back, after saying exactly what will happen.

The events the run created are deleted, those it changed get their prior values back (an upsert
through the one engine, cli.sending), those changed in HubSpot since are left alone and named
(see hubspot.undo). The undo is a run of the history itself, pointing at the run it undid.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from hubevents_gui.cli.common import EXIT_OK, UsageError
from hubevents_gui.cli.connect import Target, connect, connection_settings
from hubevents_gui.cli.history import history_file
from hubevents_gui.cli.interrupts import EXIT_INTERRUPTED
from hubevents_gui.cli.sending import send
from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Tally
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.event_actions import DELETE
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.undo import Fate, UndoPlan, UndoRefusedError, undoable_run
from hubevents_gui.hubspot.undo_run import UndoJob, read_undo, undo_job

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
    settings = connection_settings(args)
    try:
        summary = undoable_run(history, args.run_id)
    except UndoRefusedError as exc:
        raise UsageError(f"cannot undo: {exc}") from None
    if summary.connection != settings.describe():
        raise UsageError(
            f"run {summary.id} was sent to {summary.connection}, not {settings.describe()}: "
            "give the same connection options"
        )
    target = connect(args, settings)
    try:
        with HubSpotReader(target.settings, target.token, transport=target.transport) as reader:
            planned = read_undo(history, summary.id, reader)
    except UndoRefusedError as exc:
        raise UsageError(f"cannot undo: {exc}") from None
    except ReadError as exc:
        raise UsageError(f"cannot read HubSpot's events to plan the undo: {exc}") from None
    plan = planned.plan
    tell_plan(plan, planned.requests, out)
    if args.dry_run or not (plan.deletions or plan.restores):
        return EXIT_OK
    try:
        job = undo_job(planned, settings.batch_size)
    except UndoRefusedError as exc:
        raise UsageError(str(exc)) from None
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("the undo changes HubSpot: pass --yes to go ahead without a terminal")
        err.write("Undo this run? [y/N] ")
        err.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            err.write("hubevents: nothing was changed\n")
            return EXIT_OK
    return _undo(job, target, settings, err)


def tell_plan(plan: UndoPlan, requests: int, out: TextIO) -> None:
    """ "3 deleted, 2 put back, 1 left alone because changed in HubSpot since", naming a few."""
    run = plan.run
    out.write(
        f"Undo of run {run.id} ({run.file}, {run.connection}), read in "
        f"{plural(requests, 'request')}:\n"
    )
    out.write(plan.summary_line() + "\n")
    entries = plan.entries()
    acting = [e for e in entries if e.what in (Fate.DELETE, Fate.PUT_BACK)]
    for entry in acting[:NAMED]:
        out.write(f"  {entry.what}: {entry.key[0]} / {entry.key[1]}\n")
    if len(acting) > NAMED:
        out.write(f"  ... and {plural(len(acting) - NAMED, 'more event')}\n")
    for what in (Fate.LEFT_ALONE, Fate.NOTE):
        for entry in [e for e in entries if e.what == what][:NAMED]:
            out.write(f"  {entry.what}: {entry.key[0]} / {entry.key[1]}: {entry.why}\n")


def _undo(job: UndoJob, target: Target, settings: ConnectionSettings, err: TextIO) -> int:
    """The restores through the one engine, then the deletions through it too (Ctrl+C,
    progress and the history as for any run): one run of the history."""
    history = history_file()
    recorder = job.recorder(history, settings.describe())
    tally, code, requests, stopped = Tally(), EXIT_OK, 0, ""

    def finish(report: RunReport, outcomes: dict[RowId, Outcome]) -> None:
        nonlocal requests, stopped
        requests += report.requests
        stopped = stopped or report.stopped_text
        tally.add_outcomes(outcomes.values())

    try:
        if job.restores:
            put_back = job.put_back
            code = send(
                target, settings, job.restores, put_back, put_back.rows, err, finish,
                recorder=recorder,
            )  # fmt: skip
        if job.removals and code == EXIT_INTERRUPTED:  # Ctrl+C: nothing more is started
            skipped = job.not_started()
            recorder.record(skipped)
            tally.add_outcomes(skipped)
        elif job.removals:
            gone = job.gone
            deleted = send(
                target, settings, job.removals, gone, gone.rows, err, finish,
                endpoint=DELETE, recorder=recorder, action=RowStatus.DELETED,
            )  # fmt: skip
            code = max(code, deleted)
            err.write(f"hubevents: {plural(tally.deleted, 'event')} deleted of {len(gone.rows)}\n")
        recorder.finish(tally, requests, stopped)
    finally:
        history.close()
    err.write(
        f"hubevents: {len(job.plan.restores)} to put back: {tally.updated} put back, "
        f"{tally.failed} failed\n"
    )
    return code
