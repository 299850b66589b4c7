"""The rows of one recorded run: what was sent, what came back, and an export to a workbook."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hubevents_gui.core.history import RunHistory, RunSummary

COLUMNS = ["Row", "Batch", "External Event ID", "Event Name", "Status", "HubSpot ID", "Message"]


def run_title(run: RunSummary) -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.started))
    return f"{when}: {Path(run.file).name or 'untitled'} to {run.connection}"


class RunDialog(QDialog):
    def __init__(self, history: RunHistory, run: RunSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runDialog")
        self.setWindowTitle(f"Run of {run_title(run)}")
        self.history = history
        self.run = run
        layout = QVBoxLayout(self)
        rows = history.rows(run.id)
        summary = (
            f"{run.rows} rows: {run.created} created, {run.updated} updated, {run.failed} failed, "
            f"{run.not_sent} not sent"
        )
        if run.interrupted:
            batches = history.confirmed_batches(run.id)
            confirmed = [str(b + 1) for b, (done, total) in batches.items() if done == total]
            summary += (
                ". The run was interrupted: HubSpot confirmed batches "
                + (", ".join(confirmed) if confirmed else "none")
                + f" of {len(batches)}; the other rows may need sending again."
            )
        self.summary = QLabel(summary)
        self.summary.setObjectName("runSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(rows), len(COLUMNS), self)
        self.table.setObjectName("runRows")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for i, row in enumerate(rows):
            values = [
                "" if row.source_row is None else str(row.source_row),
                str(row.batch + 1),
                str(row.payload.get("externalEventId", "")),
                str(row.payload.get("eventName", "")),
                row.status,
                row.hubspot_id or "",
                row.message,
            ]
            for j, value in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("runButtons")
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("runExport")
        self.export_button.clicked.connect(self._choose_and_export)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 520)

    def _choose_and_export(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export the run", f"run-{self.run.id[:8]}.xlsx", "Excel workbook (*.xlsx)"
        )
        if chosen:
            self.export(Path(chosen))

    def export(self, path: Path) -> None:
        try:
            self.history.export(self.run.id, path)
        except OSError as exc:
            QMessageBox.warning(self, "Cannot export", f"'{path.name}' cannot be written: {exc}")
