"""The rows of an event table, and the values their cells can hold."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import NewType

from hubevents_gui.core.fields import CUSTOM_KEY_PREFIX, EVENT_FIELDS, FieldTable

#: a row's identity for its whole life: survives sorting, filtering, edits and deletion of others
RowId = NewType("RowId", int)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A cell whose value cannot be used as it stands; kept so the user's text is never lost."""

    text: str
    reason: str

    def __str__(self) -> str:
        return self.text


#: a usable value: non-empty text for text/url fields, a datetime for date-times (naive = wall
#: clock in the table's zone, aware = an explicit offset), a bool for booleans
Value = str | bool | datetime

#: what parsing a cell gives: a value, an unusable cell, or None for a blank one
CellValue = Value | Unreadable | None


@dataclass(slots=True)
class EventRow:
    """One event. Blank cells are absent; unusable ones are in ``bad``, never in ``values``.

    Keeping ``values`` to sendable values only lets validation and the payload skip type checks
    on the hot path of a 100k-row table (see validation.validate_row, wire.to_input).
    """

    row_id: RowId
    #: the spreadsheet row number it came from (1-based), None for rows made in the app
    source_row: int | None
    #: field key -> value, for the column fields (customProperties lives in ``custom``)
    values: dict[str, Value] = field(default_factory=dict)
    #: custom property name -> its (non-empty) text value
    custom: dict[str, str] = field(default_factory=dict)
    #: the cells of columns that are not sent, in the table's ``extra_headers`` order
    extras: tuple[object, ...] = ()
    #: column key (field key or "custom:NAME") -> a cell that cannot be used as it stands
    bad: dict[str, Unreadable] = field(default_factory=dict)

    def copy(self, row_id: RowId) -> EventRow:
        return EventRow(
            row_id, None, dict(self.values), dict(self.custom), self.extras, dict(self.bad)
        )

    def cell(self, column_key: str) -> CellValue:
        """What a column of this row holds: a value, an unusable cell, or None."""
        bad = self.bad.get(column_key) if self.bad else None
        if bad is not None:
            return bad
        if column_key.startswith(CUSTOM_KEY_PREFIX):
            return self.custom.get(column_key[len(CUSTOM_KEY_PREFIX) :])
        return self.values.get(column_key)

    def set_cell(self, column_key: str, value: CellValue) -> None:
        """Store a parsed cell where it belongs (blank removes it).

        The row's dicts are replaced, never changed in place: a thread that reads a row while
        the window edits it (the journal's writer encoding a snapshot) always sees whole dicts.
        """
        bad = self.bad
        if column_key in bad:
            bad = {k: v for k, v in bad.items() if k != column_key}
        custom = column_key.startswith(CUSTOM_KEY_PREFIX)
        key = column_key[len(CUSTOM_KEY_PREFIX) :] if custom else column_key
        target: dict[str, object] = dict(self.custom if custom else self.values)
        target.pop(key, None)
        if isinstance(value, Unreadable):
            bad = {**bad, column_key: value}
        elif value is not None and value != "":
            target[key] = value
        if custom:
            self.custom = target  # type: ignore[assignment]
        else:
            self.values = target  # type: ignore[assignment]
        self.bad = bad


