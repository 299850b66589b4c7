"""Which checks a table's rows get: the event ones or the attendee ones, by the table's kind.

The window's document, the run planner and the command line ask here, so a table is validated
the same way wherever it is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS
from hubevents_gui.core.attendee_validation import attendee_duplicates, validate_attendee_row
from hubevents_gui.core.fields import EVENT_FIELDS, FieldTable
from hubevents_gui.core.rows import EventRow, EventTable, RowId, Value
from hubevents_gui.core.validation import (
    Issue,
    collect_issues,
    duplicate_issues,
    validate_row,
)

#: every kind of table, by its name (as autosave and settings store it)
FIELD_TABLES: dict[str, FieldTable] = {f.name: f for f in (EVENT_FIELDS, ATTENDEE_FIELDS)}


class RowChecks:
    """The checks of one kind of table, with the values its sheet gives for blank cells."""

    def __init__(self, fields: FieldTable, defaults: Mapping[str, Value] | None = None) -> None:
        self.attendees = fields is ATTENDEE_FIELDS
        self.defaults = dict(defaults or {})

    def row(self, row: EventRow, zone: ZoneInfo) -> list[Issue]:
        """Everything wrong with one row on its own."""
        if self.attendees:
            return validate_attendee_row(row, zone, self.defaults)
        return validate_row(row, zone)

    def duplicates(self, rows: Iterable[EventRow]) -> dict[RowId, Issue]:
        """The issue of each row that another row repeats."""
        if self.attendees:
            return attendee_duplicates(rows, self.defaults)
        return duplicate_issues(rows)

    def rows(self, rows: Iterable[EventRow], zone: ZoneInfo) -> dict[RowId, list[Issue]]:
        """Issues of every row that has any (rows without issues are left out)."""
        return collect_issues(rows, lambda row: self.row(row, zone), self.duplicates)


def checks_for(table: EventTable) -> RowChecks:
    """The checks for ``table``'s rows, as its kind and its sheet-wide values say."""
    return RowChecks(table.fields, table.defaults)
