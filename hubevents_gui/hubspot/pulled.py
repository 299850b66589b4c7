"""HubSpot's copy of this app's events as a sheet: the headers the app reads, one row per event.

Pull writes it to a file and the window opens it as a table, so both read the same rows: sorted
by External Account ID then External Event ID, date-times in the chosen zone, booleans as
booleans, one ``custom:NAME`` column per custom property the events carry, the HubSpot ID, and
HubSpot's participation counters (read-only: carried, never sent).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hubevents_gui.core.event_sheet import HUBSPOT_ID_HEADER
from hubevents_gui.core.fields import COLUMN_FIELDS, COUNTER_HEADERS, Kind, custom_header
from hubevents_gui.hubspot.holdings import Holdings, RemoteEvent


def pulled_events(holdings: Holdings) -> list[RemoteEvent]:
    """This app's events in the sheet's order (those without a known account first)."""
    events = [*holdings.own.values(), *holdings.unresolved]
    return sorted(events, key=lambda e: (e.external_account_id or "", e.external_event_id))


def pulled_sheet(
    holdings: Holdings, zone: ZoneInfo, *, aware: bool = False
) -> tuple[list[str], list[list[object]]]:
    """(headers, rows) for this app's events. Date-times are wall-clock times in ``zone``
    (workbook cells hold no zone), or ``aware`` ones with their offset (for text files)."""
    events = pulled_events(holdings)
    names = sorted({name for event in events for name in event.custom})
    headers = [f.title for f in COLUMN_FIELDS] + [custom_header(n) for n in names]
    headers.append(HUBSPOT_ID_HEADER)
    headers += [title for _, title in COUNTER_HEADERS]
    rows: list[list[object]] = []
    for event in events:
        row: list[object] = []
        for spec in COLUMN_FIELDS:
            if spec.key == "externalAccountId":
                row.append(event.external_account_id)
            elif spec.key == "externalEventId":
                row.append(event.external_event_id)
            else:
                row.append(_cell(spec.kind, event.fields.get(spec.key), zone, aware))
        row += [event.custom.get(name) for name in names]
        row.append(event.object_id)
        row += [event.counters.get(key) for key, _ in COUNTER_HEADERS]
        rows.append(row)
    return headers, rows


def _cell(kind: Kind, value: object, zone: ZoneInfo, aware: bool) -> object:
    if value is None or value == "":
        return None
    if kind is Kind.DATETIME and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value  # kept as HubSpot wrote it: the user sees what is there
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo("UTC"))
        local = moment.astimezone(zone)
        return local if aware else local.replace(tzinfo=None)
    if kind is Kind.BOOLEAN:
        if isinstance(value, bool):
            return value
        return str(value).strip().casefold() == "true"
    return value if isinstance(value, str) else str(value)
