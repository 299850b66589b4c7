"""The sandbox's events, keyed by (app, externalAccountId, externalEventId), and its contacts and
their participations (:mod:`.contacts`), optionally kept in one JSON file.

The file is written whole to a temporary file beside it and renamed over it, so a crash never
leaves half a file; a batch is committed in memory only once its file is saved, so the answers
and the file never disagree. Temporary files a kill left behind are removed at the next start.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubevents_gui.hubspot.sandbox import contacts
from hubevents_gui.hubspot.sandbox.contacts import ParticipationKey, email_key
from hubevents_gui.hubspot.sandbox.validation import DATE_FIELDS, ECHOED, stored_date

EventKey = tuple[int, str, str]

FIRST_ID = 1_000_001


@dataclass
class Changes:
    """One request's writes, staged beside the store: committed whole once saved, or dropped.

    The records in it are copies; the store's own stay as they were until :meth:`EventStore.commit`.
    """

    next_id: int
    next_vid: int
    next_participation: int
    events: dict[EventKey, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)
    participations: dict[ParticipationKey, dict[str, Any]] = field(default_factory=dict)
    #: events deleted, with their participations
    removed: set[EventKey] = field(default_factory=set)


class StateError(Exception):
    """The state file cannot be used: ``reason`` is one sentence about ``path``."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class EventStore:
    """Not thread-safe on its own: the sandbox calls it under its lock."""

    def __init__(self, state_file: Path | None = None) -> None:
        self.state_file = Path(state_file) if state_file else None
        self.next_id = FIRST_ID
        self.next_vid = contacts.FIRST_VID
        self.next_participation = contacts.FIRST_PARTICIPATION
        #: (app id, externalAccountId, externalEventId) -> event record
        self.events: dict[EventKey, dict[str, Any]] = {}
        #: vid -> contact record; and the folded email -> vid
        self.contacts: dict[int, dict[str, Any]] = {}
        self.emails: dict[str, int] = {}
        #: (event object id, vid) -> participation record
        self.participations: dict[ParticipationKey, dict[str, Any]] = {}
        if self.state_file is not None:
            self._open(self.state_file)

    def _open(self, path: Path) -> None:
        """Check the folder can be written (before any request relies on it), then load."""
        if not path.parent.is_dir():
            raise StateError(path, f"the folder {path.parent} does not exist")
        for leftover in _leftovers(path):
            with contextlib.suppress(OSError):  # one it cannot remove harms nobody
                leftover.unlink()
        try:
            handle, probe = _temp_file(path)
            os.close(handle)
            os.unlink(probe)
        except OSError as exc:
            raise StateError(path, f"cannot write in {path.parent} ({exc.strerror})") from None
        if path.exists():
            data = _load(path)
            self.next_id, self.events = data["next_id"], data["events"]
            people = contacts.load(data)
            if isinstance(people, str):
                raise StateError(path, people)
            self.next_vid, self.next_participation = people.next_vid, people.next_participation
            self.contacts, self.participations = people.contacts, people.participations
            self.emails = {email_key(c["email"]): vid for vid, c in self.contacts.items()}

    def begin(self) -> Changes:
        return Changes(self.next_id, self.next_vid, self.next_participation)

    def commit(self, changes: Changes) -> None:
        """Save the store with ``changes``, then apply them in memory.

        Raises OSError when the file cannot be saved; nothing has changed then.
        """
        if self.state_file is not None:
            self._save(changes)
        self.events.update(changes.events)
        self.contacts.update(changes.contacts)
        self.emails.update({email_key(c["email"]): v for v, c in changes.contacts.items()})
        self.participations.update(changes.participations)
        gone = {self.events.pop(key)["id"] for key in changes.removed if key in self.events}
        for key in [k for k in self.participations if k[0] in gone]:
            del self.participations[key]
        self.next_id = changes.next_id
        self.next_vid = changes.next_vid
        self.next_participation = changes.next_participation

    def upsert_all(
        self, app_id: int, inputs: Iterable[dict[str, Any]], properties: frozenset[str], stamp: str
    ) -> list[dict[str, Any]]:
        """Create or update each valid input, all or none: the stored records, one per input.

        Raises OSError when the file cannot be saved; nothing has changed then.
        """
        changes = self.begin()
        records = []
        for item in inputs:
            key = (app_id, item["externalAccountId"], item["externalEventId"])
            event = changes.events.get(key)
            if event is None:
                current = self.events.get(key)
                if current is None:
                    event = {"id": str(changes.next_id), "createdAt": stamp}
                    changes.next_id += 1
                else:
                    event = dict(current)  # the stored record stays as it was until saved
                changes.events[key] = event
            _apply(event, item, properties, stamp)
            records.append(dict(event))
        self.commit(changes)
        return records

    def _save(self, changes: Changes) -> None:
        assert self.state_file is not None
        events = {
            k: e for k, e in {**self.events, **changes.events}.items() if k not in changes.removed
        }
        gone = {self.events[k]["id"] for k in changes.removed if k in self.events}
        participations = {
            k: p
            for k, p in {**self.participations, **changes.participations}.items()
            if k[0] not in gone
        }
        data = {
            "next_id": changes.next_id,
            "events": [
                {"appId": app, "externalAccountId": acc, "externalEventId": ev, "event": event}
                for (app, acc, ev), event in events.items()
            ],
            **contacts.dump(
                changes.next_vid,
                changes.next_participation,
                {**self.contacts, **changes.contacts},
                participations,
            ),
        }
        handle, temp = _temp_file(self.state_file)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.replace(temp, self.state_file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def of_app(self, app_id: int) -> list[tuple[EventKey, dict[str, Any]]]:
        """An app's events in creation order (other apps' events are invisible to it)."""
        return [
            (key, event)
            for key, event in sorted(self.events.items(), key=lambda kv: int(kv[1]["id"]))
            if key[0] == app_id
        ]


def _apply(
    event: dict[str, Any], item: dict[str, Any], properties: frozenset[str], stamp: str
) -> None:
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


# ---------------------------------------------------------------- the file


def _temp_file(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, named so that :func:`_leftovers` knows it."""
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def _leftovers(path: Path) -> list[Path]:
    # mkstemp's random part: 8 characters of [a-z0-9_]
    pattern = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}\.tmp")
    try:
        return [p for p in path.parent.iterdir() if pattern.fullmatch(p.name) and p.is_file()]
    except OSError:
        return []


def _load(path: Path) -> dict[str, Any]:
    """The file's data, its events checked and keyed (the rest is :func:`.contacts.load`'s)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StateError(path, "is not UTF-8 text") from None
    except OSError as exc:
        raise StateError(path, f"cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise StateError(path, f"is not JSON ({exc})") from None
    if not isinstance(data, dict) or not {"next_id", "events"} <= data.keys():
        raise StateError(path, 'is not sandbox state: it needs "next_id" and "events"')
    next_id = data["next_id"]
    if not contacts.whole(next_id) or next_id < 1:
        raise StateError(path, '"next_id" must be a whole number of 1 or more')
    if not isinstance(data["events"], list):
        raise StateError(path, '"events" must be a list')
    events: dict[EventKey, dict[str, Any]] = {}
    for n, item in enumerate(data["events"]):
        wrong = _wrong_item(item)
        if wrong:
            raise StateError(path, f"events[{n}] {wrong}")
        events[(item["appId"], item["externalAccountId"], item["externalEventId"])] = item["event"]
    return {**data, "events": events}


def _wrong_item(item: object) -> str | None:
    """What is wrong with one stored event, or None (only what the sandbox relies on)."""
    if not isinstance(item, dict):
        return "is not an object"
    if not contacts.whole(item.get("appId")):
        return 'needs a whole number "appId"'
    for name in ("externalAccountId", "externalEventId"):
        if not isinstance(item.get(name), str):
            return f'needs a text "{name}"'
    event = item.get("event")
    if not isinstance(event, dict):
        return 'needs an "event" object'
    if (
        not isinstance(event.get("id"), str)
        or not event["id"].isascii()
        or not event["id"].isdigit()
    ):
        return 'needs an "event" with an "id" of digits'
    props = event.get("customProperties", [])
    if not isinstance(props, list) or not all(
        isinstance(p, dict) and isinstance(p.get("name"), str) for p in props
    ):
        return 'has "customProperties" that are not a list of {"name", "value"}'
    return None
