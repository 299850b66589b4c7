"""What a run did: counts by status, requests, why it stopped. Plain data for every caller."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum

from hubevents_gui.core.tally import Tally
from hubevents_gui.core.words import plural


class StopReason(Enum):
    CANCELLED = "cancelled"
    #: stopped waiting for the requests in flight (a second Ctrl+C, a forced close)
    INTERRUPTED = "interrupted"
    DAILY_LIMIT = "daily limit reached"
    UNAUTHORIZED = "token rejected (401)"
    FORBIDDEN = "missing scopes (403)"


@dataclass
class RunReport:
    """What a run did, for the summary line, the status bar and the run history."""

    rows: int = 0
    counts: Tally = field(default_factory=Tally)
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    split_requests: int = 0
    confirm_requests: int = 0
    stopped: StopReason | None = None
    stop_message: str = ""
    missing_scopes: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    #: rows created or updated without some of their custom properties (HubSpot dropped them)
    dropped_rows: int = 0
    #: the names dropped, each once, in the order first seen
    dropped_names: list[str] = field(default_factory=list)
    #: what was read back after the run, a line each (an attendee run's counters per event)
    notes: list[str] = field(default_factory=list)

    def add_dropped(self, names: tuple[str, ...]) -> None:
        """Count one row whose answer left out ``names`` (the engine calls it under its lock)."""
        self.dropped_rows += 1
        for name in names:
            if name not in self.dropped_names:
                self.dropped_names.append(name)

    @property
    def dropped_text(self) -> str:
        """The sentence for the run's summary (empty when nothing was dropped)."""
        if not self.dropped_rows:
            return ""
        return (
            f"{plural(self.dropped_rows, 'row')} had custom properties dropped by HubSpot "
            f"(not defined on the account): {', '.join(self.dropped_names)}"
        )

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    @property
    def stopped_text(self) -> str:
        return self.stopped.value if self.stopped else ""
