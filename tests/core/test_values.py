from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubevents_gui.core.fields import FIELD_BY_KEY, Field
from hubevents_gui.core.rows import Unreadable
from hubevents_gui.core.values import (
    MAX_CELL_TEXT,
    display_text,
    parse_bool,
    parse_cell,
    parse_column,
    parse_custom,
    parse_datetime,
)

ID = FIELD_BY_KEY["externalEventId"]


@pytest.mark.parametrize(
    ("cell", "text"),
    [(42.0, "42"), (42, "42"), ("00123", "00123"), ("  E-1  ", "E-1"), (1e16, "10000000000000000")],
)
def test_ids_stay_text_as_typed(cell: object, text: str) -> None:
    assert parse_cell(ID, cell) == text


def test_a_date_cell_is_not_an_id() -> None:
    value = parse_cell(ID, datetime(2026, 1, 2))
    assert isinstance(value, Unreadable)


def test_blank_text_is_none() -> None:
    assert parse_cell(FIELD_BY_KEY["eventName"], "   ") is None
    assert parse_cell(FIELD_BY_KEY["eventName"], "") is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (True, True),
        (False, False),
        ("TRUE", True),
        ("false", False),
        ("Yes", True),
        ("no", False),
        ("Y", True),
        ("n", False),
        ("1", True),
        ("0", False),
        (1.0, True),
        (0.0, False),
        ("x", True),
        ("X", True),
        ("", None),
        (None, None),
    ],
)
def test_booleans(cell: object, expected: bool | None) -> None:
    assert parse_bool(cell) is expected


def test_a_bad_boolean_keeps_the_text() -> None:
    value = parse_bool("maybe")
    assert isinstance(value, Unreadable)
    assert value.text == "maybe"
    assert "yes/no" in value.reason


@pytest.mark.parametrize(
    ("cell", "day_first", "expected"),
    [
        (datetime(2026, 3, 4, 9, 30), False, datetime(2026, 3, 4, 9, 30)),
        (date(2026, 3, 4), False, datetime(2026, 3, 4)),
        ("2026-03-04 09:30", False, datetime(2026, 3, 4, 9, 30)),
        ("2026-03-04T09:30:00", False, datetime(2026, 3, 4, 9, 30)),
        ("2026-03-04", False, datetime(2026, 3, 4)),
        ("04/03/2026 09:30", True, datetime(2026, 3, 4, 9, 30)),
        ("04/03/2026 09:30", False, datetime(2026, 4, 3, 9, 30)),
        ("4/3/26", False, datetime(2026, 4, 3)),
        ("04.03.2026 18:00", False, datetime(2026, 3, 4, 18, 0)),
        ("2026/03/04 9:30 PM", False, datetime(2026, 3, 4, 21, 30)),
        ("3/4/2026 12:15 am", False, datetime(2026, 3, 4, 0, 15)),
        ("4 March 2026 09:30", False, datetime(2026, 3, 4, 9, 30)),
        ("Mar 4, 2026", False, datetime(2026, 3, 4)),
        ("Wednesday, March 4, 2026 9:30 AM", False, datetime(2026, 3, 4, 9, 30)),
    ],
)
def test_date_times_parse_to_wall_clock(cell: object, day_first: bool, expected: datetime) -> None:
    assert parse_datetime(cell, day_first=day_first) == expected


def test_iso_offsets_are_kept() -> None:
    value = parse_datetime("2026-03-04T09:30:00-05:00")
    assert isinstance(value, datetime)
    assert value.utcoffset() == timedelta(hours=-5)
    z = parse_datetime("2026-03-04T09:30:00Z")
    assert isinstance(z, datetime)
    assert z.tzinfo is not None
    assert z.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "cell", ["next tuesday", "31/31/2026", "2026-02-30", 46085.5, time(9, 30), True, "13/45/2026"]
)
def test_bad_dates_are_unreadable_with_the_text_kept(cell: object) -> None:
    value = parse_datetime(cell, day_first=True)
    assert isinstance(value, Unreadable)
    assert value.reason


def test_display_round_trips_through_parse() -> None:
    for value in (
        datetime(2026, 3, 4, 9, 30),
        datetime(2026, 3, 4, 9, 30, 15),
        datetime(2026, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2026, 3, 4, 9, 30, tzinfo=UTC),
    ):
        assert parse_datetime(display_text(value)) == value


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("E-\n1", "a line break"),
        ("E-1\tA", "a tab"),
        ("E\u200b1", "an invisible character (U+200B)"),
        ("\ufeffE1", "an invisible character (U+FEFF)"),
        ("E\x001", "an invisible character (U+0000)"),
        ("Spring\xa0Summit", "a special space (U+00A0)"),
    ],
)
def test_an_id_with_a_control_or_invisible_character_is_refused(typed: str, named: str) -> None:
    value = parse_cell(ID, typed)
    assert isinstance(value, Unreadable)
    assert value.text == typed.strip()  # what the user typed is kept to be fixed
    assert named in value.reason


def test_non_breaking_spaces_around_an_id_are_trimmed_like_spaces() -> None:
    assert parse_cell(ID, "\xa0 E-1\xa0") == "E-1"


def test_a_column_of_ids_is_checked_like_a_single_cell() -> None:
    values, unusable = parse_column(ID, ["E1", "E\n2", " E3 ", 4.0], day_first=False)
    assert values[0] == "E1"
    assert values[2] == "E3"
    assert values[3] == "4"
    assert isinstance(values[1], Unreadable)
    assert "line break" in values[1].reason
    assert unusable == 1


@pytest.mark.parametrize("field", [ID, FIELD_BY_KEY["eventName"], None])
def test_text_longer_than_a_workbook_cell_is_refused(field: Field | None) -> None:
    long = "x" * (MAX_CELL_TEXT + 1)
    values, unusable = parse_column(field, [long, "x" * MAX_CELL_TEXT], day_first=False)
    assert isinstance(values[0], Unreadable)
    assert values[0].text == long
    assert "32,767" in values[0].reason
    assert values[1] == "x" * MAX_CELL_TEXT
    assert unusable == 1
    single = parse_custom(long) if field is None else parse_cell(field, long)
    assert isinstance(single, Unreadable)


@given(st.text(max_size=12))
def test_an_id_is_its_trimmed_text_or_refused_with_the_text_kept(typed: str) -> None:
    value = parse_cell(ID, typed)
    (column,), _ = parse_column(ID, [typed], day_first=False)
    assert value == column  # the cell-by-cell path and the import path agree
    if isinstance(value, Unreadable):
        assert value.text == typed.strip()
    elif isinstance(value, str):
        assert value == typed.strip()
        assert not any(unicodedata.category(ch) in _INVISIBLE and ch != " " for ch in value), (
            "an id that looks like another one"
        )


_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"}
