"""The sandbox's attendance endpoints: recording who registered for, attended or cancelled an
event (by email, creating unknown contacts, or by contact id), completing an event, and reading
the participations back (counters and a per-contact breakdown), shaped as the spec shapes them.

Where HubSpot's spec and guide say nothing, the sandbox chooses, as said here:

- An event that the token's app does not hold (by external ids), or no event at all with that
  object id, is a 404 in HubSpot's error shape, category ``OBJECT_NOT_FOUND`` (the spec lists
  only 200 and "default").
- Without ``externalAccountId`` (the spec marks it optional) the app's one event with that
  external event id is meant; a 400 asks for the account when there are several.
- An input that cannot be recorded (an unknown ``vid``, an email that is not one) fails alone:
  the others are recorded, the answer is a 207 as HubSpot's batch endpoints give when some
  inputs fail, and ``errors`` holds one ``StandardError`` per failed input, naming its vid or
  email in ``context`` (``ids`` / ``emails``) as HubSpot's CRM batch errors do.
- A malformed body or input (no email or vid, a time that is not epoch ms, a joinedAt that is
  not ISO 8601) is a whole-batch 400 like the upsert's.

Called by :class:`~.routes.Sandbox` under its lock, after its faults, token, limits and scope.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from hubevents_gui.hubspot.sandbox import participations as parts
from hubevents_gui.hubspot.sandbox.config import (
    API_PREFIX,
    Call,
    SandboxConfig,
    SandboxResponse,
    error_body,
    iso_instant,
    other_order,
    save_failed,
)
from hubevents_gui.hubspot.sandbox.contacts import email_key, is_email, new_contact
from hubevents_gui.hubspot.sandbox.state import Changes, EventKey, EventStore
from hubevents_gui.hubspot.sandbox.validation import (
    SUBSCRIBER_STATES,
    TIME_PROPERTIES,
    Problem,
    batch_inputs,
    check_subscriber,
    date_problems,
    parse_json,
    stored_date,
    validation_error,
)
from hubevents_gui.hubspot.settings import READ_SCOPE, WRITE_SCOPE

Route = tuple[str, re.Pattern[str], str, str | None]


def route(method: str, path: str, name: str, scope: str) -> Route:
    return (method, re.compile(API_PREFIX + path), name, scope)


_WRITE = r"/(?P<state>[^/]+)/(?P<by>email-create|create)/?"
_BY_OBJECT = r"/participations/(?P<object>\d+)"
_BY_EXTERNAL = r"/participations/(?P<account>[^/]+)/(?P<event>[^/]+)"
#: as routes.py's table: (method, path, endpoint, scope); breakdowns before the counters they
#: would otherwise match as an event id "breakdown"
ROUTES: list[Route] = [
    route("POST", r"/attendance/(?P<event>[^/]+)" + _WRITE, "record", WRITE_SCOPE),
    route("POST", r"/(?P<object>\d+)/attendance" + _WRITE, "record", WRITE_SCOPE),
    route("POST", r"/events/(?P<event>[^/]+)/complete/?", "complete", WRITE_SCOPE),
    route("GET", _BY_OBJECT + "/breakdown/?", "breakdown", READ_SCOPE),
    route("GET", _BY_EXTERNAL + "/breakdown/?", "breakdown", READ_SCOPE),
    route("GET", _BY_OBJECT + "/?", "counters", READ_SCOPE),
    route("GET", _BY_EXTERNAL + "/?", "counters", READ_SCOPE),
]

Found = tuple[EventKey, dict[str, Any]]


class Attendance:
    """The attendance endpoints over the sandbox's store (not thread-safe on its own)."""

    def __init__(
        self,
        config: SandboxConfig,
        store: EventStore,
        clock: Callable[[], float],
        rng: random.Random,
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.rng = rng
        self.handlers: dict[str, Callable[[Call], SandboxResponse]] = {
            "record": self.record,
            "complete": self.complete,
            "counters": self.counters,
            "breakdown": self.breakdown,
        }

    def seed(self, contacts: tuple[dict[str, str], ...], stamp: str) -> None:
        """Create contacts (the demo portal's), numbered in order."""
        changes = self.store.begin()
        for contact in contacts:
            vid = changes.next_vid
            changes.next_vid += 1
            changes.contacts[vid] = new_contact(vid, contact["email"], contact, stamp)
        self.store.commit(changes)

    # ------------------------------------------------------------------ writes

    def record(self, call: Call) -> SandboxResponse:
        """``email-create`` / ``create``: ``BatchResponseSubscriber{Email,Vid}Response``."""
        started = self.clock()
        state = unquote(call.match.group("state"))
        if state not in SUBSCRIBER_STATES:
            accepted = ", ".join(SUBSCRIBER_STATES)
            return SandboxResponse(
                400,
                error_body(
                    "VALIDATION_ERROR",
                    f"subscriberState {state!r} is not one of the accepted states: {accepted}",
                ),
            )
        found = self.find_event(call)
        if isinstance(found, SandboxResponse):
            return found
        by_email = call.match.group("by") == "email-create"
        inputs = batch_inputs(call.body, self.config.batch_cap)
        if isinstance(inputs, tuple):
            return self._invalid([inputs])
        problems = [p for i, item in enumerate(inputs) for p in check_subscriber(i, item, by_email)]
        if problems:
            return self._invalid(problems)
        stamp = iso_instant(self.clock())
        changes = self.store.begin()
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for item in inputs:
            vid = self._contact(changes, item, stamp) if by_email else item["vid"]
            if vid is None or (vid not in self.store.contacts and vid not in changes.contacts):
                errors.append(_input_error(item, by_email))
                continue
            self._participate(changes, found[1]["id"], vid, state, item, stamp)
            results.append({"email": item["email"], "vid": vid} if by_email else {"vid": vid})
        if changes.contacts or changes.participations:  # a repeat writes nothing
            try:
                self.store.commit(changes)
            except OSError as exc:
                return save_failed(self.store.state_file, exc)
        if self.config.shuffle:
            results = other_order(results, self.rng)
        body = {
            "status": "COMPLETE",
            "results": results,
            "numErrors": len(errors),
            "errors": errors,
            "requestedAt": iso_instant(started),
            "startedAt": iso_instant(started),
            "completedAt": iso_instant(self.clock()),
        }
        return SandboxResponse(207 if errors else 200, body)

    def _contact(self, changes: Changes, item: dict[str, Any], stamp: str) -> int | None:
        """The vid of the input's email, creating the contact when there is none; None for an
        email that is not one."""
        email: str = item["email"]
        if not is_email(email):
            return None
        key = email_key(email)
        vid = self.store.emails.get(key)
        if vid is None:
            vid = next(
                (v for v, c in changes.contacts.items() if email_key(c["email"]) == key), None
            )
        if vid is None:  # contactProperties apply only to contacts the call creates
            vid = changes.next_vid
            changes.next_vid += 1
            changes.contacts[vid] = new_contact(vid, email, item["contactProperties"], stamp)
        return vid

    def _participate(
        self,
        changes: Changes,
        event_id: str,
        vid: int,
        state: str,
        item: dict[str, Any],
        stamp: str,
    ) -> None:
        key = (event_id, vid)
        current = changes.participations.get(key) or self.store.participations.get(key)
        # join and leave times are kept in HubSpot's UTC form, so one instant is one value
        properties = {
            name: (stored_date(value) or value) if name in TIME_PROPERTIES else value
            for name, value in item["properties"].items()
        }
        updated = parts.record(
            current,
            state,
            item["interactionDateTime"],
            properties,
            str(changes.next_participation),
            stamp,
        )
        if updated is not None:
            if current is None:
                changes.next_participation += 1
            changes.participations[key] = updated

    def complete(self, call: Call) -> SandboxResponse:
        """``events/{externalEventId}/complete``: ``MarketingEventDefaultResponse``."""
        found = self.find_event(call)
        if isinstance(found, SandboxResponse):
            return found
        payload = parse_json(call.body, {})
        if not isinstance(payload, dict):
            return self._invalid([(None, "body", "the body must be a JSON object")])
        problems = [
            p
            for name in ("startDateTime", "endDateTime")
            for p in date_problems(None, name, payload.get(name))
        ]
        if problems:
            return self._invalid(problems)
        start, end = stored_date(payload["startDateTime"]), stored_date(payload["endDateTime"])
        assert start is not None
        assert end is not None
        if end < start:  # both are UTC text in one format: they sort as the instants do
            return self._invalid([(None, "endDateTime", "endDateTime is before startDateTime")])
        key, event = found
        changes = self.store.begin()
        completed = dict(event, startDateTime=start, endDateTime=end, eventCompleted=True)
        completed["updatedAt"] = iso_instant(self.clock())
        changes.events[key] = completed
        try:
            self.store.commit(changes)
        except OSError as exc:
            return save_failed(self.store.state_file, exc)
        shown = {k: v for k, v in completed.items() if k not in ("id", "createdAt", "updatedAt")}
        return SandboxResponse(200, {**shown, "objectId": completed["id"]})

    # ------------------------------------------------------------------ reads

    def counters(self, call: Call) -> SandboxResponse:
        """``participations/...``: ``AttendanceCounters``."""
        found = self.find_event(call)
        if isinstance(found, SandboxResponse):
            return found
        ended = parts.has_ended(found[1], self.clock())
        return SandboxResponse(
            200, parts.counters(parts.of_event(self.store, found[1]["id"]), ended)
        )

    def breakdown(self, call: Call) -> SandboxResponse:
        """``participations/.../breakdown``: ``CollectionResponseWithTotalParticipationBreakdown``,
        in the order the contacts first took part; ``after`` is an offset."""
        found = self.find_event(call)
        if isinstance(found, SandboxResponse):
            return found
        try:
            limit = max(1, min(100, int(call.query.get("limit", "10"))))
            after = int(call.query.get("after", "0"))
        except ValueError:
            return self._invalid([(None, "limit", "limit and after must be integers")])
        if after < 0:
            return self._invalid([(None, "after", "after cannot be negative")])
        wanted = call.query.get("state", "").strip().upper()
        if wanted and wanted not in parts.BREAKDOWN_STATES:
            accepted = ", ".join(parts.BREAKDOWN_STATES)
            return self._invalid([(None, "state", f"state {wanted!r} is not one of {accepted}")])
        key, event = found
        ended = parts.has_ended(event, self.clock())
        who = email_key(call.query.get("contactIdentifier", ""))
        items = [
            parts.breakdown_item(p, self.store.contacts[vid], key, event, ended)
            for (event_id, vid), p in sorted(
                self.store.participations.items(), key=lambda kv: int(kv[1]["id"])
            )
            if event_id == event["id"]
            and (not who or who in (str(vid), email_key(self.store.contacts[vid]["email"])))
        ]
        if wanted:
            items = [i for i in items if i["properties"]["attendanceState"] == wanted]
        body: dict[str, Any] = {"total": len(items), "results": items[after : after + limit]}
        if after + limit < len(items):
            body["paging"] = {"next": {"after": str(after + limit)}}
        return SandboxResponse(200, body)

    # ------------------------------------------------------------------ helpers

    def find_event(self, call: Call) -> Found | SandboxResponse:
        """The event the path names, or the answer that says it is not there (also the event
        actions' lookup: :mod:`.actions`)."""
        groups = call.match.groupdict()
        if groups.get("object"):
            object_id = groups["object"]
            for key, event in self.store.events.items():  # any app's, as reads by id are
                if event["id"] == object_id:
                    return key, event
            return _not_found(f"No marketing event with id {object_id}")
        event_id = unquote(groups["event"])
        account = (
            unquote(groups["account"])
            if groups.get("account")
            else call.query.get("externalAccountId")
        )
        app = call.info.app_id
        if account:
            held = self.store.events.get((app, account, event_id))
            if held is None:  # other apps' events are invisible, as on HubSpot
                return _not_found(f"No event {event_id!r} in account {account!r}")
            return (app, account, event_id), held
        matches = [(k, e) for k, e in self.store.of_app(app) if k[2] == event_id]
        if not matches:
            return _not_found(f"No event {event_id!r}")
        if len(matches) > 1:
            return self._invalid(
                [
                    (
                        None,
                        "externalAccountId",
                        f"event {event_id!r} is in several accounts: name one",
                    )
                ]
            )
        return matches[0]

    def _invalid(self, problems: list[Problem]) -> SandboxResponse:
        return validation_error(problems, self.config.error_detail)


def _not_found(message: str) -> SandboxResponse:
    return SandboxResponse(404, error_body("OBJECT_NOT_FOUND", message))


def _input_error(item: dict[str, Any], by_email: bool) -> dict[str, Any]:
    """``StandardError`` for one input that could not be recorded."""
    if by_email:
        email = item["email"]
        return {
            "status": "error",
            "category": "VALIDATION_ERROR",
            "message": f"{email!r} is not a valid email address",
            "context": {"emails": [email]},
            "errors": [],
            "links": {},
        }
    vid = item["vid"]
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": f"No contact with vid {vid}: it may be deleted or not exist",
        "context": {"ids": [str(vid)]},
        "errors": [],
        "links": {},
    }
