"""Autosave and recovery: the document's changes go to the window's own session journal
(core.journal, one per window: core.session_files) within a second; after a crash or a kill, the
next start offers to restore that session exactly, on its own. A write that fails is reported
(``failed``), and the journal goes on with the next change."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from hubevents_gui.core.journal import (
    Journal,
    JournalDamagedError,
    RecoveredSession,
    read_journal,
)
from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.rows import RowId
from hubevents_gui.core.session_files import HeldJournal, claim_new, claim_orphans, sessions_dir
from hubevents_gui.core.sqlite_writer import is_damage_notice
from hubevents_gui.ui.document import TableDocument


def _adopt_legacy_journal() -> None:
    # before one journal per window there was one for all: offer it like any orphan
    legacy = data_dir() / "session.sqlite"
    if not legacy.exists():
        return
    target = sessions_dir() / f"session-{time.strftime('%Y%m%d-%H%M%S')}-earlier.sqlite"
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        side = Path(str(legacy) + suffix)
        if side.exists():
            side.replace(Path(str(target) + suffix))


#: outcomes journaled per save (a save every 400 ms): 5,000 cost about 5 ms of the GUI thread
_OUTCOMES_PER_SAVE = 5000


class Autosaver(QObject):
    """Looks at what changed every few hundred milliseconds and hands it to the journal."""

    #: a journal write failed (a sentence naming the file and the error); emitted on the GUI
    #: thread, the writer's report queued across
    failed = Signal(str)

    def __init__(self, document: TableDocument, held: HeldJournal | None = None) -> None:
        super().__init__(document)
        self.document = document
        #: this window's journal, locked for as long as the window lives
        self.held = held or claim_new()
        self.path = self.held.path
        # the writer thread emits; Qt queues it to this object's (the GUI) thread
        self.journal = Journal(self.path, on_error=self.failed.emit)
        self.failed.connect(self._on_failed)
        self.timer = QTimer(self)
        self.timer.setObjectName("autosaveTimer")
        self.timer.setInterval(400)
        self.timer.timeout.connect(self.save_changes)
        self.timer.start()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if is_damage_notice(message):
            # the journal was started afresh: it gets the whole table again, not the changes
            self.document.dirty.everything = True

    @Slot()
    def save_changes(self) -> None:
        document = self.document
        dirty = document.dirty.take()
        table = document.table
        if not table.rows and not dirty.everything:
            return
        extra = {"timezone": document.zone.key}
        if dirty.everything:
            self.journal.start_table(table, extra)
            dirty.outcomes |= set(document.states)
        else:
            if dirty.meta:
                self.journal.update_meta(table, extra)
            if dirty.rows or dirty.order:
                rows = [r for i in dirty.rows if (r := document.row(i)) is not None]
                order = [int(r.row_id) for r in table.rows] if dirty.order else None
                self.journal.rows_changed(rows, order)
        outcomes: Iterable[RowId] = dirty.outcomes
        if len(dirty.outcomes) > _OUTCOMES_PER_SAVE:
            # 100k rows queued at a run's start: journaled a slice a save, never in one pause
            ids = list(dirty.outcomes)
            document.dirty.outcomes.update(ids[_OUTCOMES_PER_SAVE:])
            outcomes = ids[:_OUTCOMES_PER_SAVE]
        if dirty.outcomes:
            self.journal.outcomes_changed(
                [(r, document.outcomes.get(r), document.states.get(r)) for r in outcomes]
            )

    def flush(self) -> bool:
        self.save_changes()
        return self.journal.flush()

    def finish(self, *, keep: bool) -> None:
        """On close: keep the journal (unsaved work) or remove it (saved or discarded)."""
        self.timer.stop()
        if keep:
            self.save_changes()
        self.journal.close(remove=not keep)
        if keep:
            self.held.release()  # offered again at the next start
        else:
            self.held.remove()


@dataclass
class PendingSession:
    """Unsaved work a window left behind, and the lock on its journal (held while offered)."""

    session: RecoveredSession
    held: HeldJournal


def pending_sessions() -> tuple[list[PendingSession], list[str]]:
    """What windows that ended without a clean close left unsaved, newest first, each on its
    own; and a sentence for each journal that was damaged (moved aside)."""
    _adopt_legacy_journal()
    found: list[PendingSession] = []
    notices: list[str] = []
    for held in claim_orphans():
        try:
            session = read_journal(held.path)
        except JournalDamagedError as exc:
            notices.append(str(exc))
            held.remove()
            continue
        if session is None or not session.table.rows:
            held.remove()  # nothing worth offering
            continue
        found.append(PendingSession(session, held))
    return found, notices
