"""Attendee sheets: recognised by their headers, read through the attendee field table,
validated row by row and across rows, and written back with their own result columns."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS, state_of
from hubevents_gui.core.checks import checks_for
from hubevents_gui.core.fields import EVENT_FIELDS
from hubevents_gui.core.results import write_results
from hubevents_gui.core.rows import EventTable, Outcome, RowStatus
from hubevents_gui.core.sheets import SheetError, read_table
from tests.helpers import write_csv, write_xlsx

BERLIN = ZoneInfo("Europe/Berlin")

HEADERS = [
    "E-mail",
    "contact_id",
    "Event ID",
    "Account",
    "State",
    "Registered At",
    "Join Time",
    "Leave Time",
    "First Name",
    "contact:lifecyclestage",
    "Notes",
]


def attendee_file(tmp_path: Path, rows: list[list[object]]) -> Path:
    return write_xlsx(tmp_path / "attendees.xlsx", [HEADERS, *rows])


def issues_by_row(table: EventTable) -> dict[int, dict[str, str]]:
    found = checks_for(table).rows(table.rows, BERLIN)
    by_number = {row.row_id: row.source_row for row in table.rows}
    return {
        by_number[row_id] or 0: {table.column_title(i.field): i.message for i in issues}
        for row_id, issues in found.items()
    }


def test_headers_with_email_and_state_open_as_an_attendee_table(tmp_path: Path) -> None:
    path = attendee_file(
        tmp_path,
        [["anna@example.com", "", "WEB-1", "acme", "Attended", "", "", "", "Anna", "lead", "x"]],
    )
    table = read_table(path)
    assert table.fields is ATTENDEE_FIELDS
    row = table.rows[0]
    assert row.values["email"] == "anna@example.com"
    assert row.values["state"] == "Attended"  # the user's text, sent as "attend"
    assert row.custom == {"lifecyclestage": "lead"}
    assert table.extra_headers == ["Notes"]
    assert "attendee field" in " ".join(table.notes)


def test_an_event_sheet_still_opens_as_events(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "events.csv",
        [["Account", "Event ID", "Name", "Organizer"], ["acme", "E1", "Launch", "Acme"]],
    )
    assert read_table(path).fields is EVENT_FIELDS


def test_states_are_read_as_users_write_them() -> None:
    assert [state_of(t) for t in ("Registered", "attend", "CANCELLED", "canceled")] == [
        "register",
        "attend",
        "cancel",
        "cancel",
    ]
    assert state_of("yes") is None


def test_each_kind_of_bad_row_is_named_in_the_users_words(tmp_path: Path) -> None:
    joined, left = datetime(2026, 3, 4, 10, 30), datetime(2026, 3, 4, 9, 0)
    path = attendee_file(
        tmp_path,
        [
            ["anna.example.com", "", "WEB-1", "acme", "Registered"],
            ["", "", "WEB-1", "acme", "attended"],
            ["", "-4", "WEB-1", "acme", "attended"],
            ["bo@example.com", "", "WEB-1", "acme", "maybe"],
            ["cy@example.com", "", "WEB-1", "acme", "yes"],
            ["di@example.com", "", "WEB-1", "acme", "Attended", "", joined, left],
            ["ed@example.com", "", "WEB-1", "acme", "Registered", "", joined],
            ["fi@example.com", "", "", "acme", "Registered"],
            ["gu@example.com", "", "WEB-1", "acme", ""],
        ],
    )
    found = issues_by_row(read_table(path))
    assert found[2] == {"E-mail": "'anna.example.com' is not an email address: it has no @"}
    assert found[3] == {"E-mail": "Email or Contact ID is required"}
    assert "positive whole numbers" in found[4]["contact_id"]
    assert found[5]["State"].startswith("unknown state 'maybe'")
    assert found[6]["State"].startswith("'yes' is not a state")
    assert found[7] == {
        "Leave Time": "the contact leaves before joining (Left At is before Joined At)"
    }
    assert "attended rows only" in found[8]["Join Time"]
    assert found[9] == {
        "Event ID": "External Event ID is required (or choose the event for the sheet)"
    }
    assert found[10]["State"].startswith("State is required")


def test_the_same_contact_twice_for_one_event_and_state_is_flagged_on_both(
    tmp_path: Path,
) -> None:
    path = attendee_file(
        tmp_path,
        [
            ["Anna@Example.com", "", "WEB-1", "acme", "Registered"],
            ["anna@example.com ", "", "WEB-1", "acme", "register"],
            ["anna@example.com", "", "WEB-1", "acme", "Attended"],  # another state: fine
            ["anna@example.com", "", "WEB-2", "acme", "Registered"],  # another event: fine
        ],
    )
    found = issues_by_row(read_table(path))
    assert set(found) == {2, 3}
    assert "is also on row 3" in found[2]["E-mail"]
    assert "is also on row 2" in found[3]["E-mail"]


def test_event_and_state_given_for_the_whole_sheet(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "zoom.csv", [["Email", "Join Time"], ["anna@example.com", ""]])
    with pytest.raises(SheetError):
        read_table(path)  # neither events nor attendees: no state, no event
    table = read_table(path, fields=ATTENDEE_FIELDS)
    assert issues_by_row(table)[2].keys() == {"External Event ID", "External Account ID", "State"}
    table.defaults.update(externalEventId="WEB-1", externalAccountId="acme", state="attended")
    assert issues_by_row(table) == {}


def test_a_sheet_without_email_or_contact_id_names_what_is_missing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [["Name", "State"], ["Anna", "Attended"]])
    with pytest.raises(SheetError, match="'Email' or 'Contact ID'"):
        read_table(path, fields=ATTENDEE_FIELDS)


def test_results_add_status_contact_id_and_message_and_read_back(tmp_path: Path) -> None:
    path = attendee_file(
        tmp_path,
        [
            ["anna@example.com", "", "WEB-1", "acme", "Attended", "", "", "", "Anna", "", "n1"],
            ["bo@example.com", 42, "WEB-1", "acme", "Registered", "", "", "", "", "", "n2"],
        ],
    )
    table = read_table(path)
    outcomes = {
        table.rows[0].row_id: Outcome(table.rows[0].row_id, RowStatus.RECORDED, "901"),
        table.rows[1].row_id: Outcome(table.rows[1].row_id, RowStatus.RECORDED, "42"),
    }

    def result_of(row: object) -> tuple[str, str, str]:
        outcome = outcomes[row.row_id]  # type: ignore[attr-defined]
        return outcome.status.value, outcome.hubspot_id or "", outcome.summary

    out = tmp_path / "results.xlsx"
    write_results(table, table.rows, result_of, out)
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-3:] == ("Status", "HubSpot Contact ID", "Message")
    assert rows[1][-3:] == ("recorded", "901", None)
    assert rows[2][1] == 42  # the user's number stays a number
    again = read_table(out)  # a results file opens again as the same attendee table
    assert again.fields is ATTENDEE_FIELDS
    assert [r.values["email"] for r in again.rows] == ["anna@example.com", "bo@example.com"]


def test_a_contact_id_beyond_hubspots_64_bit_ids_is_refused(tmp_path: Path) -> None:
    path = attendee_file(tmp_path, [["", 1e20, "WEB-1", "acme", "Registered"]])
    found = issues_by_row(read_table(path))
    assert "positive whole numbers" in found[2]["contact_id"]
