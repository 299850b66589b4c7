"""The sandbox over its public API, in process (httpx transport); its loopback server, its state
file and what any input gets are in test_sandbox_server, test_sandbox_state, test_sandbox_inputs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Faults,
    Sandbox,
    SandboxConfig,
    SandboxTransport,
    TokenInfo,
)
from hubevents_gui.hubspot.settings import READ_SCOPE
from tests import openapi

UPSERT = "/marketing/v3/marketing-events/events/upsert"
DATED_UPSERT = "/marketing/marketing-events/2026-03/events/upsert"
OTHER_APP = "other-app-token"
READ_ONLY = "read-only-token"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_780_000_000.0

    def __call__(self) -> float:
        return self.now


def event(n: int, **extra: Any) -> dict[str, Any]:
    body = {
        "externalAccountId": "acme",
        "externalEventId": f"E{n}",
        "eventName": f"Event {n}",
        "eventOrganizer": "Acme",
        "startDateTime": "2026-03-04T09:30:00.000Z",
        "customProperties": [],
    }
    body.update(extra)
    return body


def make_sandbox(clock: FakeClock | None = None, **config: Any) -> Sandbox:
    tokens = {
        DEFAULT_TOKEN: TokenInfo(app_id=1),
        OTHER_APP: TokenInfo(app_id=2),
        READ_ONLY: TokenInfo(app_id=1, scopes=(READ_SCOPE,)),
    }
    clock = clock or FakeClock()
    return Sandbox(SandboxConfig(tokens=tokens, **config), clock=clock, monotonic=clock)


def client(sandbox: Sandbox, token: str | None = DEFAULT_TOKEN) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        transport=SandboxTransport(sandbox, sleep=lambda _s: None),
        base_url="https://api.hubapi.com",
        headers=headers,
    )


def checked(response: httpx.Response, schema: str) -> dict[str, Any]:
    """The body, after checking it against HubSpot's published schema (when it is here)."""
    body: dict[str, Any] = response.json()
    if openapi.SPEC.exists():
        openapi.validate(schema, body)
    return body


def test_create_then_update_keeps_id_and_created_at() -> None:
    clock = FakeClock()
    sandbox = make_sandbox(clock)
    with client(sandbox) as http:
        first = checked(
            http.post(UPSERT, json={"inputs": [event(1)]}),
            "BatchResponseMarketingEventPublicDefaultResponse",
        )
        created = first["results"][0]
        assert created["createdAt"] == created["updatedAt"]
        assert created["id"] == created["objectId"]
        clock.now += 60
        second = http.post(DATED_UPSERT, json={"inputs": [event(1, eventName="Renamed")]}).json()
        updated = second["results"][0]
    assert updated["id"] == created["id"]
    assert updated["createdAt"] == created["createdAt"]
    assert updated["updatedAt"] != updated["createdAt"]
    assert updated["eventName"] == "Renamed"


def test_another_app_gets_its_own_event_and_cannot_read_the_first() -> None:
    sandbox = make_sandbox()
    with client(sandbox) as mine, client(sandbox, OTHER_APP) as theirs:
        a = mine.post(UPSERT, json={"inputs": [event(1)]}).json()["results"][0]
        b = theirs.post(UPSERT, json={"inputs": [event(1)]}).json()["results"][0]
        assert a["id"] != b["id"]
        assert b["createdAt"] == b["updatedAt"]
        theirs_view = theirs.get(
            "/marketing/v3/marketing-events/events/E1", params={"externalAccountId": "acme"}
        ).json()
        assert theirs_view["id"] == b["id"]
        sandbox.events.pop((2, "acme", "E1"))
        missing = theirs.get(
            "/marketing/v3/marketing-events/events/E1", params={"externalAccountId": "acme"}
        )
    assert missing.status_code == 404
    checked(missing, "Error")


def test_results_come_back_in_another_order() -> None:
    with client(make_sandbox()) as http:
        names = [f"Event {n}" for n in range(10)]
        body = http.post(UPSERT, json={"inputs": [event(n) for n in range(10)]}).json()
    echoed = [r["eventName"] for r in body["results"]]
    assert sorted(echoed) == sorted(names)
    assert echoed != names


def test_unknown_custom_properties_are_dropped_silently() -> None:
    props = [{"name": "region", "value": "EMEA"}, {"name": "nope", "value": "x"}]
    with client(make_sandbox()) as http:
        body = http.post(UPSERT, json={"inputs": [event(1, customProperties=props)]}).json()
    assert body["results"][0]["customProperties"] == [{"name": "region", "value": "EMEA"}]


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"events": []}, "inputs"),
        ({"inputs": [event(1), event(2, eventName="")]}, "inputs[1].eventName"),
        ({"inputs": [event(1, customProperties=None)]}, "inputs[0].customProperties"),
        ({"inputs": [event(1, startDateTime="04/03/2026 09:30")]}, "inputs[0].startDateTime"),
        ({"inputs": [event(1, startDateTime="2026-03-04T09:30:00")]}, "inputs[0].startDateTime"),
        ({"inputs": [event(1, eventCancelled="yes")]}, "inputs[0].eventCancelled"),
        ({"inputs": [event(n) for n in range(101)]}, "inputs"),
    ],
)
def test_validation_errors_reject_the_whole_batch(payload: dict[str, Any], where: str) -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        response = http.post(UPSERT, json=payload)
    assert response.status_code == 400
    body = checked(response, "Error")
    assert body["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["in"] == where
    assert not sandbox.events  # nothing of the batch was kept


def test_a_400_names_every_bad_input_when_asked() -> None:
    with client(make_sandbox(error_detail="all")) as http:
        body = http.post(
            UPSERT, json={"inputs": [event(0, eventName=""), event(1), event(2, eventOrganizer="")]}
        ).json()
    assert [e["in"] for e in body["errors"]] == ["inputs[0].eventName", "inputs[2].eventOrganizer"]


@pytest.mark.parametrize("token", [None, "pat-na1-wrong"])
def test_missing_or_unknown_token_is_401(token: str | None) -> None:
    with client(make_sandbox(), token) as http:
        response = http.post(UPSERT, json={"inputs": [event(1)]})
    assert response.status_code == 401
    assert checked(response, "Error")["category"] == "INVALID_AUTHENTICATION"


def test_token_without_write_scope_is_403_with_the_scope() -> None:
    with client(make_sandbox(), READ_ONLY) as http:
        response = http.post(UPSERT, json={"inputs": [event(1)]})
    assert response.status_code == 403
    body = checked(response, "Error")
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"]["requiredGranularScopes"] == [
        "crm.objects.marketing_events.write"
    ]


