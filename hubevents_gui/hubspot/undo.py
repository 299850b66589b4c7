"""Undoing an upsert run: what to delete, what to put back, what to leave alone, and doing it.

From the run's record (the payload of each row HubSpot stored, and the snapshot: HubSpot's copy
of each event before the run) and HubSpot's copy now:

- an event HubSpot did not hold before the run (the run created it) is deleted;
- an event the run changed gets back its prior values: an upsert of every field the run sent,
  with the snapshot's value (a text field that was empty is sent as "", a custom property as
  "", a flag as false; a date-time that was empty cannot be cleared by an upsert and is named);
- an event whose fields the run sent no longer hold what it sent was changed in HubSpot since
  (another app, a person): it is left alone and listed, as is one HubSpot no longer holds.

"Changed since" compares the values of the fields the run wrote with HubSpot's now, not
``updatedAt``: recording attendance or HubSpot's own bookkeeping moves ``updatedAt`` without
anyone editing the event, and clocks need not agree; a field the run did not write cannot be
undone wrongly, since the undo sends only the fields the run wrote. A custom property HubSpot
dropped (not defined on the account) is absent from its copy and compares as unchanged, both
for "changed since" and for what the run changed: an event the run changed only in such a
property has nothing to put back.

Reading HubSpot, planning and doing an undo is hubspot.undo_run, shared by ``hubevents undo``
and the window's Undo This Run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from hubevents_gui.core.fields import CUSTOM_KEY_PREFIX, FIELD_BY_KEY, Kind
from hubevents_gui.core.history import RunHistory, RunRow, RunSummary
from hubevents_gui.core.known_events import EventKey
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.diff import changes_of
from hubevents_gui.hubspot.holdings import RemoteEvent
from hubevents_gui.hubspot.snapshot import decode
from hubevents_gui.hubspot.wire import ECHO_FIELDS, JsonObject

#: what a run of a kind other than an upsert did, in the refusal's words
_DID = {
    "attendance": "recorded attendees",
    "cancel": "cancelled events",
    "complete": "completed events",
    "delete": "deleted events",
    "archive": "deleted events",
}

#: the statuses of rows HubSpot stored
_STORED = frozenset({"created", "updated"})


class UndoRefusedError(Exception):
    """The run cannot be undone: ``str()`` says why in one sentence."""


@dataclass
class UndoPlan:
    run: RunSummary
    #: events the run created, to delete
    deletions: list[EventKey] = field(default_factory=list)
    #: events the run changed: the upsert input that puts back their prior values
    restores: list[tuple[EventKey, JsonObject]] = field(default_factory=list)
    #: events changed in HubSpot since the run: key -> the field titles that differ
    changed: dict[EventKey, list[str]] = field(default_factory=dict)
    #: events the run stored that HubSpot no longer holds
    gone: list[EventKey] = field(default_factory=list)
    #: restored events whose date-times were empty before: key -> field titles left as sent
    uncleared: dict[EventKey, list[str]] = field(default_factory=dict)
    #: events the run sent without changing anything: nothing to put back
    unchanged: int = 0

    @property
    def left_alone(self) -> list[EventKey]:
        return [*self.changed, *self.gone]

    def keys_to_read(self) -> list[EventKey]:
        return [*self.deletions, *(key for key, _ in self.restores)]

    def summary_line(self) -> str:
        """ "2 events the run created will be deleted, 1 it changed put back, ..." """
        return (
            f"{plural(len(self.deletions), 'event')} the run created will be deleted, "
            f"{len(self.restores)} it changed put back, {len(self.changed)} left alone because "
            f"changed in HubSpot since, {len(self.gone)} no longer in HubSpot, "
            f"{self.unchanged} unchanged by the run"
        )

    def entries(self) -> list[UndoEntry]:
        """What becomes of each event, one entry per event (and one per note): deleted first,
        then put back, then left alone."""
        found = [UndoEntry(Fate.DELETE, key) for key in self.deletions]
        found += [UndoEntry(Fate.PUT_BACK, key) for key, _ in self.restores]
        found += [
            UndoEntry(Fate.LEFT_ALONE, key, f"changed since the run ({', '.join(fields)})")
            for key, fields in self.changed.items()
        ]
        gone = "HubSpot no longer holds it"
        found += [UndoEntry(Fate.LEFT_ALONE, key, gone) for key in self.gone]
        found += [
            UndoEntry(
                Fate.NOTE,
                key,
                f"{', '.join(fields)} was empty before the run; an upsert cannot clear it, so "
                "it keeps the run's value",
            )
            for key, fields in self.uncleared.items()
        ]
        return found


class Fate(StrEnum):
    """What an undo does to an event, in the words its preview uses."""

    DELETE = "delete"
    PUT_BACK = "put back"
    LEFT_ALONE = "left alone"
    NOTE = "note"


@dataclass(frozen=True)
class UndoEntry:
    """One line of an undo's preview: what becomes of one event, and why."""

    what: Fate
    key: EventKey
    why: str = ""


