from __future__ import annotations

import pytest

from hubevents_gui.core.fields import (
    FIELDS,
    REQUIRED_COLUMNS,
    custom_property_name,
    field_for_header,
)


def test_every_upsert_field_is_declared_once() -> None:
    keys = [f.key for f in FIELDS]
    assert keys == [
        "externalAccountId",
        "externalEventId",
        "eventName",
        "eventOrganizer",
        "eventType",
        "eventDescription",
        "eventUrl",
        "startDateTime",
        "endDateTime",
        "eventCancelled",
        "eventCompleted",
        "customProperties",
    ]
    assert [f.key for f in REQUIRED_COLUMNS] == [
        "externalAccountId",
        "externalEventId",
        "eventName",
        "eventOrganizer",
    ]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Event Name", "eventName"),
        ("event_name", "eventName"),
        ("EVENT-NAME", "eventName"),
        ("eventName", "eventName"),
        (" External Event ID ", "externalEventId"),
        ("external_account_id", "externalAccountId"),
        ("Start", "startDateTime"),
        ("Start date/time", "startDateTime"),
        ("start_date_time", "startDateTime"),
        ("Ends", "endDateTime"),
        ("Organiser", "eventOrganizer"),
        ("URL", "eventUrl"),
        ("Canceled", "eventCancelled"),
        ("Completed", "eventCompleted"),
        ("Type", "eventType"),
    ],
)
def test_headers_match_insensitively(header: str, key: str) -> None:
    found = field_for_header(header)
    assert found is not None
    assert found.key == key


def test_unknown_headers_match_nothing() -> None:
    assert field_for_header("Internal notes") is None
    assert field_for_header("HubSpot ID") is None
    assert field_for_header("") is None


def test_custom_property_headers() -> None:
    assert custom_property_name("custom:region") == "region"
    assert custom_property_name("Custom.expected_attendees") == "expected_attendees"
    assert custom_property_name("custom: ") == ""
    assert custom_property_name("customer") is None
