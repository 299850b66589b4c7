"""``hubevents validate``: read a spreadsheet and report every problem, sending nothing."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any, TextIO

from hubevents_gui.cli.common import EXIT_OK, EXIT_ROWS, CheckedTable, issue_lines, load_checked
from hubevents_gui.cli.connect import Target, connect
from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS
from hubevents_gui.core.properties import cell_warnings, column_warnings
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.attendance import AttendanceContext, attendance_item
from hubevents_gui.hubspot.attendance_run import plan_attendance
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.wire import JsonObject, inputs_for


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    checked = load_checked(args)
    warnings = _property_warnings(args, checked, err)
    if args.json:
        result = _as_json(checked)
        if warnings is not None:
            result["summary"]["property_warnings"] = warnings
        json.dump(result, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _print_issues(checked, out)
        for warning in warnings or []:
            out.write(f"warning: {warning}\n")
    return EXIT_ROWS if checked.issues else EXIT_OK


def _property_warnings(
    args: argparse.Namespace, checked: CheckedTable, err: TextIO
) -> list[str] | None:
    """With a connection: what HubSpot would drop, by the account's property definitions
    (None without a connection; a note on stderr when the definitions cannot be read)."""
    if not (args.sandbox or args.base_url or args.token_env):
        return None
    target = connect(args)
    if checked.table.fields is ATTENDEE_FIELDS:
        return _event_warnings(checked, target, err)
    with HubSpotReader(target.settings, target.token, transport=target.transport) as reader:
        try:
            definitions, why = reader.property_definitions()
        except ReadError as exc:
            definitions, why = None, str(exc)
    if definitions is None:
        err.write(f"hubevents: note: {why}; custom properties were not checked\n")
        return []
    table = checked.table
    lines = list(column_warnings(table.custom_names, definitions).values())
    valid = checked.valid_rows
    cells = cell_warnings(valid, definitions)
    for row in valid:
        for issue in cells.get(row.row_id, []):
            where = f"{table.cell_name(row, issue.field)} ({table.column_title(issue.field)})"
            lines.append(f"{where}: {issue.message}")
    return lines


def _event_warnings(checked: CheckedTable, target: Target, err: TextIO) -> list[str]:
    """An attendee sheet's rows whose event HubSpot does not hold for this app."""
    table = checked.table
    with HubSpotReader(target.settings, target.token, transport=target.transport) as reader:
        try:
            plan = plan_attendance(
                reader, checked.valid_rows, table, checked.zone, datetime.now(UTC), 100
            )
        except ReadError as exc:
            err.write(f"hubevents: note: the rows' events were not checked: {exc}\n")
            return []
    rows = {row.row_id: row for row in table.rows}
    lines = []
    for outcome in plan.not_sent:
        row = rows[outcome.row_id]
        key = "externalEventId" if "externalEventId" in row.values else "email"
        where = f"{table.cell_name(row, key)} ({table.column_title(key)})"
        lines.append(f"{where}: {outcome.message.removeprefix('not sent: ')}")
    return lines


def _inputs(checked: CheckedTable) -> list[JsonObject]:
    """What each valid row would send (attended rows without a time: shown with now)."""
    if checked.table.fields is ATTENDEE_FIELDS:
        ctx = AttendanceContext(checked.zone, datetime.now(UTC), {}, checked.table.defaults)
        return [attendance_item(row, ctx) for row in checked.valid_rows]
    return inputs_for(checked.valid_rows, checked.zone)


def _as_json(checked: CheckedTable) -> dict[str, Any]:
    table = checked.table
    inputs = iter(_inputs(checked))
    rows = []
    for row in table.rows:
        row_issues = checked.issues.get(row.row_id, [])
        rows.append(
            {
                "row": row.source_row,
                "input": None if row_issues else next(inputs),
                "issues": [
                    {
                        "field": issue.field,
                        "cell": table.cell_name(row, issue.field),
                        "message": issue.message,
                    }
                    for issue in row_issues
                ],
            }
        )
    return {
        "file": str(table.file),
        "sheet": table.sheet,
        "rows": rows,
        "summary": checked.summary(),
    }


def _print_issues(checked: CheckedTable, out: TextIO) -> None:
    table = checked.table
    summary = checked.summary()
    where = f"{table.file.name if table.file else ''}" + (
        f", sheet '{table.sheet}'" if table.sheet else ""
    )
    out.write(
        f"{where}: {plural(summary['rows'], 'row')} read, {summary['valid']} valid, "
        f"{summary['invalid']} invalid (dates without an offset read in {checked.zone.key})\n"
    )
    for note in table.notes:
        out.write(f"note: {note}\n")
    for line in issue_lines(checked):
        out.write(f"{line}\n")
