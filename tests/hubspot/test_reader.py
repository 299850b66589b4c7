"""Reading what HubSpot holds: the list, search, identifiers and definitions, against respx."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from hubevents_gui.hubspot.holdings import read_holdings
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError
from hubevents_gui.hubspot.settings import ConnectionSettings

BASE = "https://api.example"
ROOT = BASE + "/marketing/marketing-events/2026-09"
TOKEN = "pat-na1-00000000-0000-0000-0000-000000000000"
OURS = {"id": "7", "name": "hubevents"}
THEIRS = {"id": "9", "name": "Partner Webinars"}


def reader() -> HubSpotReader:
    settings = ConnectionSettings(base_url=BASE, backoff_base=0.001, locked_wait=0.001)
    return HubSpotReader(settings, TOKEN)


def item(
    object_id: int, event_id: str, app: dict[str, str] = OURS, **fields: Any
) -> dict[str, Any]:
    return {
        "objectId": str(object_id),
        "externalEventId": event_id,
        "appInfo": app,
        "eventName": fields.pop("eventName", f"Event {object_id}"),
        "customProperties": fields.pop("customProperties", []),
        "createdAt": "2026-01-01T00:00:00.000Z",
        "updatedAt": "2026-01-01T00:00:00.000Z",
        **fields,
    }


def pages(items: list[dict[str, Any]], size: int = 100) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        after = int(request.url.params.get("after", "0"))
        body: dict[str, Any] = {"results": items[after : after + size]}
        if after + size < len(items):
            body["paging"] = {"next": {"after": str(after + size)}}
        return httpx.Response(200, json=body)

    return answer


def token_info() -> None:
    respx.post(BASE + "/oauth/v2/private-apps/get/access-token-info").mock(
        return_value=httpx.Response(200, json={"appId": 7, "hubId": 1, "scopes": []})
    )


@respx.mock
def test_pull_lists_pages_of_100_and_keeps_only_this_apps_events() -> None:
    token_info()
    listed = [item(i, f"E{i}") for i in range(1, 251)] + [item(900, "E1", THEIRS)]
    route = respx.get(ROOT).mock(side_effect=pages(listed))
    search = respx.get(ROOT + "/events/search").mock(
        return_value=httpx.Response(
            200,
            json={
                "results": [
                    {
                        "appId": 7,
                        "externalAccountId": "acc",
                        "externalEventId": f"E{i}",
                        "objectId": str(i),
                    }
                    for i in range(1, 251)
                ]
            },
        )
    )
    with reader() as r:
        held = read_holdings(r)
    assert route.call_count == 3  # 251 events, 100 a page
    assert all(call.request.url.params["limit"] == "100" for call in route.calls)
    assert search.call_count == 1
    assert search.calls[0].request.url.params["q"] == ""
    assert len(held.own) == 250
    assert len(held.others) == 1
    assert held.own[("acc", "E1")].object_id == "1"
    assert held.requests == 1 + 3 + 1  # token info, three pages, one search


@respx.mock
def test_what_search_leaves_unresolved_is_asked_once_per_external_event_id() -> None:
    token_info()
    # the same external event id under two accounts, and a third event search cannot find
    listed = [item(1, "SAME"), item(2, "SAME"), item(3, "NEW")]
    respx.get(ROOT).mock(side_effect=pages(listed))
    respx.get(ROOT + "/events/search").mock(return_value=httpx.Response(200, json={"results": []}))
    same = respx.get(ROOT + "/SAME/identifiers").mock(
        return_value=httpx.Response(
            200,
            json={
                "total": 2,
                "results": [
                    {
                        "externalAccountId": "a",
                        "externalEventId": "SAME",
                        "objectId": "1",
                        "marketingEventName": "x",
                        "appInfo": OURS,
                    },
                    {
                        "externalAccountId": "b",
                        "externalEventId": "SAME",
                        "objectId": "2",
                        "marketingEventName": "y",
                        "appInfo": OURS,
                    },
                ],
            },
        )
    )
    respx.get(ROOT + "/NEW/identifiers").mock(return_value=httpx.Response(404, json={}))
    with reader() as r:
        held = read_holdings(r)
    assert same.call_count == 1
    assert set(held.own) == {("a", "SAME"), ("b", "SAME")}
    assert [e.object_id for e in held.unresolved] == ["3"]


@respx.mock
def test_another_apps_event_with_the_rows_ids_is_found_for_a_preview() -> None:
    token_info()
    respx.get(ROOT).mock(side_effect=pages([item(5, "E1", THEIRS), item(6, "OTHER", THEIRS)]))
    ids = respx.get(ROOT + "/E1/identifiers").mock(
        return_value=httpx.Response(
            200,
            json={
                "total": 1,
                "results": [
                    {
                        "externalAccountId": "acc",
                        "externalEventId": "E1",
                        "objectId": "5",
                        "appInfo": THEIRS,
                    }
                ],
            },
        )
    )
    with reader() as r:
        held = read_holdings(r, wanted=[("acc", "E1")])
    assert ids.call_count == 1  # OTHER is not in the file: nobody asks about it
    other = held.other_app_with(("acc", "E1"))
    assert other is not None
    assert other.app_name == "Partner Webinars"
    assert not held.own


@respx.mock
def test_definitions_try_both_object_types_and_work_without_them() -> None:
    first = respx.get(BASE + "/crm/v3/properties/marketing_events").mock(
        return_value=httpx.Response(
            400, json={"message": "Unable to infer object type from: marketing_events"}
        )
    )
    respx.get(BASE + "/crm/v3/properties/0-54").mock(
        return_value=httpx.Response(
            200,
            json={
                "results": [
                    {
                        "name": "region",
                        "label": "Region",
                        "type": "enumeration",
                        "fieldType": "select",
                        "options": [{"label": "EMEA", "value": "EMEA"}],
                    },
                    {
                        "name": "hs_computed",
                        "label": "Computed",
                        "type": "string",
                        "modificationMetadata": {"readOnlyValue": True},
                    },
                ]
            },
        )
    )
    with reader() as r:
        definitions, why = r.property_definitions()
    assert first.call_count == 1
    assert why == ""
    assert definitions is not None
    assert definitions["region"].options == ("EMEA",)
    assert definitions["hs_computed"].read_only


@respx.mock
def test_definitions_refused_say_why_and_raise_nothing() -> None:
    for kind in ("marketing_events", "0-54"):
        respx.get(BASE + f"/crm/v3/properties/{kind}").mock(
            return_value=httpx.Response(
                403,
                json={
                    "message": "missing scopes",
                    "category": "MISSING_SCOPES",
                    "errors": [{"context": {"requiredGranularScopes": ["crm.schemas.x.read"]}}],
                },
            )
        )
    with reader() as r:
        definitions, why = r.property_definitions()
    assert definitions is None
    assert "HTTP 403" in why
    assert "crm.schemas.x.read" in why


@respx.mock
def test_a_refused_token_is_one_sentence_with_the_status_and_never_the_token() -> None:
    respx.post(BASE + "/oauth/v2/private-apps/get/access-token-info").mock(
        return_value=httpx.Response(401, json={"message": f"bad token {TOKEN}"})
    )
    respx.get(ROOT).mock(
        return_value=httpx.Response(
            401, json={"message": f"bad {TOKEN}", "category": "INVALID_AUTHENTICATION"}
        )
    )
    with reader() as r, pytest.raises(ReadError) as caught:
        read_holdings(r)
    assert caught.value.status == 401
    assert "HTTP 401 INVALID_AUTHENTICATION" in str(caught.value)
    assert TOKEN not in str(caught.value)


@respx.mock
def test_transient_failures_and_rate_limits_are_retried() -> None:
    answers = iter(
        [
            httpx.Response(502, json={"message": "bad gateway"}),
            httpx.Response(
                429, json={"policyName": "TEN_SECONDLY_ROLLING"}, headers={"Retry-After": "0"}
            ),
            httpx.Response(200, json={"results": [item(1, "E1")]}),
        ]
    )
    respx.get(ROOT).mock(side_effect=lambda _r: next(answers))
    with reader() as r:
        assert [e["objectId"] for e in r.events()] == ["1"]
        assert r.requests == 3


@respx.mock
def test_v3_reads_the_list_where_its_spec_puts_it_and_where_its_guide_does() -> None:
    spec = respx.get(BASE + "/marketing/marketing-events/v3").mock(
        return_value=httpx.Response(404, json={"message": "no route"})
    )
    guide = respx.get(BASE + "/marketing/v3/marketing-events/").mock(
        return_value=httpx.Response(200, json={"results": [item(1, "E1")]})
    )
    settings = ConnectionSettings(base_url=BASE, api_version="v3")
    with HubSpotReader(settings, TOKEN) as r:
        assert len(list(r.events())) == 1
    assert spec.call_count == 1
    assert guide.call_count == 1
    assert json.loads(guide.calls[0].response.content)["results"][0]["objectId"] == "1"
