"""The sandbox's events: keyed by (app, externalAccountId, externalEventId), optionally kept
in a JSON file (written whole and renamed, so a crash never leaves half a file)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hubevents_gui.hubspot.sandbox.validation import DATE_FIELDS, ECHOED, stored_date

EventKey = tuple[int, str, str]


class EventStore:
    """Not thread-safe on its own: the sandbox calls it under its lock."""

    def __init__(self, state_file: Path | None = None) -> None:
        self.state_file = Path(state_file) if state_file else None
        self.next_id = 1_000_001
        #: (app id, externalAccountId, externalEventId) -> event record
        self.events: dict[EventKey, dict[str, Any]] = {}
        if self.state_file and self.state_file.exists():
            self._load()

    def _load(self) -> None:
        assert self.state_file is not None
        data = json.loads(self.state_file.read_text(encoding="utf-8"))
        self.next_id = int(data["next_id"])
        for item in data["events"]:
            key = (int(item["appId"]), item["externalAccountId"], item["externalEventId"])
            self.events[key] = item["event"]

    def save(self) -> None:
        if self.state_file is None:
            return
        data = {
            "next_id": self.next_id,
            "events": [
                {"appId": app, "externalAccountId": acc, "externalEventId": ev, "event": event}
                for (app, acc, ev), event in self.events.items()
            ],
        }
        handle, temp = tempfile.mkstemp(dir=self.state_file.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temp, self.state_file)

    def upsert(
        self, app_id: int, item: dict[str, Any], properties: frozenset[str], stamp: str
    ) -> dict[str, Any]:
        """Create or update one event from a valid input; returns the stored record."""
        key = (app_id, item["externalAccountId"], item["externalEventId"])
        event = self.events.get(key)
        if event is None:
            event = {"id": str(self.next_id), "createdAt": stamp}
            self.next_id += 1
            self.events[key] = event
        # an update replaces the fields it sends; fields it leaves out are kept
        for name in ECHOED:
            if name in item:
                value = item[name]
                if name in DATE_FIELDS:  # stored and echoed in HubSpot's own UTC form
                    value = stored_date(value)
                event[name] = value
        custom = {p["name"]: p.get("value", "") for p in event.get("customProperties", [])}
        for prop in item["customProperties"]:
            if prop["name"] in properties:  # unknown ones are dropped silently, as HubSpot does
                custom[prop["name"]] = prop.get("value", "")
        event["customProperties"] = [{"name": n, "value": v} for n, v in custom.items()]
        event["updatedAt"] = stamp
        return event

    def of_app(self, app_id: int) -> list[tuple[EventKey, dict[str, Any]]]:
        """An app's events in creation order (other apps' events are invisible to it)."""
        return [
            (key, event)
            for key, event in sorted(self.events.items(), key=lambda kv: int(kv[1]["id"]))
            if key[0] == app_id
        ]
