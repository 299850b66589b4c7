"""A recorded run as a workbook: per row the spreadsheet row, batch, payload fields, status,
HubSpot id, HTTP status, message and when it was answered.

Written the way result workbooks are (result_cells, result_files): text stays text, never a
formula; the file appears whole or not at all; a failure is one sentence naming the file.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from pathlib import Path

from hubevents_gui.core.result_cells import CellTooLongError, fill, needs_a_cell, workbook_value
from hubevents_gui.core.result_files import save_workbook
from hubevents_gui.core.result_rows import too_long
from hubevents_gui.core.run_summary import RunRow

HEAD = ["Spreadsheet row", "Batch"]
TAIL = ["Custom properties", "Status", "HubSpot ID", "HTTP status", "Message", "Answered at"]


def _cells(row: RunRow, fields: Sequence[str]) -> list[object]:
    custom = "; ".join(
        f"{p.get('name')}={p.get('value')}" for p in row.payload.get("customProperties", [])
    )
    done = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row.done)) if row.done else ""
    return [
        row.source_row,
        row.batch + 1,
        *(row.payload.get(f) for f in fields),
        custom,
        row.status_text,
        row.hubspot_id,
        row.http_status,
        row.message_text,
        done,
    ]


def export_rows(rows: Sequence[RunRow], path: Path) -> None:
    """Write ``rows`` to a new workbook at ``path``; raises ResultsError with the sentence."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    fields: list[str] = []
    for row in rows:
        fields += [k for k in row.payload if k not in fields and k != "customProperties"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Run")

    def cell_of(value: object) -> object:
        value = workbook_value(value)
        if not needs_a_cell(value):
            return value
        cell = WriteOnlyCell(sheet)
        fill(cell, value)
        return cell

    try:
        sheet.append([*HEAD, *fields, *TAIL])
        for row in rows:
            try:
                sheet.append([cell_of(v) for v in _cells(row, fields)])
            except CellTooLongError as exc:
                where = f"spreadsheet row {row.source_row}" if row.source_row else "a row"
                raise too_long(f"The run's record of {where}", exc.length) from None
        save_workbook(workbook, path)
    except BaseException:
        with contextlib.suppress(Exception):
            sheet.close()  # end the stream openpyxl began (it deletes its temp file at exit)
        raise
