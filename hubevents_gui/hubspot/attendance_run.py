"""Planning an attendance run and what comes after it, the same for the window and the command
line: which events HubSpot holds (rows of others are not sent), each row's input with the
event's start where the row has no time of its own, the batches; then the counters read back
and, when asked, the events completed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hubevents_gui.core.known_events import EventKey, KnownEvent, instant
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowStatus
from hubevents_gui.hubspot.attendance import (
    AttendanceContext,
    attendance_item,
    compose_attendance_batches,
    event_of,
)
from hubevents_gui.hubspot.batching import Batch, Item
from hubevents_gui.hubspot.reader import HubSpotReader, ParticipationCounters, ReadError


@dataclass
class AttendancePlan:
    #: the rows that go, with their items, in batches
    rows: list[EventRow]
    items: list[Item]
    batches: list[Batch]
    #: rows not sent because HubSpot holds no such event for this app
    not_sent: list[Outcome] = field(default_factory=list)
    #: HubSpot's copy of each event the rows name (None: not read, a dry run)
    events: dict[EventKey, KnownEvent] | None = None
    #: requests the plan cost
    requests: int = 0


#: an event that cannot be completed: HubSpot needs both times
NO_TIMES = "not completed: HubSpot holds no start and end for it"


def missing_event_text(key: EventKey) -> str:
    return (
        f"not sent: HubSpot holds no event {key[0]}/{key[1]} for this app "
        "(send the event first, or check its ids)"
    )


def read_events(reader: HubSpotReader, keys: Iterable[EventKey]) -> dict[EventKey, KnownEvent]:
    """HubSpot's copy of each of this app's events (name, start, end), read once each; an
    event HubSpot does not hold is left out."""
    events: dict[EventKey, KnownEvent] = {}
    for account, event_id in dict.fromkeys(keys):
        found = reader.event(account, event_id)
        if found is not None:
            events[(account, event_id)] = KnownEvent(
                account,
                event_id,
                str(found.get("eventName") or ""),
                instant(found.get("startDateTime")),
                "HubSpot",
                instant(found.get("endDateTime")),
            )
    return events


def plan_attendance(
    reader: HubSpotReader | None,
    rows: Sequence[EventRow],
    table: EventTable,
    zone: ZoneInfo,
    now: datetime,
    batch_size: int,
    known: Iterable[KnownEvent] = (),
) -> AttendancePlan:
    """The run for ``rows`` (valid ones). With a reader, each event the rows name is read once
    (its start is the default time of attended rows; rows of an event HubSpot does not hold are
    not sent); without one (a dry run), ``known`` events give the starts."""
    defaults = table.defaults
    keys: list[EventKey] = list(
        dict.fromkeys(k for row in rows if (k := event_of(row, defaults)) is not None)
    )
    events: dict[EventKey, KnownEvent] | None = None
    before = reader.requests if reader is not None else 0
    starts = {event.key: event.start for event in known}
    if reader is not None:
        events = read_events(reader, keys)
        starts = {key: event.start for key, event in events.items()}
    ctx = AttendanceContext(zone, now, starts, defaults)
    sending: list[EventRow] = []
    not_sent: list[Outcome] = []
    for row in rows:
        key = event_of(row, defaults)
        if events is not None and key is not None and key not in events:
            not_sent.append(
                Outcome(row.row_id, RowStatus.NOT_SENT, message=missing_event_text(key))
            )
        else:
            sending.append(row)
    items = [(row.row_id, attendance_item(row, ctx)) for row in sending]
    return AttendancePlan(
        sending,
        items,
        compose_attendance_batches(items, batch_size),
        not_sent,
        events,
        (reader.requests - before) if reader is not None else 0,
    )


def counter_lines(
    reader: HubSpotReader, plan: AttendancePlan, done: dict[EventKey, str] | None = None
) -> list[str]:
    """ "acme/WEB-1: 4 registered, 3 attended, 1 cancelled, 2 no-shows" for each event the plan
    went to (with what completing it did, when it was asked)."""
    lines = []
    for key, counted in read_counters(reader, touched_events(plan)).items():
        said = counted if isinstance(counted, str) else counted.text
        completed = f"; {done[key]}" if done and key in done else ""
        lines.append(f"{key[0]}/{key[1]}: {said}{completed}")
    return lines


def touched_events(plan: AttendancePlan) -> list[EventKey]:
    """The events the plan's rows go to, in order."""
    return list(
        dict.fromkeys(
            (str(body["externalAccountId"]), str(body["externalEventId"])) for _, body in plan.items
        )
    )


def read_counters(
    reader: HubSpotReader, keys: Iterable[EventKey]
) -> dict[EventKey, ParticipationCounters | str]:
    """Each event's counters, or why they could not be read."""
    found: dict[EventKey, ParticipationCounters | str] = {}
    for key in keys:
        try:
            found[key] = reader.participation_counters(*key)
        except ReadError as exc:
            found[key] = f"counters not read: {exc}"
    return found


def complete_events(
    reader: HubSpotReader,
    events: dict[EventKey, KnownEvent],
    keys: Iterable[EventKey],
    progress: Callable[[str], None] = lambda _text: None,
) -> dict[EventKey, str]:
    """Complete each event with its start and end as HubSpot holds them: per event, what
    happened in words."""
    from hubevents_gui.core.zones import utc_text

    said: dict[EventKey, str] = {}
    for key in keys:
        event = events.get(key)
        if event is None or event.start is None or event.end is None:
            said[key] = NO_TIMES
            continue
        try:
            reader.complete_event(key[0], key[1], utc_text(event.start), utc_text(event.end))
        except ReadError as exc:
            said[key] = f"not completed: {exc}"
            continue
        said[key] = "completed"
        progress(f"completed {key[0]}/{key[1]}")
    return said
