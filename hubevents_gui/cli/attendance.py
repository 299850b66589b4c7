"""``hubevents attendance``: record who registered for, attended or cancelled events, from a
spreadsheet of attendees, and report each row's outcome and each event's counters."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from hubevents_gui.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_ROWS,
    check_results_target,
    load_checked,
    progress_to,
    tell_invalid,
)
from hubevents_gui.cli.connect import connect, connection_settings
from hubevents_gui.cli.sending import room_for, send, tell_failed_rows, write_results_file
from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS, STATE, STATE_TITLES, state_of
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, Value
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.attendance import ATTENDANCE
from hubevents_gui.hubspot.attendance_run import (
    AttendancePlan,
    complete_events,
    counter_lines,
    plan_attendance,
    touched_events,
)
from hubevents_gui.hubspot.quota import Quota
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.settings import ConnectionSettings


def state_argument(text: str) -> str:
    """An argparse type: a state as users write it (registered, attend, Cancelled)."""
    state = state_of(text)
    if state is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a state: registered, attended or cancelled"
        )
    return STATE_TITLES[state]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--event", metavar="ID", help="External Event ID for rows without one")
    parser.add_argument("--account", metavar="ID", help="External Account ID for rows without one")
    parser.add_argument(
        "--state",
        type=state_argument,
        help="registered, attended or cancelled, for rows without a State",
    )
    parser.add_argument(
        "--complete",
        action="store_true",
        help="complete each event afterwards (with its start and end as HubSpot holds them), "
        "so that HubSpot works out how long each attendee stayed",
    )


def sheet_values(args: argparse.Namespace) -> dict[str, Value]:
    values: dict[str, Value] = {}
    if args.event:
        values["externalEventId"] = args.event
    if args.account:
        values["externalAccountId"] = args.account
    if args.state:
        values[STATE] = args.state
    return values


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    checked = load_checked(args, ATTENDEE_FIELDS, sheet_values(args))
    if args.results:
        check_results_target(checked.table, args.results)
    table = checked.table
    settings = connection_settings(args)
    valid = checked.valid_rows
    invalid = len(table.rows) - len(valid)
    tell_invalid(checked, err)
    now = datetime.now(UTC)
    if args.dry_run:
        plan = plan_attendance(None, valid, table, checked.zone, now, settings.batch_size)
        return _print_requests(plan, settings, args.sandbox, invalid, out, err)
    target = connect(args, settings)
    progress = progress_to(err)
    quota = Quota()
    with HubSpotReader(
        target.settings, target.token, transport=target.transport, on_response=quota.observe
    ) as reader:
        try:
            plan = plan_attendance(reader, valid, table, checked.zone, now, settings.batch_size)
        except ReadError as exc:
            err.write(f"hubevents: cannot read the rows' events from HubSpot: {exc}\n")
            # a refused token is the caller's to fix, as for a refusal during the run
            return EXIT_INPUT if exc.status in (401, 403) else EXIT_ROWS
    events = plan.events or {}
    progress(
        f"{plural(len(events), 'event')} read; {plural(len(plan.rows), 'row')} to send"
        + (
            f", {len(plan.not_sent)} not sent (their event is not in HubSpot)"
            if plan.not_sent
            else ""
        )
    )
    if not room_for(plan.batches, target, settings, quota, err):
        return EXIT_ROWS

    def finish(report: RunReport, outcomes: dict[RowId, Outcome]) -> None:
        _summarize(report, invalid, err)
        tell_failed_rows(table, outcomes, err, _where(table))
        if report.stopped is None:
            with HubSpotReader(target.settings, target.token, transport=target.transport) as reader:
                keys = touched_events(plan)
                done = complete_events(reader, events, keys) if args.complete else {}
                for line in counter_lines(reader, plan, done):
                    err.write(line + "\n")
        elif args.complete:
            # a run cut short (Ctrl+C, the token, the day's limit) completes no event: its
            # attendees are not all in, and the user asked to stop
            err.write("hubevents: the events were not completed: the run stopped\n")
        if args.results:
            write_results_file(checked, outcomes, args.results, err)

    return send(
        target,
        settings,
        plan.batches,
        table,
        plan.rows,
        err,
        finish,
        endpoint=ATTENDANCE,
        quota=quota,
        preset=plan.not_sent,
    )


def _print_requests(
    plan: AttendancePlan,
    settings: ConnectionSettings,
    sandbox: bool,
    invalid: int,
    out: TextIO,
    err: TextIO,
) -> int:
    """--dry-run: each request as it would go (path, query, body), one JSON line each."""
    for batch in plan.batches:
        path, params, body = ATTENDANCE.request(settings, batch)
        json.dump({"path": path, "query": params, "body": body}, out, ensure_ascii=False)
        out.write("\n")
    where = "the sandbox" if sandbox else settings.base_url
    err.write(
        f"dry run: {plural(len(plan.items), 'row')} in {plural(len(plan.batches), 'request')} "
        f"to {where}; nothing was sent (attended rows without a time are shown with the time "
        "of this run: a real run takes the event's start from HubSpot)\n"
    )
    return EXIT_ROWS if invalid else EXIT_OK


def _summarize(report: RunReport, invalid: int, err: TextIO) -> None:
    c = report.counts
    err.write(
        f"{c.recorded} recorded, {c.failed} failed, {c.not_sent} not sent, {invalid} invalid; "
        f"{plural(report.requests, 'request')} "
        f"({plural(report.retries, 'retry', 'retries')}, {report.rate_limited} rate-limited, "
        f"{plural(report.split_requests, 'split')}) in {report.elapsed:.1f} s\n"
    )


def _where(table: EventTable) -> Callable[[EventRow], str]:
    def where(row: EventRow) -> str:
        contact = row.values.get("contactId")
        key = "contactId" if isinstance(contact, str) else "email"
        who = f"contact {contact}" if isinstance(contact, str) else str(row.values.get("email"))
        return f"{table.cell_name(row, key)} ({who})"

    return where
