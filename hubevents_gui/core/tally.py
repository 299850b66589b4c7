"""Counting outcomes by status: one type for the engine's report, the window's progress, the
command line's progress line and the run history."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hubevents_gui.core.rows import Outcome, RowStatus


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
        )

    @property
    def done(self) -> int:
        return self.stored + self.failed + self.not_sent

    @property
    def stored(self) -> int:
        """Rows HubSpot has as they are: sent, or left alone because it had them."""
        return self.created + self.updated + self.unchanged + self.recorded

    def text(self, *, attendees: bool = False) -> str:
        """ "3 created, 2 updated, 1 failed" (events) or "5 recorded, 1 failed" (attendees)."""
        head = (
            f"{self.recorded} recorded"
            if attendees
            else f"{self.created} created, {self.updated} updated"
        )
        return f"{head}, {self.failed} failed"

    def copy(self) -> Tally:
        return Tally(
            self.created, self.updated, self.failed, self.not_sent, self.unchanged, self.recorded
        )


@dataclass
class Progress:
    """A run under way: its tally against the total, with the rate and the time left."""

    total: int
    counts: Tally = field(default_factory=Tally)
    started: float = field(default_factory=time.monotonic)
    #: a run of attendees: its rows are recorded, not created or updated
    attendees: bool = False

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
