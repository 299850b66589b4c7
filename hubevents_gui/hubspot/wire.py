"""Rows to the JSON HubSpot's upsert takes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from hubevents_gui.core.fields import COLUMN_FIELDS, Kind
from hubevents_gui.core.rows import EventRow, bulk
from hubevents_gui.core.zones import wall_clock

JsonObject = dict[str, Any]


_DATE_KEYS = tuple(f.key for f in COLUMN_FIELDS if f.kind is Kind.DATETIME)


def to_input(row: EventRow, zone: ZoneInfo) -> JsonObject:
    """One ``MarketingEventCreateRequestParams`` for a row that passed validation.

    Date-times in UTC with milliseconds and Z, booleans as JSON booleans, customProperties always
    present (``[]`` when none) as ``{name, value}`` string pairs, empty optional fields left out.
    A row's values hold only sendable values (see core.rows.EventRow), so the body starts as a
    copy of them and only the date-times change.
    """
    if row.bad:
        raise ValueError(f"row {row.source_row} has cells that cannot be sent: validate it first")
    body: JsonObject = dict(row.values)
    clock = None
    for key in _DATE_KEYS:
        value = body.get(key)
        if value is not None:
            clock = clock or wall_clock(zone)
            body[key] = clock.utc_text(value)
    custom = row.custom
    body["customProperties"] = (
        [{"name": name, "value": value} for name, value in custom.items()] if custom else []
    )
    return body


def inputs_for(rows: Iterable[EventRow], zone: ZoneInfo) -> list[JsonObject]:
    """to_input for many rows that passed validation (without pausing for garbage collection)."""
    with bulk():
        return [to_input(row, zone) for row in rows]
