"""Validation of attendee rows: pure functions returning issues as data, never raising.

A row needs a contact (a valid email, or a positive whole Contact ID), an event (its External
Event ID and External Account ID, in the row or given once for the sheet) and a state. Joined At
and Left At belong to attended rows only, and the contact cannot leave before joining. The same
contact twice for one event and state is flagged on both rows.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from hubevents_gui.core.attendee_fields import (
    ATTEND,
    ATTENDEE_FIELDS,
    CONTACT_ID,
    EMAIL,
    INTERACTION,
    JOINED,
    LEFT,
    STATE,
    STATE_TITLES,
    state_of,
    state_problem,
)
from hubevents_gui.core.fields import custom_header
from hubevents_gui.core.rows import EventRow, RowId, Value
from hubevents_gui.core.validation import Issue, check_order, shared_issues
from hubevents_gui.core.zones import wall_clock

#: local@domain.tld with no spaces: what HubSpot accepts as a contact's email, near enough
#: that a typo ("anna.example.com", "anna@example", "anna @example.com") is caught here
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)*\.[A-Za-z]{2,}")
_WHOLE = re.compile(r"[0-9]+")
#: HubSpot's ids are 64-bit integers
_LARGEST_ID = 2**63 - 1
_ORDER = {f.key: i for i, f in enumerate(ATTENDEE_FIELDS.columns)}
_EVENT_KEYS = ("externalEventId", "externalAccountId")


def email_problem(text: str) -> str | None:
    """Why ``text`` is not an email address, or None when it is one."""
    stripped = text.strip()
    if _EMAIL.fullmatch(stripped):
        return None
    if " " in stripped:
        return f"{text!r} is not an email address: it contains spaces"
    if "@" not in stripped:
        return f"{text!r} is not an email address: it has no @"
    return f"{text!r} is not an email address"


def contact_id_problem(text: str) -> str | None:
    """Why ``text`` is not a HubSpot contact id (a positive whole number), or None."""
    stripped = text.strip()
    if _WHOLE.fullmatch(stripped) and 0 < int(stripped) <= _LARGEST_ID:
        return None
    return f"{text!r} is not a contact id: HubSpot's contact ids are positive whole numbers"


def row_state(row: EventRow, defaults: Mapping[str, Value]) -> str | None:
    """The subscriber state of a row (its own State, else the sheet's), or None."""
    text = row.values.get(STATE, defaults.get(STATE))
    return state_of(text) if isinstance(text, str) else None


def validate_attendee_row(
    row: EventRow, zone: ZoneInfo, defaults: Mapping[str, Value] | None = None
) -> list[Issue]:
    """Everything wrong with one attendee row on its own (duplicates: attendee_duplicates)."""
    defaults = defaults or {}
    issues: list[Issue] = []
    values = row.values
    bad = row.bad
    if bad:
        issues.extend(Issue(key, cell.reason) for key, cell in bad.items())
    email, contact = values.get(EMAIL), values.get(CONTACT_ID)
    if email is None and contact is None and EMAIL not in bad and CONTACT_ID not in bad:
        issues.append(Issue(EMAIL, "Email or Contact ID is required"))
    if isinstance(email, str) and (problem := email_problem(email)):
        issues.append(Issue(EMAIL, problem))
    if isinstance(contact, str) and (problem := contact_id_problem(contact)):
        issues.append(Issue(CONTACT_ID, problem))
    for key in _EVENT_KEYS:
        if key not in values and key not in bad and key not in defaults:
            title = ATTENDEE_FIELDS.by_key[key].title
            issues.append(Issue(key, f"{title} is required (or choose the event for the sheet)"))
    state_text = values.get(STATE, defaults.get(STATE))
    state = state_of(state_text) if isinstance(state_text, str) else None
    if state_text is None:
        if STATE not in bad:
            choices = ", ".join(STATE_TITLES.values())
            issues.append(Issue(STATE, f"State is required: {choices}"))
    elif state is None and STATE in values:
        issues.append(Issue(STATE, state_problem(str(state_text))))
    joined, left = values.get(JOINED), values.get(LEFT)
    if (joined is not None or left is not None) and state is not None and state != ATTEND:
        key = JOINED if joined is not None else LEFT
        issues.append(
            Issue(
                key,
                "Joined At and Left At are for attended rows only "
                f"(this one is {STATE_TITLES[state].lower()})",
            )
        )
    clock = None
    if joined is not None or left is not None:
        clock = wall_clock(zone)
        check_order(
            (JOINED, joined),  # type: ignore[arg-type]
            (LEFT, left),  # type: ignore[arg-type]
            clock,
            issues,
            "the contact leaves before joining (Left At is before Joined At)",
        )
    when = values.get(INTERACTION)
    if isinstance(when, datetime):
        placed = (clock or wall_clock(zone)).exact(when)
        if isinstance(placed, str):
            issues.append(Issue(INTERACTION, placed))
    if "" in row.custom:
        issues.append(
            Issue(custom_header(""), "this contact property column has no name (contact:NAME)")
        )
    if len(issues) > 1:
        issues.sort(key=lambda issue: _ORDER.get(issue.field, len(_ORDER)))
    return issues


def contact_key(row: EventRow) -> str | None:
    """Who a row is about, as results echo it: ``vid:42`` or the folded email."""
    contact = row.values.get(CONTACT_ID)
    if isinstance(contact, str):
        return "vid:" + contact.strip().lstrip("0")
    email = row.values.get(EMAIL)
    if isinstance(email, str):
        return email.strip().casefold()
    return None


def attendee_duplicates(
    rows: Iterable[EventRow], defaults: Mapping[str, Value] | None = None
) -> dict[RowId, Issue]:
    """An issue on every row whose contact another row names for the same event and state."""
    defaults = defaults or {}

    def key_of(row: EventRow) -> Hashable | None:
        values = row.values
        contact = contact_key(row)
        state = row_state(row, defaults)
        event = values.get("externalEventId", defaults.get("externalEventId"))
        account = values.get("externalAccountId", defaults.get("externalAccountId"))
        if contact is None or state is None or event is None or account is None:
            return None
        return (account, event, state, contact)

    def describe(key: Hashable) -> str:
        account, event, state, contact = (str(part) for part in key)  # type: ignore[attr-defined]
        who = f"contact id {contact[4:]}" if contact.startswith("vid:") else contact
        return f"the same contact: {who} {STATE_TITLES[state].lower()} for {account}/{event}"

    def column(row: EventRow) -> str:
        return CONTACT_ID if CONTACT_ID in row.values else EMAIL

    return shared_issues(rows, key_of, column, describe)
