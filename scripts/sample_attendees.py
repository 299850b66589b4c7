"""The sample attendee sheet (hubevents_gui/resources/sample-attendees.xlsx), written by
make_sample.py.

About 25 registrations, attendances and cancellations of three of the sample's events (their
External Event ID and External Account ID are rows of sample-events.xlsx), with states written as
people write them, times as date cells, one contact named by its HubSpot id (a contact of the
sandbox's demo portal) and one row for each kind of mistake that validation catches.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

HEADERS = [
    "Email",
    "Contact ID",
    "External Event ID",
    "External Account ID",
    "State",
    "Interaction Time",
    "Joined At",
    "Left At",
    "First Name",
    "Last Name",
    "Company",
    "Job Title",
    "contact:lifecyclestage",
    "Notes",
]

ACCOUNT = "acme-events"
#: rows of sample-events.xlsx: a webinar on 10 March 16:00-17:00, office hours on 17 March
#: 15:00-16:00 and a workshop on 2 April 10:00-13:00
LAUNCH, OFFICE_HOURS, WORKSHOP = "WEB-2026-001", "WEB-2026-002", "WS-2026-014"
#: the demo portal's first contact (Maria Garcia), named by id only
DEMO_VID = "101"

D = datetime
_PEOPLE: dict[str, tuple[str, str, str, str, str]] = {
    "priya.shah@northwind.example": (
        "Priya",
        "Shah",
        "Northwind Traders",
        "Marketing Director",
        "lead",
    ),
    "tom.becker@fabrikam.example": (
        "Tom",
        "Becker",
        "Fabrikam",
        "Demand Gen Manager",
        "marketingqualifiedlead",
    ),
    "elena.rossi@contoso.example": ("Elena", "Rossi", "Contoso", "CRM Administrator", "customer"),
    "james.miller@tailspin.example": ("James", "Miller", "Tailspin Toys", "Head of Growth", "lead"),
    "sofia.lindqvist@adatum.example": (
        "Sofia",
        "Lindqvist",
        "Adatum",
        "Marketing Ops",
        "opportunity",
    ),
    "hannah.schmidt@litware.example": (
        "Hannah",
        "Schmidt",
        "Litware",
        "Content Lead",
        "subscriber",
    ),
    "carlos.mendes@proseware.example": ("Carlos", "Mendes", "Proseware", "Sales Engineer", "lead"),
    "wei.zhang@woodgrove.example": ("Wei", "Zhang", "Woodgrove Bank", "Analyst", "customer"),
    "li.na@fourthcoffee.example": ("Li", "Na", "Fourth Coffee", "Data Steward", "customer"),
    "omar.haddad@wingtip.example": ("Omar", "Haddad", "Wingtip Toys", "CRM Manager", "lead"),
    "grace.kim@lucerne.example": (
        "Grace",
        "Kim",
        "Lucerne Publishing",
        "Marketing Manager",
        "opportunity",
    ),
    "ben.carter@contoso.example": ("Ben", "Carter", "Contoso", "Event Manager", "lead"),
    "rachel.green@cohowinery.example": (
        "Rachel",
        "Green",
        "Coho Winery",
        "Brand Manager",
        "subscriber",
    ),
}

#: (email or "", contact id or "", event id, state, interaction time, joined, left, notes)
_Row = tuple[str, str, str, str, datetime, datetime | None, datetime | None, str]
_ROWS: list[_Row] = [
    # the launch webinar: registrations, the ones who came, a cancellation, a no-show
    (
        "priya.shah@northwind.example",
        "",
        LAUNCH,
        "Registered",
        D(2026, 3, 1, 9, 12),
        None,
        None,
        "",
    ),
    (
        "priya.shah@northwind.example",
        "",
        LAUNCH,
        "attended",
        D(2026, 3, 10, 16, 2),
        D(2026, 3, 10, 16, 2),
        D(2026, 3, 10, 16, 58),
        "",
    ),
    (
        "tom.becker@fabrikam.example",
        "",
        LAUNCH,
        "Registered",
        D(2026, 3, 2, 14, 40),
        None,
        None,
        "",
    ),
    (
        "tom.becker@fabrikam.example",
        "",
        LAUNCH,
        "attended",
        D(2026, 3, 10, 16, 10),
        D(2026, 3, 10, 16, 10),
        D(2026, 3, 10, 17, 0),
        "Joined late",
    ),
    ("elena.rossi@contoso.example", "", LAUNCH, "Registered", D(2026, 3, 3, 11, 5), None, None, ""),
    (
        "elena.rossi@contoso.example",
        "",
        LAUNCH,
        "Cancelled",
        D(2026, 3, 9, 8, 30),
        None,
        None,
        "Travelling",
    ),
    (
        "james.miller@tailspin.example",
        "",
        LAUNCH,
        "Registered",
        D(2026, 3, 4, 10, 0),
        None,
        None,
        "Did not show",
    ),
    (
        "sofia.lindqvist@adatum.example",
        "",
        LAUNCH,
        "attend",
        D(2026, 3, 10, 16, 0),
        D(2026, 3, 10, 16, 0),
        D(2026, 3, 10, 16, 45),
        "Walk-in: no registration",
    ),
    (
        "",
        DEMO_VID,
        LAUNCH,
        "Registered",
        D(2026, 3, 5, 15, 20),
        None,
        None,
        "Known contact, by HubSpot id",
    ),
    # the office hours
    (
        "priya.shah@northwind.example",
        "",
        OFFICE_HOURS,
        "Registered",
        D(2026, 3, 11, 9, 0),
        None,
        None,
        "",
    ),
    (
        "priya.shah@northwind.example",
        "",
        OFFICE_HOURS,
        "attend",
        D(2026, 3, 17, 15, 0),
        D(2026, 3, 17, 15, 0),
        D(2026, 3, 17, 15, 40),
        "",
    ),
    (
        "hannah.schmidt@litware.example",
        "",
        OFFICE_HOURS,
        "Registered",
        D(2026, 3, 12, 13, 30),
        None,
        None,
        "",
    ),
    (
        "hannah.schmidt@litware.example",
        "",
        OFFICE_HOURS,
        "attended",
        D(2026, 3, 17, 15, 5),
        D(2026, 3, 17, 15, 5),
        D(2026, 3, 17, 16, 0),
        "",
    ),
    (
        "carlos.mendes@proseware.example",
        "",
        OFFICE_HOURS,
        "Registered",
        D(2026, 3, 12, 16, 45),
        None,
        None,
        "",
    ),
    (
        "carlos.mendes@proseware.example",
        "",
        OFFICE_HOURS,
        "Cancelled",
        D(2026, 3, 16, 18, 0),
        None,
        None,
        "",
    ),
    (
        "wei.zhang@woodgrove.example",
        "",
        OFFICE_HOURS,
        "Registered",
        D(2026, 3, 13, 8, 15),
        None,
        None,
        "",
    ),
    # the workshop
    (
        "li.na@fourthcoffee.example",
        "",
        WORKSHOP,
        "Registered",
        D(2026, 3, 20, 10, 0),
        None,
        None,
        "",
    ),
    (
        "li.na@fourthcoffee.example",
        "",
        WORKSHOP,
        "attended",
        D(2026, 4, 2, 10, 0),
        D(2026, 4, 2, 10, 0),
        D(2026, 4, 2, 13, 0),
        "",
    ),
    (
        "omar.haddad@wingtip.example",
        "",
        WORKSHOP,
        "Registered",
        D(2026, 3, 21, 12, 0),
        None,
        None,
        "",
    ),
    (
        "grace.kim@lucerne.example",
        "",
        WORKSHOP,
        "attended",
        D(2026, 4, 2, 10, 20),
        D(2026, 4, 2, 10, 20),
        D(2026, 4, 2, 12, 30),
        "Left before the Q&A",
    ),
    # one mistake of each kind that validation catches
    (
        "rachel.green@@cohowinery.example",
        "",
        WORKSHOP,
        "Registered",
        D(2026, 3, 22, 9, 0),
        None,
        None,
        "Mistake: the email has two @",
    ),
    (
        "ben.carter@contoso.example",
        "",
        WORKSHOP,
        "maybe",
        D(2026, 3, 22, 9, 30),
        None,
        None,
        "Mistake: not a state",
    ),
    (
        "omar.haddad@wingtip.example",
        "",
        WORKSHOP,
        "attended",
        D(2026, 4, 2, 11, 0),
        D(2026, 4, 2, 12, 0),
        D(2026, 4, 2, 11, 0),
        "Mistake: joined after leaving",
    ),
    (
        "wei.zhang@woodgrove.example",
        "",
        LAUNCH,
        "Registered",
        D(2026, 3, 6, 9, 0),
        D(2026, 3, 10, 16, 0),
        None,
        "Mistake: a join time on a registration",
    ),
    (
        "priya.shah@northwind.example",
        "",
        LAUNCH,
        "Registered",
        D(2026, 3, 1, 9, 12),
        None,
        None,
        "Mistake: the same registration twice",
    ),
    (
        "grace.kim@lucerne.example",
        "",
        "WEB-2025-099",
        "Registered",
        D(2026, 3, 7, 9, 0),
        None,
        None,
        "Mistake: no such event in the sample",
    ),
]


def rows() -> list[list[object]]:
    """The sheet's rows under :data:`HEADERS` (blank cells as None)."""
    result: list[list[object]] = []
    for email, vid, event_id, state, at, joined, left, notes in _ROWS:
        first, last, company, title, stage = _PEOPLE.get(email, ("", "", "", "", ""))
        cells: list[object] = [
            email, vid, event_id, ACCOUNT, state, at, joined, left,
            first, last, company, title, stage, notes,
        ]  # fmt: skip
        result.append([cell if cell != "" else None for cell in cells])
    return result


def write(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Attendees"
    sheet.append(HEADERS)
    for row in rows():
        sheet.append(row)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="FF7A59")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    widths = [34, 11, 16, 18, 11, 17, 17, 17, 11, 11, 20, 24, 22, 40]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    readme = workbook.create_sheet("About")
    readme.append(["hubevents' sample attendee sheet, for the events of sample-events.xlsx."])
    readme.append(
        [
            f"The Attendees sheet has {len(_ROWS)} rows; six have mistakes to fix (one repeats "
            "an earlier row, which is flagged with it)."
        ]
    )
    workbook.save(path)
