"""Crash recovery in the window: offer the unsaved session of a run that ended badly, and put
it back exactly (rows, edits, outcomes)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QMessageBox, QWidget

from hubevents_gui.core.journal import RecoveredSession
from hubevents_gui.core.rows import Outcome, RowStatus
from hubevents_gui.core.words import plural
from hubevents_gui.ui.commands import replace_table
from hubevents_gui.ui.document import TableDocument

_IN_FLIGHT = (RowStatus.QUEUED, RowStatus.SENDING)


def ask_to_restore(parent: QWidget, session: RecoveredSession, more: int = 0) -> bool:
    name = session.table.file.name if session.table.file else "an untitled table"
    when = datetime.fromtimestamp(session.saved_at).strftime("%Y-%m-%d %H:%M")
    later = (
        f"\n\n{plural(more, 'other window')} also left unsaved work: "
        f"{'it is' if more == 1 else 'they are'} offered the next time you start hubevents."
        if more
        else ""
    )
    answer = QMessageBox.question(
        parent,
        "Restore unsaved work?",
        f"hubevents was not closed properly. Restore the work on {name} "
        f"({plural(len(session.table.rows), 'row')}, last change {when})?{later}",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def restore_session(document: TableDocument, session: RecoveredSession) -> None:
    """Show a recovered session: rows, edits and outcomes; rows that were in flight when the
    session ended did not get an answer and are "not sent" (sending again is safe)."""
    replace_table(document, session.table)
    interrupted = []
    for row_id, state in session.states.items():
        if document.row(row_id) is None:
            continue
        outcome = session.outcomes.get(row_id)
        if state in _IN_FLIGHT:
            interrupted.append(
                Outcome(row_id, RowStatus.NOT_SENT, message="not sent: the run was interrupted")
            )
        elif outcome is not None and state is outcome.status:
            document.apply_outcomes([outcome])
        else:
            if outcome is not None:
                document.outcomes[row_id] = outcome
            document.states[row_id] = state
    document.apply_outcomes(interrupted)
    document.revalidate_all()
