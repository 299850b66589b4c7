"""The sandbox's actions on events: cancel, delete by external ids, archive by object id; what
a read shows afterwards, the refusals, the scope, the limits, faults and the state file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from hubevents_gui.hubspot.sandbox import Faults, Sandbox
from tests.hubspot.test_sandbox import (
    OTHER_APP,
    READ_ONLY,
    UPSERT,
    FakeClock,
    checked,
    client,
    event,
    make_sandbox,
)
from tests.hubspot.test_sandbox_attendance import by_email, record

BASE = "/marketing/v3/marketing-events"
CANCEL = BASE + "/events/{event}/cancel?externalAccountId=acme"
DELETE = BASE + "/events/delete"
ARCHIVE = BASE + "/batch/archive"
ONE = BASE + "/events/{event}?externalAccountId=acme"
LIST = BASE + "/?limit=100"


def with_events(http: httpx.Client, *numbers: int) -> list[str]:
    """Events E<n> of account acme; their object ids."""
    created = http.post(UPSERT, json={"inputs": [event(n) for n in numbers]}).json()["results"]
    by_name = {r["eventName"]: r["objectId"] for r in created}
    return [by_name[f"Event {n}"] for n in numbers]


def own(event_id: str, app: int = 1, account: str = "acme") -> dict[str, Any]:
    return {"appId": app, "externalAccountId": account, "externalEventId": event_id}


def listed(http: httpx.Client) -> list[str]:
    return [item["externalEventId"] for item in http.get(LIST).json()["results"]]


@pytest.mark.parametrize("prefix", [BASE, "/marketing/marketing-events/2026-09"])
def test_cancel_answers_the_event_and_a_read_shows_it_cancelled(prefix: str) -> None:
    with client(make_sandbox()) as http:
        (object_id,) = with_events(http, 1)
        answer = http.post(prefix + "/events/E1/cancel?externalAccountId=acme")
        again = http.post(CANCEL.format(event="E1"))
        read = http.get(ONE.format(event="E1")).json()
    assert answer.status_code == 200
    body = checked(answer, "MarketingEventDefaultResponse")
    assert body["eventCancelled"] is True
    assert body["objectId"] == object_id
    assert body["eventName"] == "Event 1"
    assert again.status_code == 200  # cancelling twice changes nothing more
    assert read["eventCancelled"] is True


def test_cancel_of_an_unknown_or_another_apps_event_is_a_404() -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        with_events(http, 1)
        missing = http.post(CANCEL.format(event="NOPE"))
    with client(sandbox, OTHER_APP) as other:
        foreign = other.post(CANCEL.format(event="E1"))
    assert missing.status_code == foreign.status_code == 404
    assert foreign.json()["category"] == "OBJECT_NOT_FOUND"
    assert sandbox.event(1, "acme", "E1") is not None
    assert "eventCancelled" not in (sandbox.event(1, "acme", "E1") or {})


def test_delete_of_own_events_is_a_204_and_reads_no_longer_show_them() -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        object_ids = with_events(http, 1, 2, 3)
        record(http, "register", by_email("a@example.com"))
        answer = http.post(DELETE, json={"inputs": [own("E1"), own("E3")]})
        assert answer.status_code == 204
        assert answer.content == b""
        assert http.get(ONE.format(event="E1")).status_code == 404
        assert http.get(f"{BASE}/{object_ids[2]}").status_code == 404
        assert listed(http) == ["E2"]
        assert http.get(BASE + "/events/search?q=E").json()["results"][0]["externalEventId"] == (
            "E2"
        )
    # its participations went with it: no contact is counted in an event that is gone
    assert all(key[0] != object_ids[0] for key in sandbox._store.participations)


def test_delete_names_each_missing_or_foreign_input_in_a_207_and_deletes_the_rest() -> None:
    sandbox = make_sandbox()
    with client(sandbox, OTHER_APP) as other:
        with_events(other, 7)
    with client(sandbox) as http:
        with_events(http, 1)
        inputs = [own("E1"), own("GONE"), own("E7"), own("E7", app=2)]
        answer = http.post(DELETE, json={"inputs": inputs})
    assert answer.status_code == 207
    body = checked(answer, "BatchResponseSubscriberEmailResponse")
    assert body["numErrors"] == 3
    assert [e["context"]["externalEventId"] for e in body["errors"]] == [["GONE"], ["E7"], ["E7"]]
    assert {e["category"] for e in body["errors"]} == {"OBJECT_NOT_FOUND"}
    assert sandbox.event(1, "acme", "E1") is None
    assert sandbox.event(2, "acme", "E7") is not None  # another app's events are not deleted


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ([{"externalAccountId": "acme", "externalEventId": "E1"}], "appId"),
        ([{"appId": "1", "externalAccountId": "acme", "externalEventId": "E1"}], "appId"),
        ([{"appId": 1, "externalEventId": "E1"}], "externalAccountId"),
    ],
)
def test_a_malformed_delete_input_is_a_400_naming_it_and_deletes_nothing(
    inputs: list[dict[str, Any]], field: str
) -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        with_events(http, 1)
        answer = http.post(DELETE, json={"inputs": [own("E1"), *inputs]})
    assert answer.status_code == 400
    assert field in answer.text
    assert sandbox.event(1, "acme", "E1") is not None


def test_archive_removes_any_apps_events_by_object_id() -> None:
    sandbox = make_sandbox()
    with client(sandbox, OTHER_APP) as other:
        (foreign,) = with_events(other, 7)
    with client(sandbox) as http:
        (mine,) = with_events(http, 1)
        answer = http.post(ARCHIVE, json={"inputs": [{"objectId": foreign}, {"objectId": mine}]})
        assert answer.status_code == 204
        assert listed(http) == []
        assert http.get(f"{BASE}/E7/identifiers").json()["total"] == 0


def test_archive_of_missing_ids_is_a_207_naming_them() -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        (mine,) = with_events(http, 1)
        answer = http.post(ARCHIVE, json={"inputs": [{"objectId": mine}, {"objectId": "999"}]})
        malformed = http.post(ARCHIVE, json={"inputs": [{"id": mine}]})
    assert answer.status_code == 207
    assert [e["context"] for e in answer.json()["errors"]] == [{"ids": ["999"]}]
    assert sandbox.event(1, "acme", "E1") is None
    assert malformed.status_code == 400  # the spec's input is {objectId}
    assert "objectId" in malformed.text


def test_actions_need_the_write_scope() -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        (object_id,) = with_events(http, 1)
    with client(sandbox, READ_ONLY) as reader:
        assert reader.post(CANCEL.format(event="E1")).status_code == 403
        assert reader.post(DELETE, json={"inputs": [own("E1")]}).status_code == 403
        assert reader.post(ARCHIVE, json={"inputs": [{"objectId": object_id}]}).status_code == 403
    assert sandbox.event(1, "acme", "E1") is not None


def test_the_rate_limit_and_faults_apply_to_actions() -> None:
    clock = FakeClock()
    sandbox = make_sandbox(clock, rate_limit=1, rate_interval_ms=1000)
    with client(sandbox) as http:
        with_events(http, 1)
        limited = http.post(DELETE, json={"inputs": [own("E1")]})
    assert limited.status_code == 429
    assert sandbox.event(1, "acme", "E1") is not None
    failing = make_sandbox(rate_limit=None, faults=Faults(server_errors=1.0))
    with client(failing) as http:
        assert http.post(CANCEL.format(event="E1")).status_code in (502, 503, 504)
        assert http.post(ARCHIVE, json={"inputs": []}).status_code in (502, 503, 504)


def test_deletions_survive_a_reopened_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox-state.json"
    config = make_sandbox().config
    with client(Sandbox(config, state_file=state_file)) as http:
        with_events(http, 1, 2)
        record(http, "register", by_email("a@example.com"))
        http.post(CANCEL.format(event="E2"))
        assert http.post(DELETE, json={"inputs": [own("E1")]}).status_code == 204
    reopened = Sandbox(config, state_file=state_file)
    assert reopened.event(1, "acme", "E1") is None
    assert (reopened.event(1, "acme", "E2") or {})["eventCancelled"] is True
    assert reopened._store.participations == {}
