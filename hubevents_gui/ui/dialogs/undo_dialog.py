"""The preview of an undo: exactly what taking a run back will do to each event (delete, put
back, leave alone and why), in which portal, before anything is sent. The safe answer is the
default; with nothing to do, the dialog only says so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.undo import Fate
from hubevents_gui.hubspot.undo_run import PlannedUndo
from hubevents_gui.ui.dialogs.history_dialog import fit_columns, run_title

COLUMNS = ["What", "External Account ID", "External Event ID", "Why"]
#: the words each entry's first column shows
_SHOWN = {
    Fate.DELETE: "Delete",
    Fate.PUT_BACK: "Put back",
    Fate.LEFT_ALONE: "Leave alone",
    Fate.NOTE: "Note",
}


class UndoDialog(QDialog):
    def __init__(self, planned: PlannedUndo, where: str, parent: QWidget | None = None) -> None:
        """``where``: the portal the undo acts on ("portal 12345678 in HubSpot")."""
        super().__init__(parent)
        self.setObjectName("undoDialog")
        plan = planned.plan
        self.setWindowTitle("Undo This Run")
        layout = QVBoxLayout(self)
        acting = len(plan.deletions) + len(plan.restores)
        self.heading = heading = QLabel(
            f"<b>Undo the run {run_title(plan.run)}</b><br>"
            f"Acting on {where}. HubSpot's copy was read just now "
            f"({plural(planned.requests, 'request')})."
        )
        heading.setObjectName("undoHeading")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        summary = QLabel(f"{plan.summary_line()[:1].upper()}{plan.summary_line()[1:]}.")
        summary.setObjectName("undoSummary")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.entries = QTreeWidget(self)
        self.entries.setObjectName("undoEntries")
        self.entries.setAccessibleName("What the undo does to each event")
        self.entries.setRootIsDecorated(False)
        self.entries.setUniformRowHeights(True)
        self.entries.setHeaderLabels(COLUMNS)
        for entry in plan.entries():
            item = QTreeWidgetItem([_SHOWN[entry.what], *entry.key, entry.why])
            item.setToolTip(3, entry.why)
            self.entries.addTopLevelItem(item)
        listed = self.entries.topLevelItemCount() > 0
        self.entries.setVisible(listed)
        layout.addWidget(self.entries, 1)
        note = QLabel(
            "Deleted events cannot be brought back. Events changed in HubSpot since the run "
            "are left as they are."
            if acting
            else "Nothing to undo: HubSpot holds none of what this run changed as it left it."
        )
        note.setObjectName("undoNote")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(self)
        buttons.setObjectName("undoButtons")
        self.confirm: QPushButton | None = None
        if acting:
            self.confirm = QPushButton(f"Undo {plural(acting, 'Event')}")
            self.confirm.setObjectName("undoConfirm")
            self.confirm.setAutoDefault(False)
            buttons.addButton(self.confirm, QDialogButtonBox.ButtonRole.AcceptRole)
            cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            cancel = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        cancel.setObjectName("undoCancel")
        cancel.setDefault(True)  # the safe answer: Enter changes nothing
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        wanted = fit_columns(self.entries) if listed else 0
        self.resize(max(640, min(wanted + 60, 1200)), 420 if listed else 200)
