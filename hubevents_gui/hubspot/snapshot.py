"""HubSpot's copy of the events a run is about to send, kept in the run history so that the run
can be undone (and read again at undo time, to see what changed since).

The copy comes from the read a preview already made (:class:`Holdings`); without one it is read
here: the portal's list (one request per 100 events it holds, plus a search and identifiers,
see :func:`read_holdings`) while it costs no more than reading each event by its external ids
(one request each); once the list passes that (a large portal, a small file), by external ids.
The worst case is thus twice the per-event cost, and a small portal costs a request or two. The
reads by external ids see only this app's events, the only ones an upsert changes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from hubevents_gui.core.known_events import EventKey
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.holdings import (
    CostlyReadError,
    Holdings,
    RemoteEvent,
    read_holdings,
    remote_event,
)
from hubevents_gui.hubspot.reader import HubSpotReader

#: an event's prior copy as the history keeps it (None: HubSpot did not hold it)
Prior = dict[str, Any] | None


@dataclass(frozen=True)
class Snapshot:
    """HubSpot's copy of each event asked for, and what reading it cost."""

    events: dict[EventKey, RemoteEvent | None]
    requests: int

    def priors(self) -> dict[EventKey, Prior]:
        return {key: encode(event) for key, event in self.events.items()}

    def cost_line(self) -> str:
        """ "Read 40 events from HubSpot before the run (1 request) so the run can be undone" """
        return (
            f"Read {plural(len(self.events), 'event')} from HubSpot before the run "
            f"({plural(self.requests, 'request')}) so the run can be undone"
        )


def snapshot_from(holdings: Holdings, keys: Collection[EventKey]) -> Snapshot:
    """The copy a preview's read already holds: no request more."""
    return Snapshot({key: holdings.own.get(key) for key in keys}, 0)


def read_snapshot(
    reader: HubSpotReader,
    keys: Collection[EventKey],
    progress: Callable[[str], None] = lambda _text: None,
) -> Snapshot:
    """HubSpot's copy of this app's events with these keys, read the cheaper way (see the
    module's docstring). Raises ReadError / ReadCancelledError."""
    wanted = list(dict.fromkeys(keys))
    before = reader.requests
    if not wanted:
        return Snapshot({}, 0)
    try:
        holdings = read_holdings(reader, wanted, progress, most_requests=len(wanted))
        events = {key: holdings.own.get(key) for key in wanted}
    except CostlyReadError:
        events = {key: _one(reader, key) for key in wanted}
    return Snapshot(events, reader.requests - before)


def _one(reader: HubSpotReader, key: EventKey) -> RemoteEvent | None:
    item = reader.event(*key)
    event = remote_event(item) if item is not None else None
    if event is not None:
        # the read by external ids is this app's, whatever its answer says of the ids
        event.external_account_id, event.external_event_id = key
    return event


def encode(event: RemoteEvent | None) -> Prior:
    """What the history keeps of an event: its HubSpot id, fields and custom properties."""
    if event is None:
        return None
    return {"objectId": event.object_id, "fields": dict(event.fields), "custom": dict(event.custom)}


def decode(key: EventKey, prior: Mapping[str, Any]) -> RemoteEvent:
    """A kept copy as the diff compares it."""
    return RemoteEvent(
        object_id=str(prior.get("objectId") or ""),
        external_event_id=key[1],
        external_account_id=key[0],
        app_id=None,
        app_name="",
        fields=dict(prior.get("fields") or {}),
        custom={str(k): str(v) for k, v in (prior.get("custom") or {}).items()},
    )
