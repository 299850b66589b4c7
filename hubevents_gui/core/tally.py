"""Counting outcomes by status: one type for the engine's report, the window's progress, the
command line's progress line and the run history."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace

from hubevents_gui.core.rows import ACTED, Outcome, RowStatus


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    failed: int = 0
    not_sent: int = 0
    #: rows a changed-only run did not send: HubSpot already holds them as they are
    unchanged: int = 0
    #: attendees whose participation HubSpot recorded
    recorded: int = 0
    #: events an action went through for (hubevents events cancel|complete|delete)
    cancelled: int = 0
    completed: int = 0
    deleted: int = 0

    def add(self, status: RowStatus) -> None:
        if status is RowStatus.CREATED:
            self.created += 1
        elif status is RowStatus.UPDATED:
            self.updated += 1
        elif status is RowStatus.FAILED:
            self.failed += 1
        elif status is RowStatus.UNCHANGED:
            self.unchanged += 1
        elif status is RowStatus.RECORDED:
            self.recorded += 1
        elif status in ACTED:
            name = status.name.lower()
            setattr(self, name, getattr(self, name) + 1)
        else:  # an outcome is final: anything else did not reach HubSpot
            self.not_sent += 1

    def add_outcomes(self, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            self.add(outcome.status)

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> Tally:
        """From counts keyed by RowStatus value ("created", "not sent", ...), as SQL groups."""
        return cls(
            counts.get(RowStatus.CREATED.value, 0),
            counts.get(RowStatus.UPDATED.value, 0),
            counts.get(RowStatus.FAILED.value, 0),
            counts.get(RowStatus.NOT_SENT.value, 0),
            counts.get(RowStatus.UNCHANGED.value, 0),
            counts.get(RowStatus.RECORDED.value, 0),
            *(counts.get(status.value, 0) for status in ACTED),
        )

    @property
    def done(self) -> int:
        return self.stored + self.failed + self.not_sent

    @property
    def stored(self) -> int:
        """Rows HubSpot has as they are: sent, or left alone because it had them."""
        acted = self.cancelled + self.completed + self.deleted
        return self.created + self.updated + self.unchanged + self.recorded + acted

    def count(self, status: RowStatus) -> int:
        """The rows counted under ``status`` (RowStatus.NOT_SENT: every other one)."""
        return int(getattr(self, status.name.lower()))

    def text(self, *, attendees: bool = False, action: RowStatus | None = None) -> str:
        """ "3 created, 2 updated, 1 failed" (events), "5 recorded, 1 failed" (attendees) or
        "4 cancelled, 1 failed" (an action's run: ``action`` is its outcome)."""
        if action is not None:
            head = f"{self.count(action)} {action.value}"
        elif attendees:
            head = f"{self.recorded} recorded"
        else:
            head = f"{self.created} created, {self.updated} updated"
        return f"{head}, {self.failed} failed"

    def copy(self) -> Tally:
        return replace(self)

    def merge(self, other: Tally) -> None:
        """Add ``other``'s counts to these (the parts of one run)."""
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Progress:
    """A run under way: its tally against the total, with the rate and the time left."""

    total: int
    counts: Tally = field(default_factory=Tally)
    started: float = field(default_factory=time.monotonic)
    #: a run of attendees: its rows are recorded, not created or updated
    attendees: bool = False
    #: a run of an action on events: the outcome of its rows that went (RowStatus.DELETED)
    action: RowStatus | None = None

    @property
    def done(self) -> int:
        return self.counts.done

    @property
    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-6)

    @property
    def eta(self) -> float | None:
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 and self.done else None
