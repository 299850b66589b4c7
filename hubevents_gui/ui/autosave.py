"""Autosave and recovery: the model's changes go to the session journal (core.journal) within
a second; after a crash or a kill, the next start offers to restore the session exactly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Slot

from hubevents_gui.core.journal import Journal, RecoveredSession, read_journal
from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.rows import Outcome, RowStatus
from hubevents_gui.ui.event_model import EventTableModel

_IN_FLIGHT = (RowStatus.QUEUED, RowStatus.SENDING)


def journal_path() -> Path:
    return data_dir() / "session.sqlite"


class Autosaver(QObject):
    """Looks at what changed every few hundred milliseconds and hands it to the journal."""

    def __init__(self, model: EventTableModel, path: Path | None = None) -> None:
        super().__init__(model)
        self.model = model
        self.path = path or journal_path()
        self.journal = Journal(self.path)
        self.timer = QTimer(self)
        self.timer.setObjectName("autosaveTimer")
        self.timer.setInterval(400)
        self.timer.timeout.connect(self.save_changes)
        self.timer.start()

    @Slot()
    def save_changes(self) -> None:
        model = self.model
        dirty = model.dirty.take()
        table = model.table
        if not table.rows and not dirty.everything:
            return
        extra = {"timezone": model.zone.key}
        if dirty.everything:
            self.journal.start_table(table, extra)
            dirty.outcomes |= set(model.states)
        else:
            if dirty.meta:
                self.journal.update_meta(table, extra)
            if dirty.rows or dirty.order:
                rows = [r for i in dirty.rows if (r := model.row(i)) is not None]
                order = [int(r.row_id) for r in table.rows] if dirty.order else None
                self.journal.rows_changed(rows, order)
        if dirty.outcomes:
            self.journal.outcomes_changed(
                [(r, model.outcomes.get(r), model.states.get(r)) for r in dirty.outcomes]
            )

    def flush(self) -> None:
        self.save_changes()
        self.journal.flush()

    def finish(self, *, keep: bool) -> None:
        """On close: keep the journal (unsaved work) or remove it (saved or discarded)."""
        self.timer.stop()
        if keep:
            self.save_changes()
        self.journal.close(remove=not keep)


def pending_session(path: Path | None = None) -> RecoveredSession | None:
    """What the last session left unsaved, if it ended without a clean close."""
    session = read_journal(path or journal_path())
    if session is None or not session.table.rows:
        return None
    return session


def restore(model: EventTableModel, session: RecoveredSession) -> None:
    """Show a recovered session: rows, edits and outcomes; rows that were in flight when the
    session ended did not get an answer and are "not sent" (sending again is safe)."""
    model.replace_table(session.table)
    interrupted = []
    for row_id, state in session.states.items():
        if model.row(row_id) is None:
            continue
        outcome = session.outcomes.get(row_id)
        if state in _IN_FLIGHT:
            interrupted.append(
                Outcome(row_id, RowStatus.NOT_SENT, message="not sent: the run was interrupted")
            )
        elif outcome is not None and state is outcome.status:
            model.apply_outcomes([outcome])
        else:
            if outcome is not None:
                model.outcomes[row_id] = outcome
            model.states[row_id] = state
    model.apply_outcomes(interrupted)
    model.revalidate_all()
