from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hubevents_gui.core.rows import EventRow, RowId, Unreadable
from hubevents_gui.core.validation import validate_row, validate_rows

BERLIN = ZoneInfo("Europe/Berlin")


def make_row(n: int = 1, **values: object) -> EventRow:
    row = EventRow(RowId(n), n + 1)
    base: dict[str, object] = {
        "externalAccountId": "acme",
        "externalEventId": f"E{n}",
        "eventName": "Launch",
        "eventOrganizer": "Acme",
    }
    base.update(values)
    for key, value in base.items():
        row.set_cell(key, value)  # type: ignore[arg-type]
    return row


def messages(row: EventRow) -> dict[str, str]:
    return {i.field: i.message for i in validate_row(row, BERLIN)}


def test_a_complete_row_has_no_issues() -> None:
    assert validate_row(make_row(eventUrl="https://x.example/a"), BERLIN) == []


def test_required_fields() -> None:
    found = messages(make_row(eventName=None, eventOrganizer=None))
    assert found == {
        "eventName": "Event Name is required",
        "eventOrganizer": "Organizer is required",
    }


def test_urls_must_be_absolute_http() -> None:
    for bad in ("www.example.com", "ftp://example.com/x", "https://", "http://exa mple.com"):
        assert "eventUrl" in messages(make_row(eventUrl=bad)), bad
    assert messages(make_row(eventUrl="http://localhost:8080/e?a=1")) == {}


def test_end_before_start() -> None:
    row = make_row(startDateTime=datetime(2026, 3, 4, 10), endDateTime=datetime(2026, 3, 4, 9))
    assert messages(row) == {"endDateTime": "the event ends before it starts"}


def test_end_before_start_across_offsets() -> None:
    # 10:00 in Berlin is 09:00 UTC; an end at 09:30Z is after it
    from datetime import UTC

    row = make_row(
        startDateTime=datetime(2026, 3, 4, 10),
        endDateTime=datetime(2026, 3, 4, 9, 30, tzinfo=UTC),
    )
    assert messages(row) == {}


def test_unreadable_cells_are_issues_with_their_reason() -> None:
    row = make_row(startDateTime=Unreadable("soon", "not a date-time: 'soon'"))
    assert messages(row) == {"startDateTime": "not a date-time: 'soon'"}


def test_a_time_skipped_by_daylight_saving_is_refused() -> None:
    row = make_row(startDateTime=datetime(2026, 3, 29, 2, 30))
    assert "does not exist in Europe/Berlin" in messages(row)["startDateTime"]


def test_duplicates_are_flagged_on_every_row_sharing_the_ids() -> None:
    rows = [make_row(1), make_row(2, externalEventId="E1"), make_row(3), make_row(4)]
    rows[3].set_cell("externalEventId", "E1")
    issues = validate_rows(rows, BERLIN)
    assert set(issues) == {RowId(1), RowId(2), RowId(4)}
    assert "also on row 3, row 5" in issues[RowId(1)][0].message


def test_same_event_id_in_another_account_is_not_a_duplicate() -> None:
    rows = [make_row(1), make_row(2, externalEventId="E1", externalAccountId="other")]
    assert validate_rows(rows, BERLIN) == {}


def test_custom_property_without_a_name() -> None:
    row = make_row()
    row.set_cell("custom:", "value")
    assert messages(row) == {"custom:": "this custom property column has no name (custom:NAME)"}


def test_a_time_on_a_clock_change_day_is_compared_exactly() -> None:
    # 2026-10-25 in Berlin: 02:30 happens twice; 01:30 (CEST) to 02:10 (first, CEST) is fine
    row = make_row(
        startDateTime=datetime(2026, 10, 25, 1, 30), endDateTime=datetime(2026, 10, 25, 2, 10)
    )
    assert messages(row) == {}
    row = make_row(
        startDateTime=datetime(2026, 10, 25, 3, 0), endDateTime=datetime(2026, 10, 25, 2, 10)
    )
    assert messages(row) == {"endDateTime": "the event ends before it starts"}


def test_issues_come_in_column_order() -> None:
    row = make_row(eventName=None, eventUrl="nope", startDateTime=Unreadable("x", "bad date"))
    assert [i.field for i in validate_row(row, BERLIN)] == [
        "eventName",
        "eventUrl",
        "startDateTime",
    ]


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        # a wall-clock time east of UTC on the first day: in UTC it is before year 1
        ("Asia/Tokyo", datetime(1, 1, 1, 3)),
        # west of UTC on the last day: in UTC it is after 9999
        ("America/Los_Angeles", datetime(9999, 12, 31, 22)),
        # an explicit offset does the same
        ("UTC", datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=5)))),
    ],
)
def test_a_date_that_cannot_be_an_instant_in_utc_is_invalid(zone: str, start: datetime) -> None:
    end = datetime(1, 1, 1, 5) if start.year == 1 else datetime(9999, 12, 31, 23)
    row = make_row(startDateTime=start, endDateTime=end)
    found = {i.field: i.message for i in validate_row(row, ZoneInfo(zone))}
    assert "outside the years 1 to 9999" in found["startDateTime"]


def test_the_first_and_last_days_are_fine_where_they_fit_in_utc() -> None:
    row = make_row(startDateTime=datetime(1, 1, 1, 12), endDateTime=datetime(9999, 12, 31, 12))
    assert messages(row) == {}  # Berlin is one hour off UTC: both still fit
