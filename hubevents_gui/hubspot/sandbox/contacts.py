"""The sandbox's contacts (by numeric id ``vid`` and by email) and their participations in
events, and how both are kept in the state file beside the events.

An email is compared as HubSpot compares it: case-insensitively, surrounding whitespace ignored;
a contact keeps the spelling it was created with. State files written before contacts existed
load with none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: the first contact id a sandbox gives (the demo portal's contacts take the first few)
FIRST_VID = 101
FIRST_PARTICIPATION = 7_000_001

#: (event object id, contact vid): one participation per contact per event
ParticipationKey = tuple[str, int]

# one @, something before it, a dot in the domain: what HubSpot's "INVALID_EMAIL" catches most
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

#: the demo portal's contacts (vids 101-104 in a new sandbox); the sample attendee sheet's
#: Contact ID row names the first
DEMO_CONTACTS: tuple[dict[str, str], ...] = (
    {
        "email": "maria.garcia@northwind.example",
        "firstname": "Maria",
        "lastname": "Garcia",
        "company": "Northwind Traders",
        "jobtitle": "Marketing Manager",
    },
    {
        "email": "kenji.sato@fabrikam.example",
        "firstname": "Kenji",
        "lastname": "Sato",
        "company": "Fabrikam",
        "jobtitle": "Head of Demand Generation",
    },
    {
        "email": "aisha.okafor@contoso.example",
        "firstname": "Aisha",
        "lastname": "Okafor",
        "company": "Contoso",
        "jobtitle": "Marketing Operations Lead",
    },
    {
        "email": "lukas.becker@tailspin.example",
        "firstname": "Lukas",
        "lastname": "Becker",
        "company": "Tailspin Toys",
        "jobtitle": "CRM Specialist",
    },
)


def email_key(email: str) -> str:
    """What two emails of one contact have in common."""
    return email.strip().casefold()


def is_email(email: str) -> bool:
    return _EMAIL.fullmatch(email.strip()) is not None


def whole(value: object) -> bool:
    """A JSON integer (not a boolean, which Python counts as one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def new_contact(vid: int, email: str, properties: dict[str, str], stamp: str) -> dict[str, Any]:
    return {
        "vid": vid,
        "email": email.strip(),
        "properties": {k: v for k, v in properties.items() if k != "email"},
        "createdAt": stamp,
    }


# ---------------------------------------------------------------- the file


@dataclass
class People:
    """The contacts and participations read from a state file."""

    next_vid: int
    next_participation: int
    contacts: dict[int, dict[str, Any]]
    participations: dict[ParticipationKey, dict[str, Any]]


def dump(
    next_vid: int,
    next_participation: int,
    contacts: dict[int, dict[str, Any]],
    participations: dict[ParticipationKey, dict[str, Any]],
) -> dict[str, Any]:
    """The state file's keys for contacts and participations."""
    return {
        "next_vid": next_vid,
        "next_participation": next_participation,
        "contacts": list(contacts.values()),
        "participations": [
            {"eventId": event_id, "vid": vid, "participation": record}
            for (event_id, vid), record in participations.items()
        ],
    }


def load(data: dict[str, Any]) -> People | str:
    """The contacts and participations of a state file's data, or what is wrong with them."""
    next_vid = data.get("next_vid", FIRST_VID)
    next_participation = data.get("next_participation", FIRST_PARTICIPATION)
    for name, value in (("next_vid", next_vid), ("next_participation", next_participation)):
        if not whole(value) or value < 1:
            return f'"{name}" must be a whole number of 1 or more'
    stored_contacts = data.get("contacts", [])
    stored_participations = data.get("participations", [])
    if not isinstance(stored_contacts, list) or not isinstance(stored_participations, list):
        return '"contacts" and "participations" must be lists'
    contacts: dict[int, dict[str, Any]] = {}
    for n, contact in enumerate(stored_contacts):
        if (
            not isinstance(contact, dict)
            or not whole(contact.get("vid"))
            or not isinstance(contact.get("email"), str)
            or not isinstance(contact.get("properties", {}), dict)
        ):
            return f'contacts[{n}] needs a whole number "vid", a text "email" and "properties"'
        contacts[contact["vid"]] = contact
    participations: dict[ParticipationKey, dict[str, Any]] = {}
    for n, item in enumerate(stored_participations):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("eventId"), str)
            or item.get("vid") not in contacts
            or not isinstance(item.get("participation"), dict)
            or not isinstance(item["participation"].get("states"), dict)
        ):
            return (
                f'participations[{n}] needs a text "eventId", the "vid" of a stored contact '
                'and a "participation" with "states"'
            )
        participations[(item["eventId"], item["vid"])] = item["participation"]
    return People(next_vid, next_participation, contacts, participations)
