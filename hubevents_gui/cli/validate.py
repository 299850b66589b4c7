"""``hubevents validate``: read a spreadsheet and report every problem, sending nothing."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from hubevents_gui.cli.common import EXIT_OK, EXIT_ROWS, CheckedTable, load_checked
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.wire import inputs_for


def run(args: argparse.Namespace, out: TextIO, _err: TextIO) -> int:
    checked = load_checked(args)
    if args.json:
        json.dump(_as_json(checked), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _print_issues(checked, out)
    return EXIT_ROWS if checked.issues else EXIT_OK


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
