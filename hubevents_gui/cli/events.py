"""``hubevents events cancel|complete|delete FILE``: act on the events of chosen rows of an event
sheet, after saying how many events in which portal (and, unless ``--yes``, asking on a
terminal), and report each row's outcome."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from hubevents_gui.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_ROWS,
    CheckedTable,
    UsageError,
    check_results_target,
    load_checked,
)
from hubevents_gui.cli.connect import Target, connect, connection_settings
from hubevents_gui.cli.row_ranges import chosen_rows, row_ranges
from hubevents_gui.cli.sending import room_for, send, tell_failed_rows, write_results_file
from hubevents_gui.core.fields import EVENT_FIELDS
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.action_plan import Action, ActionPlan, missing_keys, plan_action
from hubevents_gui.hubspot.quota import Quota
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.settings import ConnectionSettings

#: events named in the confirmation
NAMED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=("cancel", "complete", "delete"),
        help="cancel the events, complete them (with their start and end: the row's, else "
        "HubSpot's), or delete them from HubSpot",
    )


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rows",
        type=row_ranges,
        metavar="2-40,45",
        help="only these rows, numbered as in the spreadsheet (the header is row 1)",
    )
    parser.add_argument(
        "--by-object-id",
        action="store_true",
        help="delete: by HubSpot's object id, read first (also events another app created)",
    )
    parser.add_argument(
        "--yes", action="store_true", help="do not ask: needed when not run from a terminal"
    )
    parser.add_argument(
        "--results", type=Path, metavar="OUT.xlsx", help="write the rows with their outcomes"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    action = Action(args.action)
    if args.by_object_id:
        if action is not Action.DELETE:
            raise UsageError("--by-object-id goes with delete")
        action = Action.ARCHIVE
    checked = load_checked(args)
    if checked.table.fields is not EVENT_FIELDS:
        raise UsageError(
            f"'{Path(args.file).name}' is a sheet of attendees: events are acted on from a "
            "sheet of events"
        )
    # the run is about the chosen rows: the results, the history and the exit code are theirs
    table = replace(checked.table, rows=chosen_rows(checked.table, args.rows))
    chosen = CheckedTable(table, checked.zone, checked.issues)
    if args.results:
        check_results_target(table, args.results)
    settings = connection_settings(args)
    target = connect(args, settings)
    quota = Quota()
    with HubSpotReader(
        target.settings, target.token, transport=target.transport, on_response=quota.observe
    ) as reader:
        try:
            # the token check: which portal (for the confirmation) and app (for deletes)
            token = reader.token_info()
            app_id = token.get("appId")
            if action is Action.DELETE and app_id is None:
                err.write(
                    "hubevents: HubSpot's token check names no app (is the token right?); "
                    "deleting by external ids needs it, or delete with --by-object-id\n"
                )
                return EXIT_INPUT
            plan = plan_action(
                action,
                table.rows,
                table,
                chosen.zone,
                settings.batch_size,
                reader=reader,
                app_id=int(app_id) if app_id is not None else None,
            )
        except ReadError as exc:
            err.write(f"hubevents: cannot read the events from HubSpot: {exc}\n")
            # a refused token is the caller's to fix, as for a refusal during the run
            return EXIT_INPUT if exc.status in (401, 403) else EXIT_ROWS
    where = "Sandbox" if args.sandbox else "HubSpot"
    portal = f"portal {token.get('hubId', 'unknown')} ({where})"
    if args.dry_run:
        return _print_requests(action, plan, target.settings, out, err)
    if plan.items and not args.yes:
        asked = _confirmed(action, plan, portal, err)
        if asked is not None:
            return asked
    return _send(action, plan, target, settings, chosen, quota, args, err)


def _confirmed(action: Action, plan: ActionPlan, portal: str, err: TextIO) -> int | None:
    """Ask on the terminal; None to go on, else the exit code (refused, or the answer no)."""
    shown = plan.event_names(NAMED)
    verb = {Action.ARCHIVE: "Delete (by object id)"}.get(action, action.value.capitalize())
    question = f"{verb} {plural(len(plan.items), 'event')} in {portal}? e.g. {shown}"
    if not sys.stdin.isatty():
        err.write(
            f"hubevents: {question}: not asked, as there is no terminal to answer on; "
            "pass --yes to go ahead; nothing was changed\n"
        )
        return EXIT_INPUT
    err.write(f"{question}  [y/N] ")
    err.flush()
    if sys.stdin.readline().strip().casefold() in ("y", "yes"):
        return None
    err.write("hubevents: nothing was changed\n")
    return EXIT_ROWS


def _send(
    action: Action,
    plan: ActionPlan,
    target: Target,
    settings: ConnectionSettings,
    chosen: CheckedTable,
    quota: Quota,
    args: argparse.Namespace,
    err: TextIO,
) -> int:
    table = chosen.table
    if not room_for(plan.batches, target, settings, quota, err):
        return EXIT_ROWS

    def finish(report: RunReport, outcomes: dict[RowId, Outcome]) -> None:
        _summarize(action, report, table, outcomes, err)
        if args.results:
            write_results_file(chosen, outcomes, args.results, err)

    sent = {row_id for row_id, _ in plan.items}
    return send(
        target,
        settings,
        plan.batches,
        table,
        [row for row in table.rows if row.row_id in sent],
        err,
        finish,
        endpoint=action.endpoint,
        quota=quota,
        preset=plan.not_sent,
        action=action.outcome,
        kind=action.value,
    )


def _summarize(
    action: Action,
    report: RunReport,
    table: EventTable,
    outcomes: dict[RowId, Outcome],
    err: TextIO,
) -> None:
    c = report.counts
    err.write(
        f"{c.text(action=action.outcome)}, {c.not_sent} not sent; "
        f"{plural(report.requests, 'request')} "
        f"({plural(report.retries, 'retry', 'retries')}, {report.rate_limited} rate-limited, "
        f"{plural(report.split_requests, 'split')}) in {report.elapsed:.1f} s\n"
    )

    def where(row: EventRow) -> str:
        # the empty cell when the row cannot name its event, else its event id's
        return table.cell_name(row, (*missing_keys(row), "externalEventId")[0])

    tell_failed_rows(table, outcomes, err, where)


def _print_requests(
    action: Action, plan: ActionPlan, settings: ConnectionSettings, out: TextIO, err: TextIO
) -> int:
    """--dry-run: each request as it would go (path, query, body), one JSON line each."""
    for batch in plan.batches:
        path, params, body = action.endpoint.request(settings, batch)
        json.dump({"path": path, "query": params, "body": body}, out, ensure_ascii=False)
        out.write("\n")
    err.write(
        f"dry run: {plural(len(plan.items), 'event')} in {plural(len(plan.batches), 'request')}"
        f", {len(plan.not_sent)} not sent; nothing was changed\n"
    )
    return EXIT_ROWS if plan.not_sent else EXIT_OK
