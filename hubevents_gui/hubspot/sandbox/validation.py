"""What the sandbox accepts in an upsert or an attendance write, and the whole-batch 400 it
gives for the rest."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from hubevents_gui.core.zones import utc_text
from hubevents_gui.hubspot.sandbox.config import SandboxResponse, error_body
from hubevents_gui.hubspot.sandbox.contacts import whole

REQUIRED = ("externalAccountId", "externalEventId", "eventName", "eventOrganizer")
TEXT_FIELDS = ("eventName", "eventOrganizer", "eventType", "eventDescription", "eventUrl")
DATE_FIELDS = ("startDateTime", "endDateTime")
BOOL_FIELDS = ("eventCancelled", "eventCompleted")
ECHOED = (*TEXT_FIELDS, *DATE_FIELDS, *BOOL_FIELDS)

#: (input index or None for the whole body, field, message)
Problem = tuple[int | None, str, str]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})")


def parse_iso(value: object) -> datetime | None:
    """A date-time as HubSpot accepts it: ISO 8601 with a zone; None for anything else."""
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@lru_cache(maxsize=65536)
def stored_date(value: str) -> str | None:
    """HubSpot's UTC form of an accepted date-time, None when it is not accepted (cached: a
    batch's dates repeat, and the server must not be the bottleneck of a benchmark)."""
    parsed = parse_iso(value)
    if parsed is None:
        return None
    try:
        # exact, from the datetime itself: through float seconds, .136 came back as .135 for
        # dates far in the future
        return utc_text(parsed)
    except (ValueError, OverflowError, OSError):  # 0001-01-01T00:30+01:00 is in year 0 in UTC
        return None


#: what :func:`parse_json` answers for a body that is not JSON (None is JSON's null)
NOT_JSON = object()


def parse_json(body: bytes, empty: Any) -> Any:
    """The body's JSON value (``empty`` for no body), or ``NOT_JSON``."""
    if not body:
        return empty
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: [[[[...]]]] nested 100,000 deep
        return NOT_JSON


def batch_inputs(body: bytes, cap: int) -> list[Any] | Problem:
    """A batch request's ``inputs``, or what is wrong with its body."""
    payload = parse_json(body, None)
    if payload is NOT_JSON:
        return (None, "body", "the body is not valid JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("inputs"), list):
        return (None, "inputs", "the body needs an 'inputs' array")
    inputs: list[Any] = payload["inputs"]
    if len(inputs) > cap:
        return (None, "inputs", f"at most {cap} inputs per request, got {len(inputs)}")
    return inputs


def date_problems(index: int | None, name: str, value: object) -> list[Problem]:
    """What is wrong with a date-time HubSpot wants in ISO 8601: nothing, or one problem."""
    if not isinstance(value, str):
        return [(index, name, f"{name} must be an ISO 8601 date-time string")]
    if stored_date(value) is None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        return [(index, name, f"{shown!r} is not an ISO 8601 date-time with a zone, years 1-9999")]
    return []


def check_input(index: int, item: object) -> list[Problem]:
    if not isinstance(item, dict):
        return [(index, "", "each input must be an object")]
    problems: list[Problem] = []
    for name in REQUIRED:
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append((index, name, f"{name} is required and must be a non-empty string"))
    if not isinstance(item.get("customProperties"), list):
        problems.append((index, "customProperties", "customProperties is required (send [])"))
    else:
        for prop in item["customProperties"]:
            if not isinstance(prop, dict) or not isinstance(prop.get("name"), str):
                problems.append((index, "customProperties", "each property needs a name"))
            elif "value" in prop and not isinstance(prop["value"], str):
                problems.append((index, "customProperties", "property values must be strings"))
    problems.extend(
        problem
        for name in DATE_FIELDS
        if name in item
        for problem in date_problems(index, name, item[name])
    )
    for name in BOOL_FIELDS:
        if name in item and not isinstance(item[name], bool):
            problems.append((index, name, f"{name} must be true or false"))
    for name in TEXT_FIELDS:
        if name in item and not isinstance(item[name], str):
            problems.append((index, name, f"{name} must be a string"))
    return problems


def validation_error(problems: list[Problem], detail: str = "first") -> SandboxResponse:
    """400 for the whole batch; errors name the offending inputs (first only by default)."""
    shown = problems[:1] if detail == "first" else problems
    first_index, first_field, first_message = problems[0]
    where = f"inputs[{first_index}].{first_field}" if first_index is not None else first_field
    return SandboxResponse(
        400,
        error_body(
            "VALIDATION_ERROR",
            f"Invalid input JSON on line 1: {where}: {first_message}",
            errors=[
                {
                    "message": message,
                    "in": f"inputs[{index}].{name}" if index is not None else name,
                    "code": "INVALID_INPUT",
                    "context": {"index": [str(index)]} if index is not None else {},
                }
                for index, name, message in shown
            ],
        ),
    )


#: the subscriber states of the attendance paths, as the spec spells them
SUBSCRIBER_STATES = ("register", "attend", "cancel")
#: properties of a participation that are ISO 8601 instants
TIME_PROPERTIES = ("joinedAt", "leftAt")
#: epoch milliseconds of 9999-12-31T23:59:59.999Z, the last instant HubSpot's dates reach
_LAST_MS = 253_402_300_799_999


def check_subscriber(index: int, item: object, by_email: bool) -> list[Problem]:
    """What is wrong with one input of ``email-create`` (by email) or ``create`` (by vid)."""
    if not isinstance(item, dict):
        return [(index, "", "each input must be an object")]
    problems: list[Problem] = []
    if by_email:
        email = item.get("email")
        if not isinstance(email, str) or not email.strip():
            problems.append((index, "email", "email is required and must be a non-empty string"))
    elif not whole(item.get("vid")):
        problems.append((index, "vid", "vid is required and must be a contact id (an integer)"))
    moment: Any = item.get("interactionDateTime")
    if not whole(moment) or not 0 <= moment <= _LAST_MS:
        problems.append(
            (
                index,
                "interactionDateTime",
                "interactionDateTime is required: epoch milliseconds, a whole number",
            )
        )
    names = ("properties", "contactProperties") if by_email else ("properties",)
    for name in names:
        values = item.get(name)
        if not isinstance(values, dict):
            problems.append((index, name, f"{name} is required (send {{}})"))
        elif not all(isinstance(v, str) for v in values.values()):
            problems.append((index, name, f"{name} values must be strings"))
        elif name == "properties":
            problems.extend(
                problem
                for time_name in TIME_PROPERTIES
                if time_name in values
                for problem in date_problems(index, f"properties.{time_name}", values[time_name])
            )
    return problems
