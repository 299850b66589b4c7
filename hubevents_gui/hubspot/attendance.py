"""Attendee rows to HubSpot's attendance endpoints, and their answers back to rows.

An email row goes to ``attendance/{externalEventId}/{state}/email-create`` (HubSpot creates the
contacts it does not know, with the contact properties), a Contact ID row to ``.../create``;
``externalAccountId`` is the query. A batch holds the rows of one event, account, state and
kind of id, never one contact twice (results are attributed by the email or vid they echo).
HubSpot says these writes are idempotent while the contact and the interaction time stay the
same, so rows no result names are sent again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from hubevents_gui.core.attendee_fields import (
    ATTEND,
    CONTACT_FIELDS,
    CONTACT_ID,
    EMAIL,
    INTERACTION,
    JOINED,
    LEFT,
)
from hubevents_gui.core.attendee_validation import row_state
from hubevents_gui.core.known_events import EventKey
from hubevents_gui.core.rows import EventRow, Outcome, RowId, RowStatus, Value
from hubevents_gui.core.zones import utc_text, wall_clock
from hubevents_gui.hubspot.batching import Batch, Item
from hubevents_gui.hubspot.endpoints import Request
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.wire import JsonObject

#: a refusal that names the subscriber state ("subscriberState 'x' is not one of ...")
_NAMES_STATE = re.compile(r"subscriber[ _-]?state", re.IGNORECASE)
#: the keys of an item that say where it goes; the rest is HubSpot's input
_ROUTE_KEYS = ("externalEventId", "externalAccountId", "subscriberState")


@dataclass(frozen=True)
class AttendanceContext:
    """What a row's input depends on beyond the row: fixed when a run is planned."""

    zone: ZoneInfo
    #: the time of sending, for rows other than attended ones without an Interaction Time
    now: datetime
    #: each event's start (aware), from HubSpot or the open event table
    event_starts: Mapping[EventKey, datetime | None] = field(default_factory=dict)
    #: values for blank cells, given once for the sheet (event, account, state)
    defaults: Mapping[str, Value] = field(default_factory=dict)


def event_of(row: EventRow, defaults: Mapping[str, Value]) -> EventKey | None:
    """(externalAccountId, externalEventId) of a row, its own or the sheet's."""
    account = row.values.get("externalAccountId", defaults.get("externalAccountId"))
    event = row.values.get("externalEventId", defaults.get("externalEventId"))
    if isinstance(account, str) and isinstance(event, str):
        return (account, event)
    return None


def interaction_time(row: EventRow, ctx: AttendanceContext) -> datetime:
    """When the contact did it, in UTC: the row's Interaction Time, else the event's start for
    attended rows, else the time of sending."""
    value = row.values.get(INTERACTION)
    if isinstance(value, datetime):
        placed = wall_clock(ctx.zone).exact(value)
        if isinstance(placed, datetime):
            return placed.astimezone(UTC)
    if row_state(row, ctx.defaults) == ATTEND:
        key = event_of(row, ctx.defaults)
        start = ctx.event_starts.get(key) if key is not None else None
        if start is not None:
            return start.astimezone(UTC)
    return ctx.now.astimezone(UTC)


def _milliseconds(value: datetime) -> int:
    return round(value.timestamp() * 1000)


def attendance_item(row: EventRow, ctx: AttendanceContext) -> JsonObject:
    """The engine's item for a valid row: where it goes and HubSpot's input (``email`` or
    ``vid``, ``interactionDateTime`` in epoch ms, ``properties`` with joinedAt/leftAt for
    attended rows, ``contactProperties`` for email rows; ``{}`` when empty)."""
    if row.bad:
        raise ValueError(f"row {row.source_row} has cells that cannot be sent: validate it first")
    key = event_of(row, ctx.defaults)
    state = row_state(row, ctx.defaults)
    if key is None or state is None:
        raise ValueError(f"row {row.source_row} names no event or state: validate it first")
    values = row.values
    item: JsonObject = {
        "externalAccountId": key[0],
        "externalEventId": key[1],
        "subscriberState": state,
    }
    contact = values.get(CONTACT_ID)
    if isinstance(contact, str):
        item["vid"] = int(contact.strip())
    else:
        item["email"] = str(values[EMAIL]).strip()
    item["interactionDateTime"] = _milliseconds(interaction_time(row, ctx))
    properties: JsonObject = {}
    if state == ATTEND:
        clock = wall_clock(ctx.zone)
        for name in (JOINED, LEFT):
            value = values.get(name)
            if isinstance(value, datetime):
                placed = clock.exact(value)
                if isinstance(placed, datetime):
                    properties[name] = utc_text(placed)
    item["properties"] = properties
    if "email" in item:
        contact_properties: JsonObject = {
            name: values[name] for name in CONTACT_FIELDS if isinstance(values.get(name), str)
        }
        contact_properties.update(row.custom)
        item["contactProperties"] = contact_properties
    return item


def contact_of(item: JsonObject) -> str:
    """Who an item (or a result) is about, as answers echo it: ``vid:42`` or the folded email."""
    vid = item.get("vid")
    if vid is not None and not item.get("email"):
        return f"vid:{vid}"
    return str(item.get("email") or "").strip().casefold()


