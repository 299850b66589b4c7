"""The events an attendee sheet can be about: those of an event table the user has open, and
those HubSpot holds for this app. Each with its start, which an attended row without its own
Interaction Time takes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hubevents_gui.core.rows import EventTable
from hubevents_gui.core.zones import wall_clock

EventKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class KnownEvent:
    account: str
    event_id: str
    name: str
    #: an aware instant, or None when the event has no (usable) start
    start: datetime | None
    #: where it is known from, in words ("the open table", "HubSpot")
    source: str
    #: an aware instant, or None
    end: datetime | None = None

    @property
    def key(self) -> EventKey:
        return (self.account, self.event_id)

    @property
    def label(self) -> str:
        """ "Spring Webinar: acme-events / WEB-2026-001, 4 Mar 2026 10:00 UTC" """
        when = f", {self.start:%d %b %Y %H:%M %Z}" if self.start is not None else ""
        name = f"{self.name}: " if self.name else ""
        return f"{name}{self.account} / {self.event_id}{when}"


def events_of_table(table: EventTable, zone: ZoneInfo) -> list[KnownEvent]:
    """The events of an event table that have both ids (in row order, each once)."""
    clock = wall_clock(zone)
    found: dict[EventKey, KnownEvent] = {}
    for row in table.rows:
        values = row.values
        account, event = values.get("externalAccountId"), values.get("externalEventId")
        if not isinstance(account, str) or not isinstance(event, str):
            continue
        start, end = values.get("startDateTime"), values.get("endDateTime")
        placed = clock.exact(start) if isinstance(start, datetime) else None
        ends = clock.exact(end) if isinstance(end, datetime) else None
        name = values.get("eventName")
        found.setdefault(
            (account, event),
            KnownEvent(
                account,
                event,
                name if isinstance(name, str) else "",
                placed if isinstance(placed, datetime) else None,
                "the event table",
                ends if isinstance(ends, datetime) else None,
            ),
        )
    return list(found.values())


def instant(text: object) -> datetime | None:
    """HubSpot's ISO-8601 date-time as an aware instant (None when it is not one)."""
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def merged(*sources: Iterable[KnownEvent]) -> list[KnownEvent]:
    """Every event once, the first source's copy first (the user's table over HubSpot's)."""
    found: dict[EventKey, KnownEvent] = {}
    for source in sources:
        for event in source:
            found.setdefault(event.key, event)
    return list(found.values())