def test_rolling_window_headers_and_429_under_a_burst() -> None:
    clock = FakeClock()
    sandbox = make_sandbox(clock, rate_limit=10, rate_interval_ms=1000)
    with client(sandbox) as http:
        answers = [http.post(UPSERT, json={"inputs": [event(i)]}) for i in range(12)]
        assert [a.status_code for a in answers] == [200] * 10 + [429, 429]
        assert [int(a.headers["X-HubSpot-RateLimit-Remaining"]) for a in answers[:10]] == list(
            range(9, -1, -1)
        )
        for answer in answers:
            assert answer.headers["X-HubSpot-RateLimit-Max"] == "10"
            assert answer.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "1000"
        limited = checked(answers[10], "Error")
        assert limited["policyName"] == "TEN_SECONDLY_ROLLING"
        assert limited["errorType"] == "RATE_LIMIT"
        assert answers[10].headers["Retry-After"] == "1"
        clock.now += 1.0  # the window frees
        assert http.post(UPSERT, json={"inputs": [event(99)]}).status_code == 200
    # a rejected request did not count: the rest are for the 12 inputs that went through
    assert len(sandbox.events) == 11


def test_no_retry_after_when_switched_off() -> None:
    clock = FakeClock()
    sandbox = make_sandbox(clock, rate_limit=1, faults=Faults(retry_after=False))
    with client(sandbox) as http:
        http.post(UPSERT, json={"inputs": [event(1)]})
        limited = http.post(UPSERT, json={"inputs": [event(2)]})
    assert limited.status_code == 429
    assert "Retry-After" not in limited.headers


def test_daily_limit() -> None:
    with client(make_sandbox(daily_limit=2, rate_limit=None)) as http:
        codes = [http.post(UPSERT, json={"inputs": [event(i)]}) for i in range(3)]
    assert [c.status_code for c in codes] == [200, 200, 429]
    assert checked(codes[2], "Error")["policyName"] == "DAILY"
    assert codes[1].headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"


def fault_run(seed: int) -> list[str]:
    sandbox = make_sandbox(
        rate_limit=None, faults=Faults(server_errors=0.2, dropped=0.1, locked=0.1, seed=seed)
    )
    outcomes = []
    with client(sandbox) as http:
        for i in range(60):
            try:
                outcomes.append(str(http.post(UPSERT, json={"inputs": [event(i)]}).status_code))
            except httpx.RemoteProtocolError:
                outcomes.append("dropped")
    return outcomes


def test_faults_are_seeded_and_of_every_kind() -> None:
    first = fault_run(7)
    assert first == fault_run(7)
    assert first != fault_run(8)
    assert {"200", "423", "dropped"} <= set(first)
    assert set(first) & {"502", "503", "504"}


def test_search_list_token_info_and_account_details() -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        http.post(UPSERT, json={"inputs": [event(n) for n in range(3)]})
        found = checked(
            http.get("/marketing/v3/marketing-events/events/search", params={"q": "E1"}),
            "CollectionResponseSearchPublicResponseWrapperNoPaging",
        )["results"]
        assert [(r["externalAccountId"], r["externalEventId"], r["appId"]) for r in found] == [
            ("acme", "E1", 1)
        ]
        page = checked(
            http.get("/marketing/v3/marketing-events/", params={"limit": 2}),
            "CollectionResponseMarketingEventPublicReadResponseV2ForwardPaging",
        )
        assert len(page["results"]) == 2
        rest = http.get(
            "/marketing/v3/marketing-events/",
            params={"limit": 2, "after": page["paging"]["next"]["after"]},
        ).json()
        assert len(rest["results"]) == 1
        assert "paging" not in rest
        info = http.post(
            "/oauth/v2/private-apps/get/access-token-info", json={"tokenKey": DEFAULT_TOKEN}
        ).json()
        assert info["appId"] == 1
        assert "crm.objects.marketing_events.write" in info["scopes"]
        assert http.get("/account-info/v3/details").json()["portalId"] == info["hubId"]
        one = checked(
            http.get(
                "/marketing/v3/marketing-events/events/E2", params={"externalAccountId": "acme"}
            ),
            "MarketingEventPublicReadResponse",
        )
        assert one["externalEventId"] == "E2"
