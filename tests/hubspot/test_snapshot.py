"""HubSpot's copy of the events before a run, against the sandbox over loopback: the same copy
whichever way it is read (the portal's list while it is cheaper, by external ids once it is not),
None for events HubSpot does not hold, and what it cost in requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hubevents_gui.hubspot.holdings import Holdings
from hubevents_gui.hubspot.reader import HubSpotReader
from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN, Sandbox, SandboxServer
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.snapshot import decode, read_snapshot, snapshot_from


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(Sandbox()) as running:
        yield running


def seed(server: SandboxServer, count: int) -> None:
    inputs = [
        {
            "externalAccountId": "acme",
            "externalEventId": f"E{n}",
            "eventName": f"Event {n}",
            "eventOrganizer": "Acme",
            "eventType": "WEBINAR",
            "customProperties": [{"name": "region", "value": "EMEA"}],
        }
        for n in range(count)
    ]
    for start in range(0, count, 100):
        with HubSpotReader(settings(server), DEFAULT_TOKEN) as reader:
            # a direct write, as another tool would make it
            reader._request(
                "POST",
                settings(server).events_path() + "/upsert",
                json={"inputs": inputs[start : start + 100]},
            )


def settings(server: SandboxServer) -> ConnectionSettings:
    return ConnectionSettings(base_url=server.base_url)


def test_a_small_portal_is_read_from_its_list(server: SandboxServer) -> None:
    seed(server, 3)
    keys = [("acme", "E0"), ("acme", "E2"), ("acme", "NEW")]
    with HubSpotReader(settings(server), DEFAULT_TOKEN) as reader:
        snapshot = read_snapshot(reader, keys)
    # the token's app, one page of the list, the search for the accounts
    assert snapshot.requests == 3
    priors = snapshot.priors()
    assert priors[("acme", "NEW")] is None
    prior = priors[("acme", "E2")]
    assert prior is not None
    assert prior["fields"]["eventName"] == "Event 2"
    assert prior["custom"] == {"region": "EMEA"}
    assert decode(("acme", "E2"), prior).fields == prior["fields"]
    assert snapshot.cost_line() == (
        "Read 3 events from HubSpot before the run (3 requests) so the run can be undone"
    )


def test_a_large_portal_and_few_events_are_read_by_their_ids(server: SandboxServer) -> None:
    seed(server, 250)
    keys = [("acme", "E7"), ("acme", "NEW")]
    with HubSpotReader(settings(server), DEFAULT_TOKEN) as reader:
        by_list = read_snapshot(reader, [*keys, *[("acme", f"E{n}") for n in range(10)]])
        snapshot = read_snapshot(reader, keys)
    # the list gave up once it cost more than the two reads by external ids
    assert snapshot.requests <= 2 * len(keys) + 1
    assert snapshot.priors() == {key: by_list.priors()[key] for key in keys}
    assert snapshot.priors()[("acme", "NEW")] is None


def test_a_previews_read_costs_nothing_more() -> None:
    snapshot = snapshot_from(Holdings("1"), [("acme", "E1")])
    assert (snapshot.requests, snapshot.priors()) == (0, {("acme", "E1"): None})
