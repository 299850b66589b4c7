"""Planning an action on the events of chosen rows, the same for the window and the command
line: each row's item for the action's endpoint (:mod:`.event_actions`), what HubSpot must be
asked first (the start and end of events to complete that the row lacks, the object ids of
events to archive), the batches, and the rows that cannot go, with why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from hubevents_gui.core.known_events import EventKey
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.core.zones import utc_text, wall_clock
from hubevents_gui.hubspot.attendance_run import NO_TIMES, missing_event_text, read_events
from hubevents_gui.hubspot.batching import Batch, Item
from hubevents_gui.hubspot.endpoints import Endpoint
from hubevents_gui.hubspot.event_actions import ARCHIVE, CANCEL, COMPLETE, DELETE, delete_input
from hubevents_gui.hubspot.reader import HubSpotReader
from hubevents_gui.hubspot.wire import JsonObject


class Action(Enum):
    """What the user asked to do to the rows' events; the value is the command's word."""

    CANCEL = "cancel"
    COMPLETE = "complete"
    DELETE = "delete"
    #: delete by object id: any app's events
    ARCHIVE = "archive"

    @property
    def endpoint(self) -> Endpoint:
        endpoints: dict[Action, Endpoint] = {
            Action.CANCEL: CANCEL,
            Action.COMPLETE: COMPLETE,
            Action.DELETE: DELETE,
            Action.ARCHIVE: ARCHIVE,
        }
        return endpoints[self]

    @property
    def outcome(self) -> RowStatus:
        """A row's outcome when it went through."""
        return {
            Action.CANCEL: RowStatus.CANCELLED,
            Action.COMPLETE: RowStatus.COMPLETED,
        }.get(self, RowStatus.DELETED)

    @property
    def per_event(self) -> bool:
        """One event per request (cancel, complete); the others go in batches."""
        return self in (Action.CANCEL, Action.COMPLETE)


@dataclass
class ActionPlan:
    items: list[Item]
    batches: list[Batch]
    #: rows that cannot go, with why
    not_sent: list[Outcome] = field(default_factory=list)
    #: the event's name where a row or HubSpot gives one (for the confirmation)
    names: dict[RowId, str] = field(default_factory=dict)
    #: requests the plan cost
    requests: int = 0

    def event_names(self, most: int, more: str = "...") -> str:
        """ "Webinar A, Webinar B, ...": the first ``most`` events it acts on, by name where
        known (else by external event id), for a confirmation; ``more`` says there are more
        (plain dots by default: a terminal may not write an ellipsis)."""
        names = [
            self.names.get(row_id) or str(body.get("externalEventId", ""))
            for row_id, body in self.items
        ]
        return ", ".join(names[:most]) + (f", {more}" if len(names) > most else "")


#: the fields that name an event, in the order a sheet usually has them
KEY_FIELDS = ("externalAccountId", "externalEventId")


def missing_keys(row: EventRow) -> list[str]:
    """The fields of KEY_FIELDS ``row`` has no value for (an action cannot name its event)."""
    return [name for name in KEY_FIELDS if not isinstance(row.values.get(name), str)]


def event_key(row: EventRow) -> EventKey | None:
    account, event_id = row.values.get("externalAccountId"), row.values.get("externalEventId")
    if isinstance(account, str) and isinstance(event_id, str):
        return (account, event_id)
    return None


