"""The rows of one recorded run: what was sent, what came back, and an export to a workbook.

Columns fit their text, measured on a sample of rows (a run can hold 100k); the message column
takes the rest. Export asks where (in the last folder, else Documents or home) and says where
the file went, or in one sentence why it did not.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from hubevents_gui.core.history import INTERRUPTED, RunHistory, RunRow, RunSummary
from hubevents_gui.core.words import plural
from hubevents_gui.ui.accessible import describe, describe_buttons
from hubevents_gui.ui.tasks import Task, TaskError, TaskSet

COLUMNS = ["Row", "Batch", "External Event ID", "Event Name", "Status", "HubSpot ID", "Message"]
Index = QModelIndex | QPersistentModelIndex


class RunRowsModel(QAbstractTableModel):
    """The rows of a run, read-only: one Python list, no item per cell (a run has 100k rows)."""

    def __init__(self, rows: list[RunRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 0:
            return "" if row.source_row is None else str(row.source_row)
        if column == 1:
            return str(row.batch + 1)
        if column == 2:
            return str(row.payload.get("externalEventId", ""))
        if column == 3:
            return str(row.payload.get("eventName", ""))
        if column == 4:
            return row.status_text
        if column == 5:
            return row.hubspot_id or ""
        return row.message_text


#: rows measured to fit a column: enough to see its usual widths, cheap over 100k rows
SAMPLE_ROWS = 200
#: widest a column but the last may grow to fit its text (the rest shows in its tooltip)
MAX_COLUMN = 420


def fit_columns(view: QTableView | QTreeView) -> int:
    """Size every column but the last to its header and a sample of its rows; the last one
    stretches. Returns the width the columns want, the last one's text included."""
    header = view.header() if isinstance(view, QTreeView) else view.horizontalHeader()
    header.setResizeContentsPrecision(SAMPLE_ROWS)
    header.setStretchLastSection(True)
    model = view.model()
    last = model.columnCount() - 1
    wanted = 0
    for column in range(last + 1):
        width = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
        if column < last:
            width = min(width, MAX_COLUMN)
            view.setColumnWidth(column, width)
        wanted += width
    return wanted


def run_title(run: RunSummary) -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.started))
    return f"{when}: {Path(run.file).name or 'untitled'} to {run.connection}"


def default_folder() -> Path:
    """Where an export goes when no folder was used before: Documents, else home."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def export_name(run: RunSummary) -> str:
    when = time.strftime("%Y-%m-%d-%H%M", time.localtime(run.started))
    return f"{Path(run.file).stem or 'run'}-run-{when}.xlsx"


class RunDialog(QDialog):
    #: the export was written (its path)
    exported = Signal(object)

    def __init__(
        self,
        history: RunHistory,
        run: RunSummary,
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
    ) -> None:
        """``folder``: where Export proposes to save (the last folder used)."""
        super().__init__(parent)
        self.setObjectName("runDialog")
        self.setWindowTitle(f"Run of {run_title(run)}")
        self.history = history
        self.run = run
        self.folder = folder
        layout = QVBoxLayout(self)
        rows = history.rows(run.id)
        summary = run.summary_text
        if run.interrupted or run.stopped == INTERRUPTED:
            batches = history.confirmed_batches(run.id)
            confirmed = [str(b + 1) for b, (done, total) in batches.items() if done == total]
            summary += (
                " HubSpot confirmed "
                + ("batches " + ", ".join(confirmed) if confirmed else "no batch")
                + f" of {len(batches)}; the other rows may need sending again."
            )
        self.summary = QLabel(summary)
        self.summary.setObjectName("runSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.rows_model = RunRowsModel(rows, self)
        self.table = QTableView(self)
        self.table.setObjectName("runRows")
        describe(self.table, "Each row the run sent and what became of it", name="Rows", tip=False)
        self.table.setModel(self.rows_model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # one line a row, cut at the end (the tooltip has it all): rows stay one height
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        wanted = fit_columns(self.table)
        layout.addWidget(self.table, 1)
        self.export_status = QLabel("")
        self.export_status.setObjectName("runExportStatus")
        self.export_status.setWordWrap(True)
        self.export_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.export_status)
        self._tasks = TaskSet(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("runButtons")
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("runExport")
        self.export_button.setToolTip("Save this run's rows as an Excel workbook")
        self.export_button.clicked.connect(self._choose_and_export)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        describe_buttons(buttons, {QDialogButtonBox.StandardButton.Close: "Close this run"})
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # wide enough for every column's text where the screen allows
        screen = self.screen().availableGeometry().width() if self.screen() else 1600
        frame = 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width()
        margins = layout.contentsMargins().left() + layout.contentsMargins().right()
        self.resize(max(900, min(wanted + frame + margins, int(screen * 0.9))), 520)

    @Slot()
    def _choose_and_export(self) -> None:
        folder = self.folder or default_folder()
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Export the run",
            str(folder / export_name(self.run)),
            "Excel workbook (*.xlsx)",
        )
        if chosen:
            path = Path(chosen)
            self.export(
                path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")
            )

    def export(self, path: Path) -> Task:
        """Write the run's rows to a workbook off the GUI thread; say when it is done."""
        history, run_id = self.history, self.run.id

        def work(_task: Task) -> Path:
            try:
                history.export(run_id, path)
            except OSError as exc:
                raise TaskError(f"'{path.name}' cannot be written: {exc.strerror or exc}") from None
            return path

        self.export_button.setEnabled(False)
        self.export_status.setText(f"Exporting to {path.name}…")
        task = Task(work)
        task.succeeded.connect(self._on_exported)
        task.failed.connect(self._on_export_failed)
        return self._tasks.start(task)

    @Slot(object)
    def _on_exported(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.folder = path.parent
        self.export_status.setText(
            f"Exported {plural(len(self.rows_model.rows), 'row')} to {path}."
        )
        self.exported.emit(path)

    @Slot(str)
    def _on_export_failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.export_status.setText(f"Not exported: {message.rstrip('.')}.")
        QMessageBox.warning(self, "Cannot export", message)

    def done(self, result: int) -> None:
        self._tasks.stop_all(10_000)  # an export finishes writing its file
        super().done(result)
