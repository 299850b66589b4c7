"""The sandbox's read endpoints, shaped like HubSpot's spec: the event list (every app's, with
``appInfo`` and without ``externalAccountId``), search (own app), identifiers (every app), one
event by object id (events with their attendance counted), the CRM property definitions and the
daily usage; and the demo portal.

Called by :class:`~.routes.Sandbox` under its lock.
"""

from __future__ import annotations

from typing import Any

from hubevents_gui.hubspot.sandbox.config import (
    SandboxConfig,
    SandboxResponse,
    error_body,
    iso_instant,
)
from hubevents_gui.hubspot.sandbox.participations import event_tallies
from hubevents_gui.hubspot.sandbox.state import EventKey, EventStore

#: a second app with events in the demo portal (the sample's ids among them)
PARTNER_APP = 515151
PARTNER_TOKEN = "partner-token"


def app_info(config: SandboxConfig, app_id: int) -> dict[str, str]:
    return {"id": str(app_id), "name": config.apps.get(app_id, f"App {app_id}")}


def read_item(
    config: SandboxConfig, store: EventStore, key: EventKey, event: dict[str, Any], now: float
) -> dict[str, Any]:
    """``MarketingEventPublicReadResponseV2``: no externalAccountId, no id; its attendance
    counted as the participation endpoints count it."""
    app, _account, event_id = key
    item = {k: v for k, v in event.items() if k != "id"}
    item.update(
        objectId=event["id"],
        externalEventId=event_id,
        appInfo=app_info(config, app),
        **event_tallies(store, event, now),
    )
    return item


def in_order(store: EventStore) -> list[tuple[EventKey, dict[str, Any]]]:
    return sorted(store.events.items(), key=lambda kv: int(kv[1]["id"]))


def list_events(
    config: SandboxConfig, store: EventStore, query: dict[str, str], now: float
) -> SandboxResponse | tuple[str, str, str]:
    try:
        limit = max(1, min(100, int(query.get("limit", "10"))))
        after = int(query.get("after", "0"))
    except ValueError:
        return ("limit", "after", "limit and after must be integers")
    if after < 0:
        return ("after", "after", "after cannot be negative")
    events = in_order(store)
    body: dict[str, Any] = {
        "results": [read_item(config, store, k, e, now) for k, e in events[after : after + limit]]
    }
    if after + limit < len(events):
        body["paging"] = {"next": {"after": str(after + limit)}}
    return SandboxResponse(200, body)


def search(config: SandboxConfig, store: EventStore, app_id: int, q: str) -> SandboxResponse:
    wanted = q.casefold()

    def found(key: EventKey, event: dict[str, Any]) -> bool:
        _app, account, event_id = key
        if config.search_matches == "exact":
            return bool(q) and event_id == q
        texts = (account, event_id, str(event.get("eventName", "")))
        return any(wanted in text.casefold() for text in texts)

    results = [
        {"appId": app, "externalAccountId": account, "externalEventId": ev, "objectId": e["id"]}
        for (app, account, ev), e in store.of_app(app_id)
        if found((app, account, ev), e)
    ]
    return SandboxResponse(200, {"results": results})


def identifiers(config: SandboxConfig, store: EventStore, event_id: str) -> SandboxResponse:
    results = [
        {
            "externalAccountId": account,
            "externalEventId": ev,
            "marketingEventName": event.get("eventName", ""),
            "objectId": event["id"],
            "appInfo": app_info(config, app),
        }
        for (app, account, ev), event in in_order(store)
        if ev == event_id
    ]
    return SandboxResponse(200, {"total": len(results), "results": results})


def by_object_id(
    config: SandboxConfig, store: EventStore, object_id: str, now: float
) -> SandboxResponse:
    for key, event in store.events.items():
        if event["id"] == object_id:
            return SandboxResponse(200, read_item(config, store, key, event, now))
    return SandboxResponse(
        404, error_body("OBJECT_NOT_FOUND", f"No marketing event with id {object_id}")
    )


def property_definitions(config: SandboxConfig, object_type: str) -> SandboxResponse:
    if object_type not in config.property_object_types:
        return SandboxResponse(
            400,
            error_body("VALIDATION_ERROR", f"Unable to infer object type from: {object_type}"),
        )
    results = [
        {
            "name": d["name"],
            "label": d.get("label", d["name"]),
            "type": d.get("type", "string"),
            "fieldType": d.get("fieldType", "text"),
            "groupName": "marketingevent_information",
            "description": "",
            "options": [
                {"label": o, "value": o, "displayOrder": i, "hidden": False}
                for i, o in enumerate(d.get("options", ()))
            ],
            "hidden": False,
            "formField": False,
            "modificationMetadata": {
                "archivable": True,
                "readOnlyDefinition": False,
                "readOnlyValue": bool(d.get("readOnlyValue", False)),
            },
        }
        for d in config.definitions()
    ]
    return SandboxResponse(200, {"results": results})


def daily_usage(config: SandboxConfig, used: int, now: float) -> SandboxResponse:
    midnight = (int(now) // 86_400 + 1) * 86_400
    return SandboxResponse(
        200,
        {
            "results": [
                {
                    "name": "api-calls-daily",
                    "usageLimit": config.daily_limit,
                    "currentUsage": used,
                    "collectedAt": iso_instant(now),
                    "fetchStatus": "SUCCESS",
                    "resetsAt": iso_instant(midnight),
                }
            ]
        },
    )


#: the demo portal's events of the second app: one with the ids of a sample row (a preview of
#: the sample shows a conflict), one with a sample event id under another account, and others
DEMO_EVENTS: tuple[dict[str, Any], ...] = (
    {
        "externalAccountId": "acme-events",
        "externalEventId": "CONF-2026-LDN",
        "eventName": "Acme London Summit (partner listing)",
        "eventOrganizer": "Partner Webinars",
        "eventType": "CONFERENCE",
        "startDateTime": "2026-06-16T07:00:00Z",
        "customProperties": [],
    },
    {
        "externalAccountId": "partner-eu",
        "externalEventId": "WEB-2026-001",
        "eventName": "Spring Launch (EU partner replay)",
        "eventOrganizer": "Partner Webinars",
        "eventType": "WEBINAR",
        "customProperties": [{"name": "region", "value": "EMEA"}],
    },
    {
        "externalAccountId": "partner-eu",
        "externalEventId": "PW-0042",
        "eventName": "Data Quality Clinic",
        "eventOrganizer": "Partner Webinars",
        "eventType": "WORKSHOP",
        "customProperties": [],
    },
)