def group_of(item: JsonObject) -> tuple[object, ...]:
    """The request an item goes in: its event, account, state and kind of id."""
    return (*(item[key] for key in _ROUTE_KEYS), "vid" in item)


def compose_attendance_batches(items: Sequence[Item], size: int) -> list[Batch]:
    """Batches of up to ``size`` items of one group each, in input order within a group; a
    contact that comes twice in a group goes in a later batch (its results could not be told
    apart). Linear in the items, as batching.compose_batches is."""
    size = max(1, size)
    batches: list[Batch] = []
    #: group -> its batches, as indexes into ``batches``
    groups: dict[tuple[object, ...], list[int]] = {}
    #: group -> the first of its batches that is not full
    first_open: dict[tuple[object, ...], int] = {}
    #: (group, contact) -> the position (in its group) of the last batch holding the contact
    last_of: dict[tuple[tuple[object, ...], str], int] = {}
    for item in items:
        group = group_of(item[1])
        mine = groups.setdefault(group, [])
        key = (group, contact_of(item[1]))
        position = max(first_open.get(group, 0), last_of.get(key, -1) + 1)
        while position < len(mine) and len(batches[mine[position]]) >= size:
            position += 1
        if position == len(mine):
            mine.append(len(batches))
            batches.append([])
        batches[mine[position]].append(item)
        last_of[key] = position
        opened = first_open.get(group, 0)
        while opened < len(mine) and len(batches[mine[opened]]) >= size:
            opened += 1
        first_open[group] = opened
    return batches


class AttendanceEndpoint:
    """``POST {api}/attendance/{externalEventId}/{state}/email-create`` (or ``/create``)."""

    attendees = True
    single = False

    def request(self, settings: ConnectionSettings, items: Sequence[Item]) -> Request:
        first = items[0][1]
        by_id = "vid" in first
        path = (
            f"{settings.api_path()}/attendance/{quote(str(first['externalEventId']), safe='')}"
            f"/{quote(str(first['subscriberState']), safe='')}"
            f"/{'create' if by_id else 'email-create'}"
        )
        inputs = [{k: v for k, v in body.items() if k not in _ROUTE_KEYS} for _, body in items]
        return path, {"externalAccountId": str(first["externalAccountId"])}, {"inputs": inputs}

    def read(
        self,
        items: Sequence[Item],
        results: list[JsonObject],
        errors: list[JsonObject],
        status: int,
    ) -> tuple[list[Outcome], list[Item]]:
        waiting: dict[str, RowId] = {contact_of(body): row_id for row_id, body in items}
        bodies = dict(items)
        by_id = bool(items) and "vid" in items[0][1]
        outcomes: list[Outcome] = []
        for result in results:
            # a contact-id request's results are its vids, whatever else they carry
            echoed = contact_of({"vid": result.get("vid")} if by_id else result)
            row_id = waiting.pop(echoed, None)
            if row_id is not None:
                vid = result.get("vid")
                outcomes.append(
                    Outcome(row_id, RowStatus.RECORDED, str(vid) if vid is not None else None)
                )
        unexplained: list[JsonObject] = []
        for error in errors:
            contacts = _named_contacts(error)
            if not contacts:
                unexplained.append(error)
            outcomes += [_failed(waiting.pop(c), error, status) for c in contacts if c in waiting]
        if len(unexplained) == 1 and len(waiting) == 1:
            # one error naming no contact and one row no result names: they are each other's
            outcomes.append(_failed(waiting.popitem()[1], unexplained[0], status))
        return outcomes, [(row_id, bodies[row_id]) for row_id in waiting.values()]

    def fails_whole(self, status: int, message: str) -> bool:
        # an unknown event, or a state HubSpot does not take: the same for every row here (a
        # 400 about a contact property called "state" is one row's, and is bisected)
        return status == 404 or (status == 400 and _NAMES_STATE.search(message) is not None)

    def confirm_request(
        self, settings: ConnectionSettings, body: JsonObject
    ) -> tuple[str, dict[str, str]] | None:
        del settings, body  # idempotent while contact and time are unchanged: sent again
        return None

    def confirmed(self, row_id: RowId, body: JsonObject, found: JsonObject) -> Outcome | None:
        del row_id, body, found  # never asked: confirm_request names no GET
        return None


def _failed(row_id: RowId, error: JsonObject, status: int) -> Outcome:
    return Outcome(
        row_id,
        RowStatus.FAILED,
        message=str(error.get("message") or "error"),
        http_status=status,
        category=error.get("category"),
    )


def _named_contacts(error: JsonObject) -> list[str]:
    """The contacts a per-input error names in its context (emails, or ids as vids)."""
    context = error.get("context")
    if not isinstance(context, dict):
        return []
    named = [str(e).strip().casefold() for e in _values(context, "emails", "email")]
    named += [f"vid:{v}" for v in _values(context, "ids", "vids", "vid")]
    return named


def _values(context: dict[str, object], *keys: str) -> list[object]:
    """What a context says under any of ``keys``: the spec's lists of strings, or one value."""
    found: list[object] = []
    for key in keys:
        value = context.get(key)
        if isinstance(value, list):
            found += value
        elif value is not None:
            found.append(value)
    return found


ATTENDANCE = AttendanceEndpoint()
