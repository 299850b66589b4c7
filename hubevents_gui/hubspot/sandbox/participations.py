"""A contact's participation in one event: the states recorded with their times, join and
leave times; the state it is in, the event's counters and a breakdown item, shaped as the spec's
``AttendanceCounters`` and ``ParticipationBreakdown``.

A participation keeps the latest interaction time of each state it was recorded in
(``states``: ``register`` / ``attend`` / ``cancel`` -> epoch ms), so a cancellation after a
registration keeps the registration's time, and recording the same state at the same time again
changes nothing (HubSpot's guide: these writes are idempotent while contact and time stay).
"""

from __future__ import annotations

from typing import Any

from hubevents_gui.hubspot.sandbox.state import EventStore
from hubevents_gui.hubspot.sandbox.validation import TIME_PROPERTIES, parse_iso

#: the breakdown's ``attendanceState`` values a ``state`` query may ask for
BREAKDOWN_STATES = ("REGISTERED", "ATTENDED", "CANCELLED", "NO_SHOW")


def record(
    current: dict[str, Any] | None,
    state: str,
    at_ms: int,
    properties: dict[str, str],
    new_id: str,
    stamp: str,
) -> dict[str, Any] | None:
    """The participation after one interaction (a new record, ``current`` left as it was), or
    None when the interaction changes nothing."""
    result: dict[str, Any] = (
        dict(current) if current else {"id": new_id, "createdAt": stamp, "states": {}}
    )
    # join and leave times belong to attending (HubSpot's guide); other states ignore them
    times = {n: properties[n] for n in TIME_PROPERTIES if n in properties and state == "attend"}
    if result["states"].get(state) == at_ms and all(result.get(n) == v for n, v in times.items()):
        return None
    result["states"] = {**result["states"], state: at_ms}
    result.update(times)
    result["updatedAt"] = stamp
    return result


def has_ended(event: dict[str, Any], now: float) -> bool:
    """Completed, or its end has passed: only then is a registrant who did not come a no-show."""
    if event.get("eventCompleted") is True:
        return True
    end = parse_iso(event.get("endDateTime"))
    return end is not None and end.timestamp() < now


def attendance_state(participation: dict[str, Any], ended: bool) -> tuple[str, int]:
    """The state a participation is in, and when it came to be (epoch ms).

    Attending wins over everything (it happened); otherwise the later of registration and
    cancellation; a registration of an event that has ended is a no-show.
    """
    states: dict[str, int] = participation["states"]
    if "attend" in states:
        return "ATTENDED", states["attend"]
    if "cancel" in states and states["cancel"] >= states.get("register", states["cancel"]):
        return "CANCELLED", states["cancel"]
    if "register" in states:
        return ("NO_SHOW" if ended else "REGISTERED"), states["register"]
    return "EMPTY", 0


def counters(participations: list[dict[str, Any]], ended: bool) -> dict[str, int]:
    """``AttendanceCounters``: how many contacts were recorded in each state (a contact who
    registered and then attended counts in both); ``noShows``: registered, neither attended nor
    cancelled since, and the event has ended (see :func:`has_ended`)."""
    recorded = [p["states"] for p in participations]
    return {
        "attended": sum("attend" in s for s in recorded),
        "registered": sum("register" in s for s in recorded),
        "cancelled": sum("cancel" in s for s in recorded),
        "noShows": sum(attendance_state(p, ended)[0] == "NO_SHOW" for p in participations),
    }


def of_event(store: EventStore, event_id: str) -> list[dict[str, Any]]:
    return [p for (event, _vid), p in store.participations.items() if event == event_id]


def event_tallies(store: EventStore, event: dict[str, Any], now: float) -> dict[str, int]:
    """The counters under the names an event's read answers give them."""
    counted = counters(of_event(store, event["id"]), has_ended(event, now))
    return {
        "registrants": counted["registered"],
        "attendees": counted["attended"],
        "cancellations": counted["cancelled"],
        "noShows": counted["noShows"],
    }


def durations(participation: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """``attendanceDurationSeconds`` and ``attendancePercentage`` of an attendee of a completed
    event whose join and leave times are known; nothing otherwise.

    The percentage is of the event's length (start to end), at most 100, as text with two
    decimals (the spec types it a string; HubSpot's exact format is UNCONFIRMED).
    """
    if event.get("eventCompleted") is not True or "attend" not in participation["states"]:
        return {}
    joined, left = (parse_iso(participation.get(n)) for n in TIME_PROPERTIES)
    if joined is None or left is None or left < joined:
        return {}
    seconds = int((left - joined).total_seconds())
    result: dict[str, Any] = {"attendanceDurationSeconds": seconds}
    start, end = parse_iso(event.get("startDateTime")), parse_iso(event.get("endDateTime"))
    if start is not None and end is not None and end > start:
        share = min(100.0, 100 * seconds / (end - start).total_seconds())
        result["attendancePercentage"] = f"{share:.2f}"
    return result


def breakdown_item(
    participation: dict[str, Any],
    contact: dict[str, Any],
    event_key: tuple[int, str, str],
    event: dict[str, Any],
    ended: bool,
) -> dict[str, Any]:
    """``ParticipationBreakdown``: one contact's participation, with the contact and the event."""
    state, occurred = attendance_state(participation, ended)
    names = {
        n: contact["properties"][n] for n in ("firstname", "lastname") if n in contact["properties"]
    }
    _app, account, event_id = event_key
    return {
        "id": participation["id"],
        "createdAt": participation["createdAt"],
        "properties": {
            "attendanceState": state,
            "occurredAt": occurred,
            **durations(participation, event),
        },
        "associations": {
            "contact": {"contactId": str(contact["vid"]), "email": contact["email"], **names},
            "marketingEvent": {
                "marketingEventId": event["id"],
                "name": event.get("eventName", ""),
                "externalAccountId": account,
                "externalEventId": event_id,
            },
        },
    }
