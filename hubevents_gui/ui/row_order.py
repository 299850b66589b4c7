"""The order and selection of rows the view shows: sort, filter, and view position <-> RowId.

Plain Python over the document's rows, never a proxy model. A sort is a generator of small
steps (keys a thousand rows at a time, chunks sorted, then merged) that the document runs in
time-boxed slices for a large table, so the window never waits on it; it is stable, text with
numbers sorts naturally (Event 9 before Event 10) and dates by their instant. The document
keeps it in step with its rows.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Callable, Generator, Iterable, Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from hubevents_gui.core.fields import Kind
from hubevents_gui.core.rows import EventRow, RowId, RowStatus
from hubevents_gui.core.values import cell_text
from hubevents_gui.core.zones import wall_clock
from hubevents_gui.ui.columns import Column, ColumnKind

SortKey = Callable[[EventRow], Any]

#: a table this small sorts at once (a few tens of milliseconds); a larger one in slices
SORT_AT_ONCE = 20_000
#: rows keyed, sorted or merged between the sort's steps
_STEP_ROWS = 1024
_CHUNK_ROWS = 8192
_DIGITS = re.compile(r"(\d+)")


def natural(text: str) -> tuple[Any, ...]:
    """``text`` as a key that orders numbers by value and the numbers within text too, letters
    without case: "-2" < "1.5" < "10" (numbers first), then "Event 9" < "Event 10" < "event 11"
    (runs of digits alternate with the text between, so two keys compare text with text and
    number with number)."""
    folded = text.strip().casefold()
    try:
        number = float(folded)
    except ValueError:
        pass
    else:
        if math.isfinite(number):
            return (0, number)
    parts = _DIGITS.split(folded)
    return (1, *(int(part) if odd % 2 else part for odd, part in enumerate(parts)))


class RowFilter(Enum):
    ALL = "All rows"
    INVALID = "Invalid"
    FAILED = "Failed"
    NOT_SENT = "Not yet sent"


class RowOrder:
    def __init__(self) -> None:
        self.view: list[EventRow] = []
        self._position: dict[RowId, int] = {}
        self.row_filter = RowFilter.ALL
        #: (column number, descending) of the sort in force, None when in table order
        self.sort: tuple[int, bool] | None = None
        self._key: SortKey | None = None
        #: counts the changes of the rows shown (a sort in steps is dropped when it moves)
        self.changes = 0

    def reset(self, rows: Sequence[EventRow]) -> None:
        self.view = list(rows)
        self.row_filter = RowFilter.ALL
        self.sort = None
        self._key = None
        self.reindex()

    def reindex(self) -> None:
        self.changes += 1
        self._position = {row.row_id: i for i, row in enumerate(self.view)}

    def position(self, row_id: RowId) -> int | None:
        return self._position.get(row_id)

    def span(self, row_ids: Iterable[RowId]) -> tuple[int, int] | None:
        """(first, last) view positions of the rows shown, or None: no sort, one pass."""
        found = [p for p in map(self._position.get, row_ids) if p is not None]
        return (min(found), max(found)) if found else None

    def positions(self, row_ids: Iterable[RowId]) -> list[int]:
        """View positions of the rows shown, ascending."""
        found = self._position
        return sorted(p for r in row_ids if (p := found.get(r)) is not None)

    # ------------------------------------------------------------------ filter

    def filtered(
        self, rows: Sequence[EventRow], mode: RowFilter, keep: Callable[[EventRow], bool]
    ) -> None:
        self.row_filter = mode
        self.view = [r for r in rows if keep(r)] if mode is not RowFilter.ALL else list(rows)
        if not self.resort():
            self.reindex()

    # ------------------------------------------------------------------ sort

    def sort_by(self, column: int, descending: bool, key: SortKey) -> None:
        """Sort now, in one go (a small table, or a sort kept in force)."""
        steps = self.sort_steps(key, descending)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                self.take_sort(column, descending, key, done.value)
                return

    def sort_steps(
        self, key: SortKey, descending: bool
    ) -> Generator[None, None, list[EventRow] | None]:
        """The rows shown in the order of ``key``, in steps of about a thousand rows each;
        None when the rows shown changed meanwhile (it is not their order)."""
        view, changes = self.view, self.changes
        # rows without a value go last, whichever the direction; each key is computed once
        keyed: list[tuple[Any, EventRow]] = []
        empty: list[EventRow] = []
        for start in range(0, len(view), _STEP_ROWS):
            for row in view[start : start + _STEP_ROWS]:
                value = key(row)
                if value is None:
                    empty.append(row)
                else:
                    keyed.append((value, row))
            yield
        # sorted a chunk at a time, then merged: stable, and no one step is long
        chunks = []
        for start in range(0, len(keyed), _CHUNK_ROWS):
            chunk = keyed[start : start + _CHUNK_ROWS]
            chunk.sort(key=_first, reverse=descending)
            chunks.append(chunk)
            yield
        ordered: list[EventRow] = []
        for number, (_, row) in enumerate(heapq.merge(*chunks, key=_first, reverse=descending)):
            ordered.append(row)
            if number % (_STEP_ROWS * 4) == 0:
                yield
        return ordered + empty if self.changes == changes else None

    def take_sort(
        self, column: int, descending: bool, key: SortKey, ordered: list[EventRow] | None
    ) -> None:
        """Show ``ordered`` (sort_steps' result) as the sort in force."""
        if ordered is None:
            return
        self.view = ordered
        self.sort = (column, descending)
        self._key = key
        self.reindex()

    # ------------------------------------------------------------------ rows coming and going

    def insert_position(self, after: RowId | None) -> int:
        """Where rows added after ``after`` go in the view: right after it; at the end when it
        is not shown or is None."""
        found = None if after is None else self._position.get(after)
        return len(self.view) if found is None else found + 1

    def resort(self) -> bool:
        """Sort again by the sort in force (rows came back or the filter changed), reindexed;
        False when there is none."""
        if self._key is None or self.sort is None:
            return False
        self.sort_by(*self.sort, self._key)
        return True

    def insert(self, position: int, rows: Sequence[EventRow], *, reindex: bool = True) -> None:
        """Rows into the view; ``reindex=False`` when several inserts follow (the caller
        reindexes once, and inserts from the highest position down)."""
        self.view[position:position] = rows
        self.changes += 1
        if reindex:
            self.reindex()

    def remove(self, first: int, last: int) -> None:
        del self.view[first : last + 1]
        self.changes += 1


def _first(pair: tuple[Any, EventRow]) -> Any:
    return pair[0]


def contiguous(positions: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending positions as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and position == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


def sort_key(
    column: Column,
    zone: ZoneInfo,
    outcome_text: Callable[[RowId, ColumnKind], str],
    status_of: Callable[[RowId], RowStatus],
) -> SortKey:
    """How rows compare by ``column``: None for rows without a value (they sort last)."""
    kind = column.kind
    if kind is ColumnKind.STATUS:
        order = {status: i for i, status in enumerate(RowStatus)}
        return lambda r: order[status_of(r.row_id)]
    if kind is ColumnKind.HUBSPOT_ID or kind is ColumnKind.MESSAGE:
        return lambda r: natural(text) if (text := outcome_text(r.row_id, kind)) else None
    if kind is ColumnKind.EXTRA:
        position = column.extra_index

        def extra(r: EventRow) -> Any:
            text = cell_text(r.extras[position]) if position < len(r.extras) else ""
            return natural(text) if text else None

        return extra
    key = column.key
    if column.field is not None and column.field.kind is Kind.DATETIME:
        clock = wall_clock(zone)

        def instant(r: EventRow) -> Any:
            value = r.cell(key)
            if not isinstance(value, datetime):
                return None
            placed = clock.exact(value)
            return placed.astimezone(UTC) if isinstance(placed, datetime) else None

        return instant
    if column.field is not None and column.field.kind is Kind.BOOLEAN:
        return lambda r: v if (v := r.cell(key)).__class__ is bool else None
    if kind is ColumnKind.CUSTOM:
        name = key.partition(":")[2]
        return lambda r: natural(v) if (v := r.custom.get(name)) else None
    # plain text, in natural order, straight from the values; unusable cells have no value
    # and sort last, with the blanks
    return lambda r: natural(v) if (v := r.values.get(key)).__class__ is str and v else None
