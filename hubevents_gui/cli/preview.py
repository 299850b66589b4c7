"""``hubevents upsert --preview`` and ``--changed-only``: read HubSpot's copy first, then say (or
send) only what would change."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from hubevents_gui.cli.common import EXIT_OK, EXIT_ROWS, CheckedTable, UsageError
from hubevents_gui.cli.connect import Target
from hubevents_gui.core.fields import FIELD_BY_KEY
from hubevents_gui.core.properties import PropertyDefinition, cell_warnings, column_warnings
from hubevents_gui.core.rows import RowId
from hubevents_gui.core.validation import Issue
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.diff import Action, RowPlan, counts, plan_rows
from hubevents_gui.hubspot.holdings import Holdings, read_holdings
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.wire import JsonObject


@dataclass
class Preview:
    plans: dict[RowId, RowPlan]
    holdings: Holdings
    definitions: dict[str, PropertyDefinition] | None
    #: why the definitions are unknown ("" when they were read)
    definitions_missing: str
    #: custom:NAME -> why its values would not arrive
    columns: dict[str, str]
    cells: dict[RowId, list[Issue]]
    requests: int


def read_preview(
    checked: CheckedTable,
    target: Target,
    items: Sequence[tuple[RowId, JsonObject]],
    progress: Callable[[str], None],
) -> Preview:
    """What HubSpot holds for the rows of ``items``, and each row's plan. UsageError (exit 2)
    when the token is refused; other read failures raise ReadError."""
    wanted = [(str(b["externalAccountId"]), str(b["externalEventId"])) for _, b in items]
    with HubSpotReader(target.settings, target.token, transport=target.transport) as reader:
        try:
            definitions, missing = reader.property_definitions()
            holdings = read_holdings(reader, wanted, progress)
        except ReadError as exc:
            if exc.status in (401, 403):
                raise UsageError(f"cannot read HubSpot's events: {exc}") from None
            raise
        plans = plan_rows(items, holdings, definitions)
        table = checked.table
        columns = column_warnings(table.custom_names, definitions) if definitions else {}
        cells = cell_warnings(checked.valid_rows, definitions) if definitions else {}
        return Preview(plans, holdings, definitions, missing, columns, cells, reader.requests)


def print_preview(
    checked: CheckedTable,
    preview: Preview,
    requests: tuple[int, int],
    as_json: bool,
    out: TextIO,
) -> int:
    """Each row's action and the summary; ``requests``: upserts for (every row, the changes)."""
    table = checked.table
    rows: list[dict[str, Any]] = []
    for row in table.rows:
        plan = preview.plans.get(row.row_id)
        entry: dict[str, Any] = {"row": row.source_row, "action": Action.INVALID.value}
        if plan is not None:
            entry["action"] = plan.action.value
            if plan.changes:
                entry["changes"] = {
                    key: {"old": change.old, "new": change.new}
                    for key, change in plan.changes.items()
                }
            if plan.object_id:
                entry["hubspotId"] = plan.object_id
            if plan.other_app:
                entry["owner"] = plan.other_app
        warnings = [i.message for i in preview.cells.get(row.row_id, [])]
        if warnings:
            entry["warnings"] = warnings
        rows.append(entry)
    tally = {action.value: n for action, n in counts(preview.plans).items()}
    tally["invalid"] = len(checked.issues)
    every, changed = requests
    summary: dict[str, Any] = {
        **tally,
        "read_requests": preview.requests,
        "upsert_requests": every,
        "changed_only_upsert_requests": changed,
        "property_warnings": list(preview.columns.values()),
        "property_definitions": "read" if preview.definitions is not None else "unknown",
    }
    if not as_json:
        _print_lines(checked, preview, rows, summary, out)
    else:
        json.dump({"rows": rows, "summary": summary}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return EXIT_ROWS if checked.issues else EXIT_OK


def _print_lines(
    checked: CheckedTable,
    preview: Preview,
    rows: list[dict[str, Any]],
    summary: dict[str, Any],
    out: TextIO,
) -> None:
    table = checked.table
    for note in preview.columns.values():
        out.write(f"warning: {note}\n")
    if preview.definitions is None:
        out.write(
            f"note: {preview.definitions_missing}; dropped custom properties are caught after "
            "sending\n"
        )
    for row, entry in zip(table.rows, rows, strict=True):
        where = table.cell_name(row, "externalEventId")
        action = entry["action"]
        line = f"{where}: {action}"
        if action == Action.CONFLICT.value:
            line += (
                f": {entry.get('owner')} already has an event with these external ids "
                f"(HubSpot ID {entry.get('hubspotId')}); sending would make a second one"
            )
        elif action == Action.INVALID.value:
            first = checked.issues.get(row.row_id, [])
            if first:
                line += f": {table.column_title(first[0].field)}: {first[0].message}"
        out.write(line + "\n")
        for key, change in (entry.get("changes") or {}).items():
            title = table.column_title(key) if key in table.headers else _title(key)
            out.write(f"    {title}: {_shown(change['old'])} -> {_shown(change['new'])}\n")
        for warning in entry.get("warnings", []):
            out.write(f"    warning: {warning}\n")
    out.write(
        f"{summary['create']} to create, {summary['update']} to update, "
        f"{summary['unchanged']} unchanged, {summary['conflict']} conflicts, "
        f"{summary['invalid']} invalid; the preview cost "
        f"{plural(summary['read_requests'], 'request')}; sending the changes takes "
        f"{plural(summary['changed_only_upsert_requests'], 'upsert request')} "
        f"(every row: {summary['upsert_requests']})\n"
    )


def _title(key: str) -> str:
    spec = FIELD_BY_KEY.get(key)
    return spec.title if spec is not None else key


def _shown(value: object) -> str:
    if value is None:
        return "(blank)"
    return json.dumps(value, ensure_ascii=False)
