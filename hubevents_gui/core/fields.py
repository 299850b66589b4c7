"""The one table of event fields.

Every field of HubSpot's upsert input (``MarketingEventCreateRequestParams``) is declared here
once: its API key, a human title, its kind, whether HubSpot requires it and the spreadsheet
headers it answers to. Import, validation, the payload and the table's columns all read this
table; nobody repeats it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a field's cells are parsed, shown, edited and sent."""

    TEXT = "text"
    DATETIME = "date-time"
    BOOLEAN = "boolean"
    URL = "url"
    CUSTOM = "custom properties"


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    title: str
    kind: Kind
    required: bool
    aliases: tuple[str, ...] = ()
    #: suggested values for an editable choice (the API takes free text)
    choices: tuple[str, ...] = ()
    #: part of the event's identity: kept as text exactly as typed (no "42.0", zeros kept)
    identifier: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "externalAccountId",
        "External Account ID",
        Kind.TEXT,
        required=True,
        aliases=("Account ID", "External Account", "Account"),
        identifier=True,
    ),
    Field(
        "externalEventId",
        "External Event ID",
        Kind.TEXT,
        required=True,
        aliases=("Event ID", "External ID", "Event Key"),
        identifier=True,
    ),
    Field(
        "eventName",
        "Event Name",
        Kind.TEXT,
        required=True,
        aliases=("Name", "Event", "Title", "Event Title"),
    ),
    Field(
        "eventOrganizer",
        "Organizer",
        Kind.TEXT,
        required=True,
        aliases=("Event Organizer", "Event Organiser", "Organiser", "Host", "Organized By"),
    ),
    Field(
        "eventType",
        "Event Type",
        Kind.TEXT,
        required=False,
        aliases=("Type", "Format", "Kind"),
        choices=(
            "WEBINAR",
            "CONFERENCE",
            "WORKSHOP",
            "MEETUP",
            "TRADE_SHOW",
            "ROADSHOW",
            "WEBCAST",
        ),
    ),
    Field(
        "eventDescription",
        "Description",
        Kind.TEXT,
        required=False,
        aliases=("Event Description", "Details", "Summary", "About"),
    ),
    Field(
        "eventUrl",
        "Event URL",
        Kind.URL,
        required=False,
        aliases=("URL", "Link", "Event Link", "Website", "Registration URL", "Registration Link"),
    ),
    Field(
        "startDateTime",
        "Start",
        Kind.DATETIME,
        required=False,
        aliases=(
            "Start Date/Time",
            "Start Date",
            "Start Time",
            "Starts",
            "Starts At",
            "Start At",
            "Begins",
            "Event Start",
            "Event Date",
            "Date",
        ),
    ),
    Field(
        "endDateTime",
        "End",
        Kind.DATETIME,
        required=False,
        aliases=("End Date/Time", "End Date", "End Time", "Ends", "Ends At", "End At", "Event End"),
    ),
    Field(
        "eventCancelled",
        "Cancelled",
        Kind.BOOLEAN,
        required=False,
        aliases=("Canceled", "Event Canceled", "Is Cancelled", "Is Canceled"),
    ),
    Field(
        "eventCompleted",
        "Completed",
        Kind.BOOLEAN,
        required=False,
        aliases=("Is Completed", "Done", "Finished"),
    ),
    Field(
        "customProperties",
        "Custom Properties",
        Kind.CUSTOM,
        required=True,
        # not a column of its own: one column per property, headed ``custom:NAME``
    ),
)

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}

#: the fields that are columns of the table (customProperties is spread over custom:NAME columns)
COLUMN_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.kind is not Kind.CUSTOM)

REQUIRED_COLUMNS: tuple[Field, ...] = tuple(f for f in COLUMN_FIELDS if f.required)

#: (externalAccountId, externalEventId): what identifies an event for one app
IDENTITY_KEYS: tuple[str, str] = ("externalAccountId", "externalEventId")

CUSTOM_PREFIXES: tuple[str, ...] = ("custom:", "custom.")
#: how a custom property's column is keyed everywhere (and headed in result files): custom:NAME
CUSTOM_KEY_PREFIX = "custom:"
#: how the N-th carried (not sent) column is keyed: "extra:0", "extra:1", ...
EXTRA_KEY_PREFIX = "extra:"

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_header(text: str) -> str:
    """Fold a header for matching: case, spaces, underscores, hyphens and other punctuation."""
    return _NOT_ALNUM.sub("", text.casefold())


def _header_index() -> dict[str, Field]:
    index: dict[str, Field] = {}
    for field in COLUMN_FIELDS:
        for name in (field.key, field.title, *field.aliases):
            folded = normalize_header(name)
            other = index.setdefault(folded, field)
            # two fields answering to one header would make matching depend on order
            assert other is field, f"header {name!r} answers to {other.key} and {field.key}"
    return index


_HEADER_INDEX = _header_index()


def field_for_header(header: str) -> Field | None:
    """The field a spreadsheet header names, or None."""
    return _HEADER_INDEX.get(normalize_header(header))


def custom_property_name(header: str) -> str | None:
    """NAME for a header ``custom:NAME`` / ``custom.NAME`` (may be empty), else None."""
    stripped = header.strip()
    lowered = stripped.casefold()
    for prefix in CUSTOM_PREFIXES:
        if lowered.startswith(prefix):
            return stripped[len(prefix) :].strip()
    return None


def custom_header(name: str) -> str:
    """The key (and the header in result files) of a custom property column."""
    return CUSTOM_KEY_PREFIX + name
