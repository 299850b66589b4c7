"""Acting on events HubSpot holds, as endpoints of the one engine: cancel and complete (one
event per request, by external ids), delete (the app's own events by external ids, in batches)
and archive (any app's events by object id, in batches).

Each row's item names its event: ``{externalAccountId, externalEventId}`` (with
``startDateTime`` and ``endDateTime`` to complete, ``appId`` to delete), or ``{objectId}`` to
archive; :mod:`.action_plan` makes them from rows. All four writes leave HubSpot the same
however often they are sent, so a row no answer names is sent again (no confirming GET).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.hubspot.batching import Item
from hubevents_gui.hubspot.endpoints import Request
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.wire import JsonObject

#: the keys of a per-event item that say where it goes; the rest is the request's body
_ROUTE_KEYS = ("externalAccountId", "externalEventId")


def _failed(row_id: RowId, error: JsonObject, status: int, hint: str = "") -> Outcome:
    message = str(error.get("message") or "error")
    return Outcome(
        row_id,
        RowStatus.FAILED,
        message=f"{message}{hint}",
        http_status=status,
        category=error.get("category"),
    )


@dataclass(frozen=True)
class PerEventAction:
    """``POST {events}/{externalEventId}/{verb}?externalAccountId=``: one event a request, the
    answer the event (``MarketingEventDefaultResponse``)."""

    verb: str
    outcome: RowStatus
    attendees = False
    single = True

    def request(self, settings: ConnectionSettings, items: Sequence[Item]) -> Request:
        ((_, item),) = items  # one event per request: the engine's batches are of one
        path = f"{settings.events_path()}/{quote(str(item['externalEventId']), safe='')}"
        body = {k: v for k, v in item.items() if k not in _ROUTE_KEYS}
        # cancel takes no body (the spec has none); complete its start and end
        return (
            f"{path}/{self.verb}",
            {"externalAccountId": str(item["externalAccountId"])},
            body or None,
        )

    def read(
        self,
        items: Sequence[Item],
        results: list[JsonObject],
        errors: list[JsonObject],
        status: int,
    ) -> tuple[list[Outcome], list[Item]]:
        ((row_id, _),) = items
        if results:
            object_id = results[0].get("objectId")
            hubspot_id = str(object_id) if object_id is not None else None
            return [Outcome(row_id, self.outcome, hubspot_id)], []
        if errors:
            return [_failed(row_id, errors[0], status)], []
        return [], list(items)

    def fails_whole(self, status: int, message: str) -> bool:
        del status, message  # one row per request: its refusal is its own
        return True

    def confirm_request(
        self, settings: ConnectionSettings, body: JsonObject
    ) -> tuple[str, dict[str, str]] | None:
        del settings, body  # cancelling or completing again changes nothing: sent again
        return None

    def confirmed(self, row_id: RowId, body: JsonObject, found: JsonObject) -> Outcome | None:
        del row_id, body, found  # never asked: confirm_request names no GET
        return None


#: what a delete by external ids that found nothing means for the user
NOT_OWN = (
    " (HubSpot deletes by external ids only the events this app created: another app's "
    "event is deleted by its object id, --by-object-id)"
)


@dataclass(frozen=True)
class BatchRemoval:
    """``POST {events}/delete`` (own events, by external ids) or ``POST {api}/batch/archive``
    (any app's, by object id): 204 when every input went; a 207 names those that were not
    there, and the rest went."""

    #: "events/delete" or "batch/archive", under the API's root
    path: str
    #: the input's keys that say which event it is, as an error's context names them
    keys: tuple[str, ...]
    #: what a failed row's message adds
    hint: str = ""
    outcome = RowStatus.DELETED
    attendees = False
    single = False

    def request(self, settings: ConnectionSettings, items: Sequence[Item]) -> Request:
        return f"{settings.api_path()}/{self.path}", {}, {"inputs": [body for _, body in items]}

    def read(
        self,
        items: Sequence[Item],
        results: list[JsonObject],
        errors: list[JsonObject],
        status: int,
    ) -> tuple[list[Outcome], list[Item]]:
        del results  # what went is what no error names (a 204 names none)
        waiting: dict[tuple[str, ...], list[RowId]] = {}
        for row_id, body in items:
            waiting.setdefault(self._key(body), []).append(row_id)
        outcomes: list[Outcome] = []
        unexplained = 0
        for error in errors:
            named = [k for k in self._named(error) if k in waiting]
            unexplained += not named
            for key in named:
                outcomes += [_failed(r, error, status, self.hint) for r in waiting.pop(key)]
        if unexplained:  # an error naming no event: which rows went is unknown, send again
            left = [(r, b) for r, b in items if self._key(b) in waiting]
            return outcomes, left
        for key, row_ids in waiting.items():
            hubspot_id = key[0] if self.keys == ("objectId",) else None
            outcomes += [Outcome(r, self.outcome, hubspot_id) for r in row_ids]
        return outcomes, []

    def _key(self, body: JsonObject) -> tuple[str, ...]:
        return tuple(str(body.get(k)) for k in self.keys)

    def _named(self, error: JsonObject) -> list[tuple[str, ...]]:
        """The events an error's context names: lists (the spec's) or single values."""
        context = error.get("context")
        if not isinstance(context, dict):
            return []
        # HubSpot's CRM batch errors name object ids as "ids"
        ids = context.get("ids") if self.keys == ("objectId",) else None
        columns: list[list[str]] = []
        for key in self.keys:
            value = context.get(key, context.get(f"{key}s", ids))
            columns.append([str(v) for v in (value if isinstance(value, list) else [value])])
        if any(v == "None" for column in columns for v in column):
            return []
        return list(zip(*columns, strict=False))

    def fails_whole(self, status: int, message: str) -> bool:
        del status, message  # a bad input is one row's: bisecting finds it
        return False

    def confirm_request(
        self, settings: ConnectionSettings, body: JsonObject
    ) -> tuple[str, dict[str, str]] | None:
        del settings, body  # deleting again changes nothing: sent again
        return None

    def confirmed(self, row_id: RowId, body: JsonObject, found: JsonObject) -> Outcome | None:
        del row_id, body, found  # never asked: confirm_request names no GET
        return None


def delete_input(key: tuple[str, str], app_id: int) -> JsonObject:
    """``{appId, externalAccountId, externalEventId}``, as ``events/delete`` takes them (the
    app's id an integer, as the spec has it)."""
    return {"appId": app_id, "externalAccountId": key[0], "externalEventId": key[1]}


CANCEL = PerEventAction("cancel", RowStatus.CANCELLED)
COMPLETE = PerEventAction("complete", RowStatus.COMPLETED)
DELETE = BatchRemoval("events/delete", ("externalAccountId", "externalEventId"), NOT_OWN)
ARCHIVE = BatchRemoval("batch/archive", ("objectId",))
