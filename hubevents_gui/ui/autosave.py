"""Autosave and recovery: the document's changes go to the session journal (core.journal)
within a second; after a crash or a kill, the next start offers to restore the session exactly.
A write that fails is reported (``failed``), and the journal goes on with the next change."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from hubevents_gui.core.journal import Journal, RecoveredSession, read_journal
from hubevents_gui.core.paths import data_dir
from hubevents_gui.ui.document import TableDocument


def journal_path() -> Path:
    return data_dir() / "session.sqlite"


class Autosaver(QObject):
    """Looks at what changed every few hundred milliseconds and hands it to the journal."""

    #: a journal write failed (a sentence naming the file and the error); emitted on the GUI
    #: thread, the writer's report queued across
    failed = Signal(str)

    def __init__(self, document: TableDocument, path: Path | None = None) -> None:
        super().__init__(document)
        self.document = document
        self.path = path or journal_path()
        # the writer thread emits; Qt queues it to this object's (the GUI) thread
        self.journal = Journal(self.path, on_error=self.failed.emit)
        self.timer = QTimer(self)
        self.timer.setObjectName("autosaveTimer")
        self.timer.setInterval(400)
        self.timer.timeout.connect(self.save_changes)
        self.timer.start()

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
        if dirty.outcomes:
            self.journal.outcomes_changed(
                [(r, document.outcomes.get(r), document.states.get(r)) for r in dirty.outcomes]
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


def pending_session(path: Path | None = None) -> RecoveredSession | None:
    """What the last session left unsaved, if it ended without a clean close."""
    session = read_journal(path or journal_path())
    if session is None or not session.table.rows:
        return None
    return session
