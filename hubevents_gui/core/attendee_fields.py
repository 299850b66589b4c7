"""The one table of attendee fields: who registered for, attended or cancelled an event.

An attendee row becomes one input of HubSpot's attendance endpoints
(``MarketingEventEmailSubscriber`` by email, ``MarketingEventSubscriber`` by contact id), sent to
``attendance/{externalEventId}/{subscriberState}/...`` under ``externalAccountId``. Import,
validation, the payload and the window's columns read this table, as they read
:data:`~hubevents_gui.core.fields.EVENT_FIELDS` for events.
"""

from __future__ import annotations

from collections.abc import Sequence

from hubevents_gui.core.fields import Field, FieldTable, Kind, normalize_header

#: the subscriber states, as the spec spells them in the path
REGISTER, ATTEND, CANCEL = "register", "attend", "cancel"
#: how each state is shown (and suggested in the State column's choice)
STATE_TITLES: dict[str, str] = {REGISTER: "Registered", ATTEND: "Attended", CANCEL: "Cancelled"}

_STATE_WORDS: dict[str, str] = {
    normalize_header(word): state
    for state, words in (
        # matched folded: "REGISTERED" (HubSpot's guide) is "registered"
        (REGISTER, ("register", "registered", "registration", "registrant")),
        (ATTEND, ("attend", "attended", "attendee", "attending")),
        (CANCEL, ("cancel", "cancelled", "canceled", "cancellation")),
    )
    for word in words
}


def state_of(text: str) -> str | None:
    """The subscriber state a cell names (``Attended``, ``attend``, ``CANCELLED``), or None."""
    return _STATE_WORDS.get(normalize_header(text))


def state_problem(text: str) -> str:
    """Why a State cell names no state, in words."""
    folded = normalize_header(text)
    if folded in ("yes", "no", "true", "false", "y", "n", "1", "0"):
        return f"{text!r} is not a state: write Registered, Attended or Cancelled"
    return f"unknown state {text!r}: write Registered, Attended or Cancelled"


EMAIL = "email"
CONTACT_ID = "contactId"
STATE = "state"
INTERACTION = "interactionDateTime"
JOINED, LEFT = "joinedAt", "leftAt"
#: the fields sent as ``contactProperties`` (for contacts that HubSpot creates), by their
#: HubSpot property names
CONTACT_FIELDS: tuple[str, ...] = ("firstname", "lastname", "company", "jobtitle")

ATTENDEE_FIELD_LIST: tuple[Field, ...] = (
    Field(
        EMAIL,
        "Email",
        Kind.TEXT,
        required=False,
        aliases=(
            "Email Address",
            "E-mail",
            "E-mail Address",
            "Attendee Email",
            "Registrant Email",
            "Contact Email",
            "User Email",
        ),
    ),
    Field(
        CONTACT_ID,
        "Contact ID",
        Kind.TEXT,
        required=False,
        aliases=("Record ID", "Contact Record ID", "VID", "Contact VID"),
        identifier=True,
    ),
    Field(
        "externalEventId",
        "External Event ID",
        Kind.TEXT,
        required=False,
        aliases=("Event ID", "External ID", "Event Key"),
        identifier=True,
    ),
    Field(
        "externalAccountId",
        "External Account ID",
        Kind.TEXT,
        required=False,
        aliases=("Account ID", "External Account", "Account"),
        identifier=True,
    ),
    Field(
        STATE,
        "State",
        Kind.TEXT,
        required=False,
        # not "Status": that is the app's own result column
        aliases=("Attendance", "Participation", "Subscriber State", "Attendance State"),
        choices=tuple(STATE_TITLES.values()),
    ),
    Field(
        INTERACTION,
        "Interaction Time",
        Kind.DATETIME,
        required=False,
        aliases=(
            "Registered At",
            "Registration Time",
            "Registration Date",
            "Interaction Date",
            "Interaction Date Time",
            "Cancelled At",
            "Attended At",
        ),
    ),
    Field(
        JOINED,
        "Joined At",
        Kind.DATETIME,
        required=False,
        aliases=("Join Time", "Joined", "Time Joined", "Join Date"),
    ),
    Field(
        LEFT,
        "Left At",
        Kind.DATETIME,
        required=False,
        aliases=("Leave Time", "Left", "Time Left", "Leave Date"),
    ),
    Field("firstname", "First Name", Kind.TEXT, required=False, aliases=("Given Name",)),
    Field("lastname", "Last Name", Kind.TEXT, required=False, aliases=("Surname", "Family Name")),
    Field("company", "Company", Kind.TEXT, required=False, aliases=("Organization", "Employer")),
    Field("jobtitle", "Job Title", Kind.TEXT, required=False, aliases=("Title", "Position")),
    Field(
        "contactProperties",
        "Contact Properties",
        Kind.CUSTOM,
        required=False,
        # one column per property, headed ``contact:NAME``
    ),
)

ATTENDEE_FIELDS = FieldTable(
    "attendees",
    "attendee",
    ATTENDEE_FIELD_LIST,
    property_prefixes=("contact:", "contact."),
    property_noun="contact property",
    # not "Contact ID": that is an input column of the sheet, and a second column of that
    # name would make the results file unreadable as an attendee sheet
    id_title="HubSpot Contact ID",
    required_any=((EMAIL, CONTACT_ID),),
    identity_keys=(EMAIL, CONTACT_ID, "externalEventId", "externalAccountId", STATE),
)


def is_attendee_sheet(headers: Sequence[str]) -> bool:
    """Whether ``headers`` are an attendee sheet's: Email or Contact ID, and State."""
    keys = {f.key for h in headers if (f := ATTENDEE_FIELDS.field_for_header(h)) is not None}
    return STATE in keys and (EMAIL in keys or CONTACT_ID in keys)
