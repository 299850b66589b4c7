from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hubevents_gui.core.rows import EventRow, RowId
from hubevents_gui.hubspot.wire import to_input
from tests import openapi

NEW_YORK = ZoneInfo("America/New_York")


def full_row() -> EventRow:
    return EventRow(
        RowId(1),
        2,
        {
            "externalAccountId": "acme",
            "externalEventId": "00123",
            "eventName": "Launch",
            "eventOrganizer": "Acme",
            "eventType": "WEBINAR",
            "eventDescription": "All the news",
            "eventUrl": "https://acme.example/launch",
            "startDateTime": datetime(2026, 3, 4, 9, 30),
            "endDateTime": datetime(2026, 3, 4, 11, 0, tzinfo=timezone(timedelta(hours=1))),
            "eventCancelled": False,
            "eventCompleted": True,
        },
        {"region": "EMEA", "seats": "120"},
    )


def test_payload_is_exactly_what_hubspot_expects() -> None:
    assert to_input(full_row(), NEW_YORK) == {
        "externalAccountId": "acme",
        "externalEventId": "00123",
        "eventName": "Launch",
        "eventOrganizer": "Acme",
        "eventType": "WEBINAR",
        "eventDescription": "All the news",
        "eventUrl": "https://acme.example/launch",
        # 09:30 in New York (EST, UTC-5) and 11:00 at +01:00
        "startDateTime": "2026-03-04T14:30:00.000Z",
        "endDateTime": "2026-03-04T10:00:00.000Z",
        "eventCancelled": False,
        "eventCompleted": True,
        "customProperties": [
            {"name": "region", "value": "EMEA"},
            {"name": "seats", "value": "120"},
        ],
    }


def test_empty_optional_fields_are_left_out_and_custom_properties_always_present() -> None:
    row = EventRow(
        RowId(1),
        2,
        {"externalAccountId": "a", "externalEventId": "1", "eventName": "n", "eventOrganizer": "o"},
    )
    assert to_input(row, NEW_YORK) == {
        "externalAccountId": "a",
        "externalEventId": "1",
        "eventName": "n",
        "eventOrganizer": "o",
        "customProperties": [],
    }


def test_milliseconds_are_kept() -> None:
    row = full_row()
    row.values["startDateTime"] = datetime(2026, 3, 4, 9, 30, 15, 286000, tzinfo=UTC)
    assert to_input(row, NEW_YORK)["startDateTime"] == "2026-03-04T09:30:15.286Z"


def test_payload_fits_the_official_schema() -> None:
    from jsonschema import ValidationError

    openapi.validate(
        "BatchInputMarketingEventCreateRequestParams", {"inputs": [to_input(full_row(), NEW_YORK)]}
    )
    with pytest.raises(ValidationError):
        openapi.validate(
            "BatchInputMarketingEventCreateRequestParams", {"inputs": [{"eventName": "x"}]}
        )
