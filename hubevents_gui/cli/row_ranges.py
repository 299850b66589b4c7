"""``--rows 2-40,45``: rows of a sheet by the numbers the user sees in the spreadsheet (the header
is row 1), checked against the rows the sheet has."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence

from hubevents_gui.cli.common import UsageError
from hubevents_gui.core.rows import EventRow, EventTable

#: ASCII digits only: Python's \d takes "٣" or "３" too, which a row number never is
_PART = re.compile(r"\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?", re.ASCII)
#: more rows than any sheet holds: a range past it is a typing slip, not a million rows
_MOST = 10_000_000


def row_ranges(text: str) -> list[tuple[int, int]]:
    """An argparse type: ``2-40,45`` as [(2, 40), (45, 45)]."""
    spans: list[tuple[int, int]] = []
    for part in text.split(","):
        match = _PART.fullmatch(part)
        if match is None:
            raise argparse.ArgumentTypeError(
                f"{part.strip()!r} is not a row or a range of rows: write them as 2-40,45"
            )
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if first > last:
            raise argparse.ArgumentTypeError(f"{first}-{last} runs backwards: write {last}-{first}")
        if first < 1 or last > _MOST:
            raise argparse.ArgumentTypeError(f"{part.strip()} is not a row of a sheet")
        spans.append((first, last))
    return spans


def chosen_rows(table: EventTable, spans: Sequence[tuple[int, int]] | None) -> list[EventRow]:
    """The table's rows whose spreadsheet row is in ``spans`` (all of them when None).

    Blank rows inside a range are passed over; a range reaching past the sheet's last event, or
    the header, is a UsageError naming the rows there are (a typing slip must not act on
    fewer events than the user thinks)."""
    if spans is None:
        return list(table.rows)
    numbers = [row.source_row for row in table.rows if row.source_row is not None]
    header = table.header_row or 1
    held = f"its events are in rows {min(numbers)}-{max(numbers)}" if numbers else "it has none"
    for first, last in spans:
        if first <= header:
            raise UsageError(
                f"--rows: row {header} of {table.location_prefix} is the header ({held})"
            )
        if not numbers or last > max(numbers):
            raise UsageError(
                f"--rows: {table.location_prefix} has no row {last} with an event ({held})"
            )
    chosen = [
        row
        for row in table.rows
        if row.source_row is not None and any(a <= row.source_row <= b for a, b in spans)
    ]
    if not chosen:
        raise UsageError(f"--rows: no event in those rows of {table.location_prefix} ({held})")
    return chosen
