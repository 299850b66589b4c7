"""The attendance requests against HubSpot's published spec: the bodies of email-create and
create fit its batch-input schemas (skips where the spec is not beside the checkout)."""

from __future__ import annotations

from datetime import datetime

import pytest

from hubevents_gui.core.rows import EventRow
from hubevents_gui.hubspot.attendance import ATTENDANCE, compose_attendance_batches
from hubevents_gui.hubspot.settings import ConnectionSettings
from tests.hubspot.test_attendance import items_of, row
from tests.openapi import validate


@pytest.mark.parametrize(
    ("schema", "rows"),
    [
        (
            "BatchInputMarketingEventEmailSubscriber",
            [
                row(
                    1,
                    email="a@x.com",
                    firstname="Anna",
                    joinedAt=datetime(2026, 3, 4, 10, 0),
                    leftAt=datetime(2026, 3, 4, 11, 0),
                ),
                row(2, email="b@x.com"),
            ],
        ),
        (
            "BatchInputMarketingEventSubscriber",
            [row(1, contactId="55", joinedAt=datetime(2026, 3, 4, 10, 0)), row(2, contactId="7")],
        ),
    ],
)
def test_attendance_bodies_fit_the_spec(schema: str, rows: list[EventRow]) -> None:
    items = items_of(*rows)
    (batch,) = compose_attendance_batches(items, 100)
    path, query, body = ATTENDANCE.request(ConnectionSettings(api_version="v3"), batch)
    assert path.startswith("/marketing/v3/marketing-events/attendance/WEB%201/attend/")
    assert query == {"externalAccountId": "acme"}
    validate(schema, body)
