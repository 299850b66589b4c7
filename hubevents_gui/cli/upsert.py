"""``hubevents upsert``: send every valid row and report each outcome."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from hubevents_gui.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_ROWS,
    UsageError,
    check_results_target,
    load_checked,
    progress_to,
)
from hubevents_gui.cli.connect import connect, connection_settings
from hubevents_gui.cli.preview import print_preview, read_preview
from hubevents_gui.cli.sending import room_for, send, tell_failed_rows, write_results_file
from hubevents_gui.core.fields import EVENT_FIELDS
from hubevents_gui.core.rows import EventTable, Outcome, RowId
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.batching import compose_batches
from hubevents_gui.hubspot.diff import left_alone_outcomes
from hubevents_gui.hubspot.quota import Quota
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.snapshot import read_snapshot, snapshot_from
from hubevents_gui.hubspot.wire import inputs_for


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.json and not args.preview:
        raise UsageError("--json prints the preview: use it with --preview")
    checked = load_checked(args)
    if checked.table.fields is not EVENT_FIELDS:
        raise UsageError(
            f"'{Path(args.file).name}' is a sheet of attendees (its headers name a contact and "
            "a State): record it with hubevents attendance"
        )
    if args.results:
        check_results_target(checked.table, args.results)
    table, zone = checked.table, checked.zone
    valid = checked.valid_rows
    items = list(zip([r.row_id for r in valid], inputs_for(valid, zone), strict=True))
    settings = connection_settings(args)
    batches = compose_batches(items, settings.batch_size)
    invalid = len(table.rows) - len(valid)
    if invalid:
        err.write(
            f"hubevents: {plural(invalid, 'invalid row')} will not be sent (hubevents validate "
            "lists them)\n"
        )
    if args.dry_run:
        for batch in batches:
            json.dump({"inputs": [body for _, body in batch]}, out, ensure_ascii=False)
            out.write("\n")
        upsert = f"{settings.base_url}{settings.events_path()}/upsert"
        where = "the sandbox" if args.sandbox else upsert
        err.write(
            f"dry run: {plural(len(items), 'row')} in {plural(len(batches), 'request')} to "
            f"{where}; nothing was sent\n"
        )
        return EXIT_ROWS if invalid else EXIT_OK
    target = connect(args, settings)
    left_alone: list[Outcome] = []
    preview = None
    if args.preview or args.changed_only:
        try:
            preview = read_preview(checked, target, items, progress_to(err))
        except ReadError as exc:
            err.write(f"hubevents: cannot read HubSpot's copy of the events: {exc}\n")
            return EXIT_ROWS
        changed = [item for item in items if preview.plans[item[0]].action.sends]
        changed_batches = compose_batches(changed, settings.batch_size)
        if args.preview:
            requests = (len(batches), len(changed_batches))
            return print_preview(checked, preview, requests, args.json, out)
        left_alone = left_alone_outcomes(preview.plans)
        items, batches = changed, changed_batches
        valid = [row for row in valid if preview.plans[row.row_id].action.sends]
        err.write(
            f"hubevents: HubSpot's copy read in {plural(preview.requests, 'request')}: "
            f"{plural(len(items), 'row')} to send, {len(left_alone)} left alone\n"
        )
    transport, token = target.transport, target.token
    quota = Quota()
    if not room_for(batches, target, settings, quota, err):
        return EXIT_ROWS
    keys = [(str(b["externalAccountId"]), str(b["externalEventId"])) for _, b in items]
    if preview is not None:
        prior = snapshot_from(preview.holdings, keys)
    else:
        try:
            with HubSpotReader(target.settings, token, transport=transport) as reader:
                prior = read_snapshot(reader, keys, progress_to(err))
        except ReadError as exc:
            err.write(
                "hubevents: cannot read HubSpot's copy of the events before the run (kept so "
                f"that the run can be undone): {exc}; nothing was sent\n"
            )
            return EXIT_INPUT if exc.status in (401, 403) else EXIT_ROWS
        if keys:
            err.write(f"hubevents: {prior.cost_line()}\n")

    def finish(report: RunReport, outcomes: dict[RowId, Outcome]) -> None:
        _summarize(report, table, outcomes, invalid, err)
        err.write(quota.snapshot().line("Sandbox" if args.sandbox else "HubSpot") + "\n")
        if args.results:
            write_results_file(checked, outcomes, args.results, err)

    return send(
        target,
        settings,
        batches,
        table,
        valid,
        err,
        finish,
        quota=quota,
        preset=left_alone,
        snapshots=prior.priors(),
    )


def _summarize(
    report: RunReport,
    table: EventTable,
    outcomes: dict[RowId, Outcome],
    invalid: int,
    err: TextIO,
) -> None:
    c = report.counts
    left = f"{c.unchanged} unchanged, " if c.unchanged else ""
    err.write(
        f"{c.created} created, {c.updated} updated, {left}{c.failed} failed, "
        f"{c.not_sent} not sent, {invalid} invalid; {plural(report.requests, 'request')} "
        f"({plural(report.retries, 'retry', 'retries')}, {report.rate_limited} rate-limited, "
        f"{plural(report.split_requests, 'split')}, "
        f"{plural(report.confirm_requests, 'confirmation')}) "
        f"in {report.elapsed:.1f} s\n"
    )
    if report.dropped_rows:
        err.write(report.dropped_text + "\n")
    tell_failed_rows(table, outcomes, err, lambda row: table.cell_name(row, "externalEventId"))
