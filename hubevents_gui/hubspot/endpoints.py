"""What the one engine needs to know of an endpoint: the request for a batch, reading its answer
into outcomes, and which refusals no row of the batch can survive.

The engine (rate limits, retries, bisecting, cancel, the stops) is the same for every write;
an :class:`Endpoint` is the part that differs. :class:`EventUpsert` is the batch upsert of
events; the attendance endpoints are in :mod:`hubevents_gui.hubspot.attendance`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from urllib.parse import quote

from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.hubspot.batching import Item
from hubevents_gui.hubspot.errors import errors_by_event
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.wire import JsonObject, attribute, outcome_of

#: a request: path (under the base URL), query parameters, JSON body (None: no body)
Request = tuple[str, dict[str, str], JsonObject | None]


class Endpoint(Protocol):
    #: its rows are attendees (they are recorded, not created or updated)
    attendees: bool
    #: its answer is the one event of the request (per-event actions), not a batch's
    #: ``results`` and ``errors``
    single: bool

    def request(self, settings: ConnectionSettings, items: Sequence[Item]) -> Request:
        """The request that sends ``items`` (one batch: the engine never mixes groups)."""
        ...

    def read(
        self,
        items: Sequence[Item],
        results: list[JsonObject],
        errors: list[JsonObject],
        status: int,
    ) -> tuple[list[Outcome], list[Item]]:
        """The outcomes a 200/207 answer gives (a 204 has neither results nor errors: the
        endpoint says what it means), and the items it says nothing about."""
        ...

    def fails_whole(self, status: int, message: str) -> bool:
        """Whether a refusal concerns what every row of the batch shares (an unknown event):
        then the rows fail together, without bisecting."""
        ...

    def confirm_request(
        self, settings: ConnectionSettings, body: JsonObject
    ) -> tuple[str, dict[str, str]] | None:
        """The GET (path, query) that asks whether a row no result named went in; None: the
        endpoint's writes are idempotent, and the row is sent again instead."""
        ...

    def confirmed(self, row_id: RowId, body: JsonObject, found: JsonObject) -> Outcome | None:
        """The row's outcome when the confirming GET's answer shows it went in, else None."""
        ...


class EventUpsert:
    """``POST {events}/upsert``: results matched to rows by what they echo; unmatched rows
    confirmed by a GET by external ids (and sent again when HubSpot has not got them: upsert
    is idempotent by external ids)."""

    attendees = False
    single = False

    def request(self, settings: ConnectionSettings, items: Sequence[Item]) -> Request:
        return settings.events_path() + "/upsert", {}, {"inputs": [body for _, body in items]}

    def read(
        self,
        items: Sequence[Item],
        results: list[JsonObject],
        errors: list[JsonObject],
        status: int,
    ) -> tuple[list[Outcome], list[Item]]:
        matched, unmatched = attribute(items, results)
        bodies = dict(items)
        outcomes = [
            outcome_of(row_id, result, bodies[row_id]) for row_id, result in matched.items()
        ]
        named = errors_by_event(errors)
        left: list[Item] = []
        for row_id in unmatched:
            error = named.get(str(bodies[row_id].get("externalEventId")))
            if error is None:
                left.append((row_id, bodies[row_id]))
                continue
            outcomes.append(
                Outcome(
                    row_id,
                    RowStatus.FAILED,
                    message=str(error.get("message") or "error"),
                    http_status=status,
                    category=error.get("category"),
                )
            )
        return outcomes, left

    def fails_whole(self, status: int, message: str) -> bool:
        del status, message  # any row of an upsert may be the bad one: bisecting finds it
        return False

    def confirm_request(
        self, settings: ConnectionSettings, body: JsonObject
    ) -> tuple[str, dict[str, str]] | None:
        event_id = quote(str(body["externalEventId"]), safe="")
        return (
            f"{settings.events_path()}/{event_id}",
            {"externalAccountId": str(body["externalAccountId"])},
        )

    def confirmed(self, row_id: RowId, body: JsonObject, found: JsonObject) -> Outcome | None:
        if attribute([(row_id, body)], [found])[0]:
            return outcome_of(row_id, found, body)
        return None


EVENT_UPSERT = EventUpsert()
