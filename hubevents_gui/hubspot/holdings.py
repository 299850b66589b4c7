"""What HubSpot holds for this app: every event with both external ids, from as few reads as
the API allows.

The list (100 events a request) shows every app's events with ``appInfo`` and the external event
id, but not the external account id. One search (an empty query) asks for this app's events with
both ids; whatever it leaves unresolved (HubSpot's search may match differently, and new events
take minutes to become searchable) is resolved with one identifiers request per external event id,
which also names the account of other apps' events with that id (a conflict).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hubevents_gui.core.fields import COUNTER_HEADERS
from hubevents_gui.core.known_events import EventKey, KnownEvent, instant
from hubevents_gui.hubspot.wire import ECHO_FIELDS, JsonObject

if TYPE_CHECKING:  # httpx loads with the first read, not when the window starts
    from hubevents_gui.hubspot.reader import HubSpotReader

__all__ = ["EventKey", "Holdings", "RemoteEvent", "known_events", "read_holdings"]


@dataclass(slots=True)
class RemoteEvent:
    """One marketing event as HubSpot keeps it (values as HubSpot returns them)."""

    object_id: str
    external_event_id: str
    #: None until a search or identifiers read told it
    external_account_id: str | None
    app_id: str | None
    app_name: str
    #: event field key (eventName, startDateTime, ...) -> HubSpot's value
    fields: JsonObject
    #: custom property name -> value
    custom: dict[str, str]
    #: HubSpot's participation counters (registrants, attendees, cancellations, noShows), as
    #: far as its answer gave them
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> EventKey | None:
        if self.external_account_id is None:
            return None
        return (self.external_account_id, self.external_event_id)


@dataclass
class Holdings:
    app_id: str | None
    #: this app's events by (externalAccountId, externalEventId)
    own: dict[EventKey, RemoteEvent] = field(default_factory=dict)
    #: this app's events whose account no read could tell
    unresolved: list[RemoteEvent] = field(default_factory=list)
    #: other apps' events (their accounts known where they were asked for)
    others: list[RemoteEvent] = field(default_factory=list)
    #: requests the read cost
    requests: int = 0

    def other_app_with(self, key: EventKey) -> RemoteEvent | None:
        """Another app's event with these external ids: an upsert would make a second one."""
        return next((e for e in self.others if e.key == key), None)


class CostlyReadError(Exception):
    """The list would cost more requests than the caller allowed (it stopped there)."""


def read_holdings(
    reader: HubSpotReader,
    wanted: Collection[EventKey] | None = None,
    progress: Callable[[str], None] = lambda _text: None,
    most_requests: int | None = None,
) -> Holdings:
    """This app's events (all of them, or those whose ids ``wanted`` names, with the other
    apps' events that share those ids). Raises ReadError / ReadCancelledError, and
    CostlyReadError once listing took more than ``most_requests``."""
    before = reader.requests
    app_id = reader.app_id()
    listed: list[RemoteEvent] = []
    for item in reader.events():
        if most_requests is not None and reader.requests - before > most_requests:
            raise CostlyReadError()
        event = remote_event(item)
        if event is not None:
            listed.append(event)
            if len(listed) % 1000 == 0:
                progress(f"read {len(listed):,} events")
    progress(f"read {len(listed):,} events")
    wanted_ids = None if wanted is None else {event_id for _, event_id in wanted}
    searched: list[JsonObject] | None = None
    if app_id is None and listed:
        searched = reader.search("")
        app_id = next((str(r["appId"]) for r in searched if r.get("appId") is not None), None)
        if app_id is None:
            from hubevents_gui.hubspot.reader import ReadError

            raise ReadError(
                "HubSpot did not say which app this token belongs to, so its events cannot be "
                "told from other apps' (use a private-app token)"
            )
    holdings = Holdings(app_id)
    own = [e for e in listed if e.app_id == app_id]
    others = [e for e in listed if e.app_id != app_id]
    if wanted_ids is not None:
        own = [e for e in own if e.external_event_id in wanted_ids]
        others = [e for e in others if e.external_event_id in wanted_ids]
    if own:
        if searched is None:
            searched = reader.search("")
        _apply_accounts({e.object_id: e for e in own}, searched, app_id)
    # by object id: each identifiers answer names a few events, and the list may hold 100,000
    by_object = {e.object_id: e for e in listed}
    asked: set[str] = set()
    for group in (own, others if wanted_ids is not None else []):
        for event_id in dict.fromkeys(e.external_event_id for e in group if e.key is None):
            if event_id in asked:
                continue
            asked.add(event_id)
            _apply_accounts(by_object, reader.identifiers(event_id), None)
    if asked:
        ids = f"{len(asked):,} external event id" + ("s" if len(asked) != 1 else "")
        progress(f"asked HubSpot for the accounts of {ids}")
    for event in own:
        if event.key is None:
            holdings.unresolved.append(event)
        else:
            holdings.own[event.key] = event
    holdings.others = others
    holdings.requests = reader.requests - before
    return holdings


def known_events(holdings: Holdings) -> dict[EventKey, KnownEvent]:
    """This app's events as an attendee sheet knows them: name, start and end."""
    return {
        key: KnownEvent(
            key[0],
            key[1],
            str(remote.fields.get("eventName") or ""),
            instant(remote.fields.get("startDateTime")),
            "HubSpot",
            instant(remote.fields.get("endDateTime")),
        )
        for key, remote in holdings.own.items()
    }


def _apply_accounts(
    events: dict[str, RemoteEvent], answers: list[JsonObject], app_id: str | None
) -> None:
    """Fill in accounts (of ``events``, by object id) from search results (``app_id``: only
    that app's) or identifiers (every app's)."""
    for answer in answers:
        account = answer.get("externalAccountId")
        if account is None or (app_id is not None and str(answer.get("appId")) != app_id):
            continue
        event = events.get(str(answer.get("objectId")))
        if event is not None and event.external_account_id is None:
            event.external_account_id = str(account)


def remote_event(item: JsonObject) -> RemoteEvent | None:
    """A list (or read) item as a RemoteEvent; None for one without the ids to key it."""
    object_id = item.get("objectId") or item.get("id")
    event_id = item.get("externalEventId")
    if object_id is None or not isinstance(event_id, str):
        return None
    app = item.get("appInfo")
    app_id = app.get("id") if isinstance(app, dict) else None
    app_name = app.get("name") if isinstance(app, dict) else None
    account = item.get("externalAccountId")
    custom = {
        str(p["name"]): "" if p.get("value") is None else str(p.get("value"))
        for p in item.get("customProperties") or []
        if isinstance(p, dict) and p.get("name")
    }
    return RemoteEvent(
        object_id=str(object_id),
        external_event_id=event_id,
        external_account_id=str(account) if account is not None else None,
        app_id=str(app_id) if app_id is not None else None,
        app_name=str(app_name or app_id or "another app"),
        fields={k: item[k] for k in ECHO_FIELDS if item.get(k) is not None},
        custom=custom,
        counters={
            key: int(item[key])
            for key, _ in COUNTER_HEADERS
            if isinstance(item.get(key), int | float) and not isinstance(item.get(key), bool)
        },
    )
