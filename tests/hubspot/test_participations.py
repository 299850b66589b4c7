"""An event's participation counters and completing an event: the exact requests (quoted ids,
query, body), the counters read back, and refusals as one sentence with the HTTP status."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from hubevents_gui.hubspot.reader import HubSpotReader, ParticipationCounters, ReadError
from hubevents_gui.hubspot.settings import ConnectionSettings

BASE = "https://api.example"
TOKEN = "pat-na1-00000000-0000-0000-0000-000000000000"


def reader(version: str = "2026-09") -> HubSpotReader:
    settings = ConnectionSettings(
        base_url=BASE, api_version=version, backoff_base=0.001, locked_wait=0.001
    )
    return HubSpotReader(settings, TOKEN)


@respx.mock
def test_the_counters_of_an_event_come_from_its_participations() -> None:
    route = respx.get(url__startswith=BASE).mock(
        return_value=httpx.Response(
            200, json={"attended": 3, "registered": 5, "cancelled": 1, "noShows": 2}
        )
    )
    with reader() as r:
        counted = r.participation_counters("acme co", "Q1/26")
    assert counted == ParticipationCounters(registered=5, attended=3, cancelled=1, no_shows=2)
    assert counted.text == "5 registered, 3 attended, 1 cancelled, 2 no-shows"
    assert (
        route.calls[0].request.url.raw_path.decode()
        == "/marketing/marketing-events/2026-09/participations/acme%20co/Q1%2F26"
    )


@respx.mock
def test_counters_of_an_unknown_event_are_a_404_read_error() -> None:
    respx.get(url__startswith=BASE).mock(
        return_value=httpx.Response(
            404, json={"category": "OBJECT_NOT_FOUND", "message": "no such event"}
        )
    )
    with reader("v3") as r, pytest.raises(ReadError) as caught:
        r.participation_counters("acme", "GONE")
    assert caught.value.status == 404
    assert "HTTP 404 OBJECT_NOT_FOUND: no such event" in str(caught.value)


@respx.mock
def test_completing_an_event_sends_its_start_and_end() -> None:
    route = respx.post(url__startswith=BASE).mock(return_value=httpx.Response(200, json={}))
    with reader() as r:
        r.complete_event("acme", "WEB 1", "2026-03-04T09:00:00.000Z", "2026-03-04T10:00:00.000Z")
    sent = route.calls[0].request
    assert sent.url.raw_path.decode().split("?")[0] == (
        "/marketing/marketing-events/2026-09/events/WEB%201/complete"
    )
    assert sent.url.params["externalAccountId"] == "acme"
    assert json.loads(sent.content) == {
        "startDateTime": "2026-03-04T09:00:00.000Z",
        "endDateTime": "2026-03-04T10:00:00.000Z",
    }


@respx.mock
def test_a_refused_completion_says_the_status_and_never_the_token() -> None:
    respx.post(url__startswith=BASE).mock(
        return_value=httpx.Response(
            400, json={"category": "VALIDATION_ERROR", "message": f"end before start {TOKEN}"}
        )
    )
    with reader() as r, pytest.raises(ReadError) as caught:
        r.complete_event("acme", "WEB 1", "2026-03-04T10:00:00.000Z", "2026-03-04T09:00:00.000Z")
    assert caught.value.status == 400
    assert str(caught.value).startswith("HTTP 400 VALIDATION_ERROR: end before start")
    assert TOKEN not in str(caught.value)
