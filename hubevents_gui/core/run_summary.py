"""What a recorded run was, for every reader of the run history: its counts (which always add
up to its rows), its state in a few words, and each row as sent and answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubevents_gui.core.words import plural

#: status of a row that was recorded but has no outcome (yet, or ever: the run was killed)
PENDING = "pending"
#: what a user sees for a row that never had an answer, and why it matters
NO_ANSWER = "no answer"
NO_ANSWER_MESSAGE = (
    "no answer before the run ended: it may have reached HubSpot; run again to confirm"
)
#: the engine's words for a run the user stopped (hubspot.report.StopReason's values)
CANCELLED = "cancelled"
INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class RunSummary:
    """One run. Its counts always add up: created + updated + failed + not sent + no answer
    == rows (``no_answer``: rows recorded that never had an outcome: the run was killed)."""

    id: str
    started: float
    finished: float | None
    connection: str
    file: str
    sheet: str
    rows: int
    created: int
    updated: int
    failed: int
    not_sent: int
    requests: int
    stopped: str
    no_answer: int = 0
    #: attendees whose participation HubSpot recorded (an attendee run's "stored")
    recorded: int = 0
    #: events an action went through for (an action run's "stored")
    cancelled: int = 0
    completed: int = 0
    deleted: int = 0
    #: "upsert", "attendance", "undo" ("" for a run recorded before runs had kinds)
    kind: str = ""
    #: for an undo: the run it took back
    undoes: str = ""
    #: HubSpot's prior copy of the events it sent was kept (it can be undone)
    has_snapshot: bool = False
    #: the undo run that took this one back ("" while none did)
    undone_by: str = ""

    @property
    def undoable(self) -> bool:
        """An event upsert with its snapshot, not undone yet (see hubspot.undo.undoable_run for
        why another is not)."""
        return self.kind in ("", "upsert") and self.has_snapshot and not self.undone_by

    @property
    def interrupted(self) -> bool:
        """The run never finished (the process was killed): there is no finish record."""
        return self.finished is None

    @property
    def stored(self) -> int:
        acted = (self.cancelled or 0) + (self.completed or 0) + (self.deleted or 0)
        return self.created + self.updated + (self.recorded or 0) + acted

    @property
    def state(self) -> str:
        """What happened, in a few words: a success only when HubSpot has every row."""
        if self.undone_by:
            return "undone"
        if self.stored == self.rows:
            return "complete"
        if self.interrupted:
            return INTERRUPTED
        if self.stopped in (CANCELLED, INTERRUPTED):
            return self.stopped
        if self.stopped:  # the engine's reason: "token rejected (401)", "daily limit reached"
            return f"stopped: {self.stopped}"
        if self.stored == 0:
            return "failed" if self.failed else "not sent"
        return "finished with failures" if self.failed else "partly sent"

    @property
    def counts_text(self) -> str:
        """ "23 rows: 10 created, 13 not sent": every row in one count, no empty counts."""
        counts = (
            (self.created, "created"),
            (self.updated, "updated"),
            (self.recorded, "recorded"),
            (self.cancelled, "cancelled"),
            (self.completed, "completed"),
            (self.deleted, "deleted"),
            (self.failed, "failed"),
            (self.not_sent, "not sent"),
            (self.no_answer, "with no answer"),
        )
        parts = [f"{count} {word}" for count, word in counts if count]
        return plural(self.rows, "row") + (": " + ", ".join(parts) if parts else "")

    @property
    def summary_text(self) -> str:
        """ "Stopped: daily limit reached. 23 rows: 10 created, 13 not sent." """
        state = self.state
        return f"{state[:1].upper()}{state[1:]}. {self.counts_text}."


@dataclass(frozen=True)
class RunRow:
    row_id: int
    source_row: int | None
    batch: int
    payload: dict[str, Any]
    status: str
    hubspot_id: str | None
    message: str
    http_status: int | None
    done: float | None

    @property
    def status_text(self) -> str:
        return NO_ANSWER if self.status == PENDING else self.status

    @property
    def message_text(self) -> str:
        return self.message or (NO_ANSWER_MESSAGE if self.status == PENDING else "")
