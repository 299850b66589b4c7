"""The one table of event fields.

Every field of HubSpot's upsert input (``MarketingEventCreateRequestParams``) is declared here
once: its API key, a human title, its kind, whether HubSpot requires it and the spreadsheet
headers it answers to. Import, validation, the payload and the table's columns all read this
table; nobody repeats it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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

CUSTOM_PREFIXES: tuple[str, ...] = ("custom:", "custom.")
#: how a property column is keyed everywhere, in every kind of table: custom:NAME (an event's
#: custom property, an attendee's contact property); what it is headed with is the table's
CUSTOM_KEY_PREFIX = "custom:"
#: how the N-th carried (not sent) column is keyed: "extra:0", "extra:1", ...
EXTRA_KEY_PREFIX = "extra:"

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_header(text: str) -> str:
    """Fold a header for matching: case, spaces, underscores, hyphens and other punctuation."""
    return _NOT_ALNUM.sub("", text.casefold())


class FieldTable:
    """The fields of one kind of table (events, attendees): its columns, the headers they
    answer to, and how its property columns are headed (``custom:NAME``, ``contact:NAME``).

    Import, validation, the payload, result files and the window's columns read a table's
    fields from here, so a second kind of table is one more instance, not a second copy."""

    def __init__(
        self,
        name: str,
        noun: str,
        fields: tuple[Field, ...],
        *,
        property_prefixes: tuple[str, ...],
        property_noun: str,
        id_title: str,
        required_any: tuple[tuple[str, ...], ...] = (),
        identity_keys: tuple[str, ...] = (),
    ) -> None:
        #: "events", "attendees": how files and settings tell the kinds apart
        self.name = name
        #: "event", "attendee": what one row is, in words
        self.noun = noun
        #: every field of the input, in column order (a CUSTOM field stands for the property
        #: columns)
        self.fields = fields
        self.by_key: dict[str, Field] = {f.key: f for f in fields}
        self.columns: tuple[Field, ...] = tuple(f for f in fields if f.kind is not Kind.CUSTOM)
        self.required: tuple[Field, ...] = tuple(f for f in self.columns if f.required)
        #: groups of which a row needs one (an attendee's Email or Contact ID)
        self.required_any = required_any
        #: the columns whose edit can make rows repeat one another (duplicates are re-found)
        self.identity_keys = frozenset(identity_keys)
        self.property_prefixes = property_prefixes
        self.property_noun = property_noun
        #: the title of the app's own id column in result files ("HubSpot ID", "Contact ID")
        self.id_title = id_title
        self._index = self._header_index()

    def __repr__(self) -> str:
        return f"FieldTable({self.name!r})"

    def _header_index(self) -> dict[str, Field]:
        index: dict[str, Field] = {}
        for field in self.columns:
            for name in (field.key, field.title, *field.aliases):
                folded = normalize_header(name)
                other = index.setdefault(folded, field)
                # two fields answering to one header would make matching depend on order
                assert other is field, f"header {name!r} answers to {other.key} and {field.key}"
        return index

    def field_for_header(self, header: str) -> Field | None:
        """The field a spreadsheet header names, or None."""
        return self._index.get(normalize_header(header))

    def property_name(self, header: str) -> str | None:
        """NAME for a property header (``custom:NAME``, ``contact.NAME``; may be empty)."""
        stripped = header.strip()
        lowered = stripped.casefold()
        for prefix in self.property_prefixes:
            if lowered.startswith(prefix):
                return stripped[len(prefix) :].strip()
        return None

    def property_header(self, name: str) -> str:
        """How a property column is headed in this kind of table (and its result files)."""
        return self.property_prefixes[0] + name

    def title(self, key: str) -> str:
        """A column's title: the field's, ``contact:NAME`` for a property, else the key."""
        spec = self.by_key.get(key)
        if spec is not None:
            return spec.title
        if key.startswith(CUSTOM_KEY_PREFIX):
            return self.property_header(key[len(CUSTOM_KEY_PREFIX) :])
        return key

    def header_score(self, headers: Sequence[str]) -> tuple[bool, int]:
        """(every required column present, number of known columns): how well ``headers``
        read as this kind of table."""
        keys = {f.key for h in headers if (f := self.field_for_header(h)) is not None}
        properties = sum(1 for h in headers if self.property_name(h) is not None)
        complete = all(f.key in keys for f in self.required) and all(
            any(key in keys for key in group) for group in self.required_any
        )
        return complete, len(keys) + properties


EVENT_FIELDS = FieldTable(
    "events",
    "event",
    FIELDS,
    property_prefixes=CUSTOM_PREFIXES,
    property_noun="custom property",
    id_title="HubSpot ID",
    identity_keys=("externalAccountId", "externalEventId"),
)

FIELD_BY_KEY: dict[str, Field] = EVENT_FIELDS.by_key

#: the fields that are columns of the table (customProperties is spread over custom:NAME columns)
COLUMN_FIELDS: tuple[Field, ...] = EVENT_FIELDS.columns

REQUIRED_COLUMNS: tuple[Field, ...] = EVENT_FIELDS.required

#: HubSpot's participation counters of an event (its read answer's keys), as pulled sheets head
#: them: read-only columns, carried as they are when the sheet is opened again
COUNTER_HEADERS: tuple[tuple[str, str], ...] = (
    ("registrants", "Registrants"),
    ("attendees", "Attendees"),
    ("cancellations", "Cancellations"),
    ("noShows", "No-shows"),
)

#: (externalAccountId, externalEventId): what identifies an event for one app
IDENTITY_KEYS: tuple[str, str] = ("externalAccountId", "externalEventId")


def field_for_header(header: str) -> Field | None:
    """The event field a spreadsheet header names, or None."""
    return EVENT_FIELDS.field_for_header(header)


def custom_property_name(header: str) -> str | None:
    """NAME for a header ``custom:NAME`` / ``custom.NAME`` (may be empty), else None."""
    return EVENT_FIELDS.property_name(header)


def custom_header(name: str) -> str:
    """The key (and the header in result files) of a custom property column."""
    return CUSTOM_KEY_PREFIX + name
