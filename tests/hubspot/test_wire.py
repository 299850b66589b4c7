from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hubevents_gui.core.rows import EventRow, RowId, RowStatus
from hubevents_gui.hubspot.wire import dropped_properties, outcome_of, to_input
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


# --------------------------------------------------------------- custom properties dropped


def test_a_custom_property_missing_from_the_echo_is_dropped_and_the_row_still_created() -> None:
    sent = {
        "eventName": "Launch",
        "customProperties": [
            {"name": "region", "value": "EMEA"},
            {"name": "legacy_tag", "value": "old"},
            {"name": "other", "value": "x"},
        ],
    }
    result = {
        "objectId": "77",
        "eventName": "Launch",
        "createdAt": "2026-03-04T10:00:00Z",
        "updatedAt": "2026-03-04T10:00:00Z",
        # HubSpot may reformat a value: only the name counts
        "customProperties": [{"name": "region", "value": "emea"}],
    }
    assert dropped_properties(sent, result) == ("legacy_tag", "other")
    outcome = outcome_of(RowId(3), result, sent)
    assert outcome.status is RowStatus.CREATED
    assert outcome.hubspot_id == "77"
    assert outcome.dropped == ("legacy_tag", "other")
    assert outcome.summary == "HubSpot dropped custom properties: legacy_tag, other"


def test_nothing_is_dropped_when_every_name_comes_back_or_the_echo_says_nothing() -> None:
    sent = {"customProperties": [{"name": "region", "value": "EMEA"}]}
    kept = {"customProperties": [{"name": "region", "value": "EMEA"}, {"name": "old"}]}
    assert dropped_properties(sent, kept) == ()
    # an answer without the list cannot tell: no row is said to have lost anything
    assert dropped_properties(sent, {"objectId": "1"}) == ()
    assert dropped_properties({"customProperties": []}, {"customProperties": []}) == ()
    assert outcome_of(RowId(1), {"objectId": "1"}).dropped == ()
