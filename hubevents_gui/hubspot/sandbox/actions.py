"""The sandbox's actions on events: cancelling one (by external ids), deleting an app's own events
by external ids, and archiving any app's events by object id; what a read shows afterwards.

Completing an event is the attendance module's (:meth:`.attendance.Attendance.complete`): it is
where HubSpot works out attendance durations. Where the spec says nothing (it lists only
"default" answers for ``events/delete`` and ``batch/archive``), the sandbox chooses, as said here:

- Cancel answers 200 with the event (``MarketingEventDefaultResponse``), ``eventCancelled``
  true; an event the token's app does not hold is a 404, as for completing.
- Delete and archive answer 204 (no body) when every input's event went, 207 when some were not
  there: ``errors`` holds one ``StandardError`` per missing input, naming it in ``context``
  (``externalEventId`` and ``externalAccountId``, or ``ids``), and the inputs no error names
  went. Deleting by external ids removes only the token's app's own events (HubSpot's guide:
  "Marketing Events from other apps cannot be deleted"), so another app's event, or an input
  whose ``appId`` is not the token's app, is "not found" as a missing one is.
- An input that is not shaped as the spec's (``appId`` an integer, the ids text; ``objectId``
  text) is a whole-batch 400 naming it, and nothing is removed.
- A removed event goes with its participations: no read shows it or counts it afterwards.

Called by :class:`~.routes.Sandbox` under its lock, after its faults, token, limits and scope.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hubevents_gui.hubspot.sandbox.attendance import Attendance, Route, route
from hubevents_gui.hubspot.sandbox.config import (
    Call,
    SandboxResponse,
    iso_instant,
    save_failed,
)
from hubevents_gui.hubspot.sandbox.state import EventKey
from hubevents_gui.hubspot.sandbox.validation import Problem, batch_inputs, validation_error
from hubevents_gui.hubspot.settings import WRITE_SCOPE

#: as routes.py's table; ``events/delete`` goes before the GET of one event it would match
ROUTES: list[Route] = [
    route("POST", r"/events/delete/?", "delete", WRITE_SCOPE),
    route("POST", r"/events/(?P<event>[^/]+)/cancel/?", "cancel", WRITE_SCOPE),
    route("POST", r"/batch/archive/?", "archive", WRITE_SCOPE),
]


class EventActions:
    """Cancel, delete and archive over the store the attendance endpoints use."""

    def __init__(self, attendance: Attendance) -> None:
        self.attendance = attendance
        self.store = attendance.store
        self.config = attendance.config
        self.clock = attendance.clock
        self.handlers: dict[str, Callable[[Call], SandboxResponse]] = {
            "cancel": self.cancel,
            "delete": self.delete,
            "archive": self.archive,
        }

    def cancel(self, call: Call) -> SandboxResponse:
        """``events/{externalEventId}/cancel``: ``MarketingEventDefaultResponse``."""
        found = self.attendance.find_event(call)
        if isinstance(found, SandboxResponse):
            return found
        key, event = found
        changes = self.store.begin()
        cancelled = dict(event, eventCancelled=True, updatedAt=iso_instant(self.clock()))
        changes.events[key] = cancelled
        try:
            self.store.commit(changes)
        except OSError as exc:
            return save_failed(self.store.state_file, exc)
        shown = {k: v for k, v in cancelled.items() if k not in ("id", "createdAt", "updatedAt")}
        return SandboxResponse(200, {**shown, "objectId": cancelled["id"]})

    def delete(self, call: Call) -> SandboxResponse:
        """``events/delete``: the app's own events by ``{appId, externalAccountId,
        externalEventId}``."""
        inputs = batch_inputs(call.body, self.config.batch_cap)
        if isinstance(inputs, tuple):
            return self._invalid([inputs])
        problems = [p for i, item in enumerate(inputs) for p in _external_problems(i, item)]
        if problems:
            return self._invalid(problems)
        keys: list[EventKey] = []
        errors: list[dict[str, Any]] = []
        for item in inputs:
            key = (item["appId"], item["externalAccountId"], item["externalEventId"])
            if key[0] == call.info.app_id and key in self.store.events:
                keys.append(key)
            else:  # another app's event is invisible, as on HubSpot: not found
                account, event_id = key[1], key[2]
                errors.append(
                    _not_found(
                        f"No event {event_id!r} in account {account!r} of this app",
                        {"externalEventId": [event_id], "externalAccountId": [account]},
                    )
                )
        return self._remove(keys, errors)

    def archive(self, call: Call) -> SandboxResponse:
        """``batch/archive``: any app's events by ``{objectId}``."""
        inputs = batch_inputs(call.body, self.config.batch_cap)
        if isinstance(inputs, tuple):
            return self._invalid([inputs])
        problems: list[Problem] = [
            (i, "objectId", "objectId must be the event's object id, as text")
            for i, item in enumerate(inputs)
            if not isinstance(item, dict) or not isinstance(item.get("objectId"), str)
        ]
        if problems:
            return self._invalid(problems)
        by_id = {event["id"]: key for key, event in self.store.events.items()}
        keys: list[EventKey] = []
        errors: list[dict[str, Any]] = []
        for item in inputs:
            object_id = item["objectId"]
            if object_id in by_id:
                keys.append(by_id[object_id])
            else:
                errors.append(
                    _not_found(f"No marketing event with id {object_id}", {"ids": [object_id]})
                )
        return self._remove(keys, errors)

    def _remove(self, keys: list[EventKey], errors: list[dict[str, Any]]) -> SandboxResponse:
        """Remove the events of ``keys`` (with their participations): 204, or 207 with the
        inputs that were not there."""
        started = self.clock()
        if keys:
            changes = self.store.begin()
            changes.removed.update(keys)
            try:
                self.store.commit(changes)
            except OSError as exc:
                return save_failed(self.store.state_file, exc)
        if not errors:
            return SandboxResponse(204, None)
        body = {
            "status": "COMPLETE",
            "results": [],
            "numErrors": len(errors),
            "errors": errors,
            "startedAt": iso_instant(started),
            "completedAt": iso_instant(self.clock()),
        }
        return SandboxResponse(207, body)

    def _invalid(self, problems: list[Problem]) -> SandboxResponse:
        return validation_error(problems, self.config.error_detail)


def _external_problems(index: int, item: object) -> list[Problem]:
    """What is wrong with one ``MarketingEventExternalUniqueIdentifier``."""
    if not isinstance(item, dict):
        return [(index, "inputs", "each input must be an object")]
    problems: list[Problem] = []
    app = item.get("appId")
    if not isinstance(app, int) or isinstance(app, bool):
        problems.append((index, "appId", "appId must be the app's id, an integer"))
    for name in ("externalAccountId", "externalEventId"):
        if not isinstance(item.get(name), str) or not item[name]:
            problems.append((index, name, f"{name} is required, as text"))
    return problems


def _not_found(message: str, context: dict[str, list[str]]) -> dict[str, Any]:
    """``StandardError`` for one input whose event is not there."""
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": message,
        "context": context,
        "errors": [],
        "links": {},
    }