def undoable_run(history: RunHistory, run_id: str) -> RunSummary:
    """The run, when it can be undone; UndoRefusedError saying why not (unknown, not an upsert
    with a snapshot, an undo itself, already undone)."""
    run = history.run(run_id)
    if run is None:
        raise UndoRefusedError(
            f"the run history has no run {run_id} (hubevents history lists them)"
        )
    if run.kind == "undo":
        raise UndoRefusedError(
            f"run {run_id} is itself an undo (of run {run.undoes}): it cannot be undone; "
            "upsert the file again instead"
        )
    if run.undone_by:
        raise UndoRefusedError(f"run {run_id} was already undone, by run {run.undone_by}")
    if run.kind not in ("", "upsert"):
        what = _DID.get(run.kind, f"was a {run.kind} run")
        raise UndoRefusedError(f"run {run_id} {what}: only event upserts are undone")
    if not run.has_snapshot:
        raise UndoRefusedError(
            f"run {run_id} was recorded without HubSpot's prior copy of its events (by an "
            "older version): it cannot be undone"
        )
    return run


def stored_rows(history: RunHistory, run_id: str) -> tuple[RunSummary, dict[EventKey, RunRow]]:
    """The run (see undoable_run) and, per event, the last row HubSpot stored."""
    run = undoable_run(history, run_id)
    rows: dict[EventKey, RunRow] = {}
    for row in history.rows(run_id):
        if row.status in _STORED:
            rows[(str(row.payload["externalAccountId"]), str(row.payload["externalEventId"]))] = row
    return run, rows


def plan_undo(
    run: RunSummary,
    rows: Mapping[EventKey, RunRow],
    snapshots: Mapping[EventKey, dict[str, Any] | None],
    current: Mapping[EventKey, RemoteEvent | None],
) -> UndoPlan:
    """What undoing ``run`` does to each event it stored (see the module's docstring);
    ``current``: HubSpot's copy now of each event of ``rows``."""
    plan = UndoPlan(run)
    for key, row in rows.items():
        now = current.get(key)
        if now is None:
            plan.gone.append(key)
            continue
        since = _differences(row.payload, now, now)
        if since:
            plan.changed[key] = since
            continue
        if key not in snapshots:
            plan.gone.append(key)  # never happens for a run with a snapshot: safe all the same
            continue
        prior = snapshots[key]
        if prior is None:
            plan.deletions.append(key)
            continue
        before = decode(key, prior)
        if not _differences(row.payload, before, now):
            plan.unchanged += 1
            continue
        body, uncleared = restore_input(row.payload, before)
        plan.restores.append((key, body))
        if uncleared:
            plan.uncleared[key] = uncleared
    return plan


def _differences(sent: JsonObject, event: RemoteEvent, now: RemoteEvent) -> list[str]:
    """The titles of the fields ``sent`` wrote that ``event`` does not hold as sent, leaving
    out the custom properties HubSpot's copy ``now`` does not hold (it dropped them)."""
    titles = []
    for key in changes_of(sent, event):
        if key.startswith(CUSTOM_KEY_PREFIX):
            name = key[len(CUSTOM_KEY_PREFIX) :]
            if name not in now.custom:
                continue  # dropped by HubSpot (undefined): it never held it
            titles.append(name)
        else:
            spec = FIELD_BY_KEY.get(key)
            titles.append(spec.title if spec is not None else key)
    return titles


def restore_input(sent: JsonObject, before: RemoteEvent) -> tuple[JsonObject, list[str]]:
    """The upsert input that puts back ``before``'s values of every field ``sent`` wrote, and
    the titles of date-times that were empty (an upsert cannot clear them)."""
    body: JsonObject = {
        "externalAccountId": sent["externalAccountId"],
        "externalEventId": sent["externalEventId"],
    }
    uncleared: list[str] = []
    for key in ECHO_FIELDS:
        if key not in sent:
            continue
        old = before.fields.get(key)
        if old is not None:
            body[key] = old
            continue
        spec = FIELD_BY_KEY[key]
        if spec.kind is Kind.BOOLEAN:
            body[key] = False  # HubSpot's default
        elif spec.kind is Kind.DATETIME:
            uncleared.append(spec.title)
        else:
            body[key] = ""
    body["customProperties"] = [
        {"name": str(p["name"]), "value": before.custom.get(str(p["name"]), "")}
        for p in sent.get("customProperties") or []
    ]
    return body, uncleared
