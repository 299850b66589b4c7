"""Whatever a client sends the sandbox gets a 2xx or a 4xx in HubSpot's error shape: dates out
of range, JSON nested too deep, any JSON value in any field (a property test)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hubspot.test_sandbox import DATED_UPSERT, UPSERT, checked, client, event, make_sandbox


@pytest.mark.parametrize(
    "start",
    [
        "0001-01-01T00:30:00+01:00",  # year 0 in UTC
        "9999-12-31T23:30:00-01:00",  # year 10000 in UTC
        "0000-01-01T00:00:00Z",
        "10000-01-01T00:00:00Z",
        "2026-03-04T09:30:00+24:00",
        10**20,  # epoch milliseconds are not a date-time here
        -(10**20),
    ],
)
def test_a_date_time_out_of_range_is_a_400_naming_it(start: object) -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        response = http.post(UPSERT, json={"inputs": [event(1), event(2, startDateTime=start)]})
    assert response.status_code == 400
    assert checked(response, "Error")["errors"][0]["in"] == "inputs[1].startDateTime"
    assert not sandbox.events


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (UPSERT, DEEP, 400),
        (UPSERT, b'{"inputs": [' + DEEP + b"]}", 400),
        (UPSERT, b'{"inputs": [{"eventName": ' + DEEP + b"}]}", 400),
        ("/oauth/v2/private-apps/get/access-token-info", DEEP, 401),
    ],
)
def test_json_nested_too_deep_is_a_4xx(path: str, body: bytes, status: int) -> None:
    with client(make_sandbox()) as http:
        response = http.post(path, content=body)
    assert response.status_code == status
    assert checked(response, "Error")["message"]


def test_a_negative_after_is_a_400() -> None:
    with client(make_sandbox()) as http:
        http.post(UPSERT, json={"inputs": [event(n) for n in range(3)]})
        response = http.get("/marketing/v3/marketing-events/", params={"after": "-1"})
    assert response.status_code == 400
    assert checked(response, "Error")["errors"][0]["in"] == "after"


FIELDS = (
    "externalAccountId",
    "externalEventId",
    "eventName",
    "eventOrganizer",
    "eventType",
    "startDateTime",
    "endDateTime",
    "eventDescription",
    "eventUrl",
    "eventCancelled",
    "eventCompleted",
    "customProperties",
)
#: ISO date-times in every year and offset, the first and last hours more often: there a zone's
#: offset takes the instant out of years 1-9999
moments = (
    st.datetimes()
    | st.datetimes(max_value=datetime(1, 1, 1, 1))
    | st.datetimes(min_value=datetime(9999, 12, 31, 23))
)
offsets = st.integers(-23, 23).map(lambda hours: hours * 60) | st.integers(-1439, 1439)
date_times = st.builds(
    lambda moment, minutes: moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(),
    moments,
    offsets,
)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | date_times
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(("name", "value", "inputs", *FIELDS)), inner, max_size=4)
    ),
    max_leaves=10,
)
#: near misses of a valid input: a valid one with some fields replaced by anything
inputs = st.builds(
    lambda base, changes: {**base, **changes},
    st.integers(0, 3).map(event),
    st.lists(
        st.tuples(st.sampled_from(FIELDS), json_values)
        | st.tuples(st.sampled_from(("startDateTime", "endDateTime")), date_times),
        max_size=3,
    ).map(dict),
)
bodies = (
    json_values
    | st.fixed_dictionaries({"inputs": st.lists(inputs | json_values, max_size=4)})
    | st.fixed_dictionaries({"tokenKey": json_values})
)


def assert_answered(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = checked(response, "Error")
        assert body["status"] == "error"
        assert isinstance(body["message"], str)
        assert isinstance(body["category"], str)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=bodies,
    path=st.sampled_from([UPSERT, DATED_UPSERT, "/oauth/v2/private-apps/get/access-token-info"]),
)
def test_any_json_body_gets_a_2xx_or_a_4xx_in_hubspots_shape(body: object, path: str) -> None:
    with client(make_sandbox(rate_limit=None)) as http:
        assert_answered(http.post(path, content=json.dumps(body).encode()))


query_values = st.text(max_size=12) | st.integers().map(str)


@settings(max_examples=60, deadline=None)
@given(
    params=st.dictionaries(
        st.sampled_from(("limit", "after", "q", "externalAccountId")), query_values, max_size=4
    ),
    event_id=st.text(min_size=1, max_size=12),
)
def test_any_query_gets_a_2xx_or_a_4xx(params: dict[str, str], event_id: str) -> None:
    with client(make_sandbox(rate_limit=None)) as http:
        http.post(UPSERT, json={"inputs": [event(1)]})
        for path in ("", "events/search", f"events/{quote(event_id, safe='')}"):
            assert_answered(http.get(f"/marketing/v3/marketing-events/{path}", params=params))


@pytest.mark.parametrize("millis", range(0, 1000, 7))
def test_far_future_instants_are_stored_to_the_millisecond(millis: int) -> None:
    from hubevents_gui.hubspot.sandbox.validation import stored_date

    for year in (2300, 9999):
        text = f"{year}-12-31T09:00:00.{millis:03d}Z"
        assert stored_date(text) == text