def plan_action(
    action: Action,
    rows: Sequence[EventRow],
    table: EventTable,
    zone: ZoneInfo,
    batch_size: int,
    *,
    reader: HubSpotReader | None,
    app_id: int | None = None,
) -> ActionPlan:
    """The run of ``action`` for ``rows``. ``reader`` (None: a dry run, nothing is read) gives
    the start and end of events to complete that a row lacks, and the object ids to archive;
    ``app_id`` (the token's app, from the token check) goes in each delete."""
    if action is Action.DELETE and app_id is None:
        raise ValueError("deleting by external ids needs the app's id (the token check's)")
    before = reader.requests if reader is not None else 0
    keyed: list[tuple[EventRow, EventKey]] = []
    not_sent: list[Outcome] = []
    names: dict[RowId, str] = {}
    for row in rows:
        key = event_key(row)
        if key is None:
            missing = [table.column_title(name) for name in missing_keys(row)]
            why = f"not sent: the row has no {' and no '.join(missing)}"
            not_sent.append(Outcome(row.row_id, RowStatus.NOT_SENT, message=why))
            continue
        keyed.append((row, key))
        if isinstance(name := row.values.get("eventName"), str):
            names[row.row_id] = name
    items: list[Item] = []
    if action is Action.COMPLETE:
        items = _completions(keyed, zone, reader, not_sent, names)
    elif action is Action.ARCHIVE:
        items = _object_ids(keyed, reader, not_sent, names)
    else:
        for row, (account, event_id) in keyed:
            body: JsonObject = {"externalAccountId": account, "externalEventId": event_id}
            if action is Action.DELETE and app_id is not None:
                body = delete_input((account, event_id), app_id)
            items.append((row.row_id, body))
    size = 1 if action.per_event else max(1, batch_size)
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    requests = (reader.requests - before) if reader is not None else 0
    return ActionPlan(items, batches, not_sent, names, requests)


def _completions(
    keyed: list[tuple[EventRow, EventKey]],
    zone: ZoneInfo,
    reader: HubSpotReader | None,
    not_sent: list[Outcome],
    names: dict[RowId, str],
) -> list[Item]:
    """Each event's start and end: the row's own, else HubSpot's (read once per event)."""
    clock = wall_clock(zone)
    lacking = [key for row, key in keyed if not _times(row)]
    held = read_events(reader, lacking) if reader is not None and lacking else {}
    items: list[Item] = []
    for row, key in keyed:
        times = _times(row)
        if times is not None:
            start, end = clock.utc_text(times[0]), clock.utc_text(times[1])
        else:
            event = held.get(key)
            if reader is not None and event is None:
                why = missing_event_text(key)
            elif event is None or event.start is None or event.end is None:
                why = NO_TIMES if reader is not None else "not sent: the row has no start and end"
            else:
                names.setdefault(row.row_id, event.name)
                start, end = utc_text(event.start), utc_text(event.end)
                why = ""
            if why:
                not_sent.append(Outcome(row.row_id, RowStatus.NOT_SENT, message=why))
                continue
        body = {"externalAccountId": key[0], "externalEventId": key[1]}
        items.append((row.row_id, {**body, "startDateTime": start, "endDateTime": end}))
    return items


def _times(row: EventRow) -> tuple[datetime, datetime] | None:
    start, end = row.values.get("startDateTime"), row.values.get("endDateTime")
    if isinstance(start, datetime) and isinstance(end, datetime):
        return start, end
    return None


def _object_ids(
    keyed: list[tuple[EventRow, EventKey]],
    reader: HubSpotReader | None,
    not_sent: list[Outcome],
    names: dict[RowId, str],
) -> list[Item]:
    """Each event's object id, from HubSpot's identifiers of its external event id (every
    app's events), read once per external event id."""
    found: dict[str, list[dict[str, object]]] = {}
    items: list[Item] = []
    for row, (account, event_id) in keyed:
        if reader is None:  # nothing read: an object id is not made up
            why = "not sent: its object id was not read from HubSpot"
            not_sent.append(Outcome(row.row_id, RowStatus.NOT_SENT, message=why))
            continue
        if event_id not in found:
            found[event_id] = reader.identifiers(event_id)
        held = [i for i in found[event_id] if i.get("externalAccountId") == account]
        if len(held) != 1:
            why = (
                f"not sent: HubSpot holds no event {account}/{event_id}"
                if not held
                else f"not sent: {len(held)} apps hold an event {account}/{event_id}: delete "
                "the one meant in HubSpot"
            )
            not_sent.append(Outcome(row.row_id, RowStatus.NOT_SENT, message=why))
            continue
        names.setdefault(row.row_id, str(held[0].get("marketingEventName") or ""))
        items.append((row.row_id, {"objectId": str(held[0].get("objectId"))}))
    return items
