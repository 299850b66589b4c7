"""``hubevents validate``: read a spreadsheet and report every problem, sending nothing."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from hubevents_gui.cli.common import EXIT_OK, EXIT_ROWS, CheckedTable, load_checked
from hubevents_gui.cli.connect import connect
from hubevents_gui.core.properties import cell_warnings, column_warnings
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.wire import inputs_for


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


def _as_json(checked: CheckedTable) -> dict[str, Any]:
    table = checked.table
    inputs = iter(inputs_for(checked.valid_rows, checked.zone))
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
    for row in table.rows:
        for issue in checked.issues.get(row.row_id, []):
            where = f"{table.cell_name(row, issue.field)} ({table.column_title(issue.field)})"
            out.write(f"{where}: {issue.message}\n")
