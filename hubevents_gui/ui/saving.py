"""Saving results from the window: where to (asked once, then Ctrl+S saves there again), never
over the file that was opened (adding results to it keeps a backup first), written by the
controller off the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEventLoop, QObject, Slot
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from hubevents_gui.core.result_files import same_file
from hubevents_gui.ui.controller import Controller
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.settings import AppSettings


class SavedTable(Protocol):
    """What saving needs of a tab (a TablePane): its table, and its unsaved mark."""

    document: TableDocument

    def set_modified(self, modified: bool) -> None: ...


class ResultsSaving(QObject):
    """Saving the results of one pane's table (each tab saves its own, to its own file)."""

    def __init__(
        self, window: QMainWindow, controller: Controller, settings: AppSettings, pane: SavedTable
    ) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.settings = settings
        self.pane = pane
        self.document = pane.document
        #: where Save Results writes after the first Save As
        self.path: Path | None = None
        self._saving = False
        self._last_ok = False
        #: changes made to the table so far, and how many the file being written holds
        self._changes = 0
        self._saved_changes = 0
        controller.results_saved.connect(self._on_saved)
        controller.results_failed.connect(self._on_failed)
        self.document.edited.connect(self._on_changed)
        controller.run_finished.connect(self._on_run_finished)

    @Slot()
    @Slot(object)
    def _on_changed(self, *_args: object) -> None:
        self._changes += 1

    @Slot(object)
    def _on_run_finished(self, _report: object) -> None:
        if self.controller.run_document is self.document:
            self._changes += 1

    def _default_path(self) -> Path:
        shown = self.document.table.file
        kind = self.document.table.fields.name  # "events.xlsx", "attendees.xlsx"
        source = shown or Path(self.settings.last_folder) / f"{kind}.xlsx"
        return source.with_name(f"{source.stem}-results.xlsx")

    @Slot()
    def save(self, *, wait: bool = False) -> bool:
        """Save Results (Ctrl+S): to the last place, else ask. With ``wait``, return only when
        the file is written (the window keeps painting meanwhile), with whether it was."""
        if self.path is None or self._is_source(self.path):
            return self.save_as(wait=wait)
        return self._write(self.path, into_source=False, wait=wait)

    @Slot()
    def save_as(self, *, wait: bool = False) -> bool:
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, "Save results", str(self._default_path()), "Excel workbook (*.xlsx)"
        )
        if not chosen:
            return False
        path = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
        if self._is_source(path):
            QMessageBox.warning(
                self.window,
                "Choose another file",
                "Saving results over the spreadsheet you opened would replace it. Use "
                "'Add Results to the Original Workbook' to add columns to it instead.",
            )
            return False
        return self.save_to(path, wait=wait)

    def save_to(self, path: Path, *, wait: bool = False) -> bool:
        """Save the results as a new workbook at ``path`` (see save for ``wait``)."""
        return self._write(path, into_source=False, wait=wait)

    @Slot()
    def add_to_source(self) -> None:
        source = self.document.table.file
        if source is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self.window,
            "Add results to a copy of the workbook (or to the workbook itself)",
            str(source.with_name(f"{source.stem}-with-results{source.suffix}")),
            f"Excel workbook (*{source.suffix})",
        )
        if not chosen:
            return
        # written off the GUI thread, after a backup when it is the workbook itself
        self._write(Path(chosen), into_source=True, wait=False)

    def _is_source(self, path: Path) -> bool:
        source = self.document.table.file
        return source is not None and same_file(path, source)

    def _write(self, path: Path, *, into_source: bool, wait: bool) -> bool:
        if self._saving:
            self.window.statusBar().showMessage("Results are being saved already", 5000)
            return False
        self._saving = True
        self._last_ok = False
        self._saved_changes = self._changes  # the snapshot taken now holds these
        self.window.statusBar().showMessage(f"Saving results to {path.name}…")
        loop = QEventLoop() if wait else None
        if loop is not None:
            self.controller.results_saved.connect(loop.quit)
            self.controller.results_failed.connect(loop.quit)
        self.controller.save_results(path, into_source=into_source, document=self.document)
        if loop is None:
            return True
        while self._saving:  # the answer arrives by queued signal: paint and wait for it
            loop.exec()  # (the other tab's answer, if it was saving too, wakes it as well)
        self.controller.results_saved.disconnect(loop.quit)
        self.controller.results_failed.disconnect(loop.quit)
        return self._last_ok

    @Slot(object, bool, object, object)
    def _on_saved(
        self, path: Path, into_source: bool, backup: Path | None, document: object
    ) -> None:
        if document is not self.document:  # the other tab's results
            return
        self._saving = False
        self._last_ok = True
        if not into_source:
            self.path = path
        verb = "added to" if into_source else "saved to"
        done = f"Results {verb} {path}"
        if backup is not None:
            done += f" (the workbook as it was is kept as {backup.name})"
        if self._changes == self._saved_changes:
            self.pane.set_modified(False)
            self.window.statusBar().showMessage(done, 8000)
        else:  # edits made while it was written are not in the file: still unsaved
            self.window.statusBar().showMessage(
                f"{done}; the changes made since are not saved yet", 8000
            )

    @Slot(str, object)
    def _on_failed(self, message: str, document: object) -> None:
        if document is not self.document:
            return
        self._saving = False
        self._last_ok = False
        self.window.statusBar().clearMessage()
        QMessageBox.warning(self.window, "Cannot save the results", message)
