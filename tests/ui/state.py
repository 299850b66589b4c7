"""What a user sees of a table, as plain data, to compare a restored session with the one lost."""

from __future__ import annotations

from typing import Any

from hubevents_gui.core.values import display_text
from hubevents_gui.ui.event_model import EventTableModel


def table_state(model: EventTableModel) -> dict[str, Any]:
    rows = []
    for row in model.document.rows:
        outcome = model.document.outcomes.get(row.row_id)
        rows.append(
            {
                "id": int(row.row_id),
                "source_row": row.source_row,
                "cells": {
                    c.key: display_text(row.cell(c.key)) for c in model.columns if c.editable
                },
                "status": model.document.status_of(row.row_id).name,
                "hubspot_id": outcome.hubspot_id if outcome else None,
            }
        )
    return {
        "file": str(model.document.table.file),
        "columns": [c.key for c in model.columns],
        "rows": rows,
    }