@dataclass(slots=True)
class EventTable:
    """What was read from one sheet: rows plus where each column came from."""

    file: Path | None
    sheet: str | None
    rows: list[EventRow]
    #: custom property names, in column order
    custom_names: list[str] = field(default_factory=list)
    #: headers of the columns that are carried but not sent
    extra_headers: list[str] = field(default_factory=list)
    #: column key ("eventName", "custom:NAME") -> 0-based column in the source sheet
    source_columns: dict[str, int] = field(default_factory=dict)
    #: every column of the source in its order: field keys, "custom:NAME", and "extra:N" for
    #: the N-th carried column; with ``headers``, how result files are laid out
    column_keys: list[str] = field(default_factory=list)
    #: column key -> the header it had in the source
    headers: dict[str, str] = field(default_factory=dict)
    #: the 1-based row of the header in the source
    header_row: int | None = None
    #: what the reader wants the user to know (encoding fallback, ignored columns, ...)
    notes: list[str] = field(default_factory=list)
    #: whether its date text was read day first (04/03/2026 as 4 March): what the source's
    #: cells mean, whatever the setting is later
    day_first: bool = False
    #: what kind of table it is (events, attendees): its fields and how they are headed
    fields: FieldTable = EVENT_FIELDS
    #: values for the rows that leave a column blank, given once for the whole sheet (the
    #: attendees' event, account and state): field key -> value
    defaults: dict[str, Value] = field(default_factory=dict)

    @property
    def location_prefix(self) -> str:
        """How cells of this table are named in messages: ``Sheet1`` as in ``Sheet1!C7``."""
        if self.sheet:
            return self.sheet
        return self.file.stem if self.file else "table"

    def column_title(self, column_key: str) -> str:
        """The column as the user knows it: its header in their file, else the field's title."""
        header = self.headers.get(column_key)
        if header:
            return header
        return self.fields.title(column_key)

    def cell_name(self, row: EventRow, column_key: str) -> str:
        """Where a row's cell is in the source: ``Sheet1!C7``, or a description for new rows."""
        column = self.source_columns.get(column_key)
        letter = column_letter(column) if column is not None else ""
        if row.source_row is None:
            return f"{self.location_prefix}!{letter or column_key} (new row)"
        return f"{self.location_prefix}!{letter}{row.source_row}"


class RowIds:
    """Hands out RowIds that are never reused within one process; thread-safe (an import on a
    worker takes ids while the window adds rows)."""

    def __init__(self, start: int = 1) -> None:
        self._next = start
        self._lock = threading.Lock()

    def __call__(self) -> RowId:
        with self._lock:
            row_id = RowId(self._next)
            self._next += 1
            return row_id

    def take(self, count: int) -> range:
        """``count`` fresh ids at once (as ints: wrap in RowId where the type matters)."""
        with self._lock:
            first = self._next
            self._next += count
            return range(first, first + count)

    def skip_past(self, used: int) -> None:
        with self._lock:
            self._next = max(self._next, used + 1)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class RowStatus(Enum):
    """Where a row stands with HubSpot. The table shows it as text, an icon and a colour."""

    NEW = "not yet sent"
    QUEUED = "queued"
    SENDING = "sending"
    CREATED = "created"
    UPDATED = "updated"
    FAILED = "failed"
    NOT_SENT = "not sent"
    EDITED = "edited since upsert"
    #: a changed-only run left it alone: HubSpot already holds it as it is
    UNCHANGED = "unchanged"
    #: an attendee's participation is recorded (with the HubSpot contact id)
    RECORDED = "recorded"
    #: an action on the row's event went through (hubevents events cancel|complete|delete)
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    DELETED = "deleted"

    @property
    def done(self) -> bool:
        """Created, updated, unchanged or recorded: HubSpot has this row as it is; or the
        action asked of HubSpot for it went through (cancelled, completed, deleted), so that
        sending again the rows not done leaves it alone."""
        return self in _DONE


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one row in a run: plain data, safe to pass between threads."""

    row_id: RowId
    status: RowStatus
    hubspot_id: str | None = None
    message: str = ""
    http_status: int | None = None
    category: str | None = None
    correlation_id: str | None = None
    #: custom properties sent that HubSpot's answer left out (not defined on the account): the
    #: row is still created or updated, without them
    dropped: tuple[str, ...] = ()

    @property
    def dropped_text(self) -> str:
        """What the row lost, in words (empty when nothing was dropped)."""
        if not self.dropped:
            return ""
        return "HubSpot dropped custom properties: " + ", ".join(self.dropped)

    @property
    def summary(self) -> str:
        """The message a user sees in the Message column."""
        parts = []
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.category:
            parts.append(self.category)
        head = " ".join(parts)
        if head and self.message.startswith(head):
            head = ""  # the message says it already ("HTTP 502: ... (gave up after 6 attempts)")
        text = f"{head}: {self.message}" if head and self.message else head or self.message
        if self.correlation_id:
            text += f" (correlation id {self.correlation_id})"
        if self.dropped:
            text = f"{text}; {self.dropped_text}" if text else self.dropped_text
        return text


#: the outcomes of the actions on events, one per action
ACTED = (RowStatus.CANCELLED, RowStatus.COMPLETED, RowStatus.DELETED)
_DONE = frozenset(
    (RowStatus.CREATED, RowStatus.UPDATED, RowStatus.UNCHANGED, RowStatus.RECORDED, *ACTED)
)
