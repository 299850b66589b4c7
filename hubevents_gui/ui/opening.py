"""Opening tables in the window: the file dialog, recent files, drops, the questions on the
way (which sheet, which columns), unsaved work, and crash recovery."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from hubevents_gui.core.sheets import RawSheet, Target
from hubevents_gui.ui.recovery import ask_to_restore, restore_session
from hubevents_gui.ui.shell import WindowShell

if TYPE_CHECKING:
    from hubevents_gui.core.journal import RecoveredSession
    from hubevents_gui.ui.table_pane import TablePane

FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)"


class FileOpening(QObject):
    def __init__(self, window: WindowShell) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.settings = window.settings
        c = self.controller
        c.import_started.connect(self._on_import_started)
        c.import_progress.connect(window.run_status.rows_read)
        c.import_finished.connect(self._on_import_finished)
        c.import_failed.connect(self._on_import_failed)
        c.sheet_needed.connect(self._on_sheet_needed)
        c.mapping_needed.connect(self._on_mapping_needed)
        #: files to open once the one being read is in (open_paths)
        self._queued: list[Path] = []
        #: a question about the file being opened is on screen
        self._asking = False

    @Slot()
    def choose_file(self) -> None:
        # the question about unsaved work comes once the file is read: then it is known which
        # tab it replaces (Controller.replace_check)
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open a spreadsheet", self.settings.last_folder, FILE_FILTER
        )
        if path:
            self.controller.open_file(Path(path))

    def open_path(self, path: Path) -> None:
        controller = self.controller
        if controller.running or controller.busy:
            self._queued.clear()  # none of a batch opens after one was refused
        if controller.running:
            # a recent file, a drop or Ctrl+O during a run: said, never silently ignored
            self.window.statusBar().showMessage(
                f"'{path.name}' was not opened: rows are being sent. Wait for the run to end "
                "(or cancel it), then open it.",
                10_000,
            )
            return
        if controller.busy:
            self.window.statusBar().showMessage(
                f"'{path.name}' was not opened: another file is still being read.", 10_000
            )
            return
        controller.open_file(path)

    def open_paths(self, paths: Sequence[Path]) -> None:
        """Open each in turn, each into the tab of its kind: the next once one is in (or was
        declined); none after one that could not be read."""
        first, *rest = paths
        self._queued = list(rest)
        self.open_path(first)

    def _open_next(self) -> None:
        if self._queued:
            QTimer.singleShot(0, self, self._open_queued)

    @Slot()
    def _open_queued(self) -> None:
        # a question about the file before (which sheet) holds the rest until it is answered
        if self._queued and not self._asking:
            self.open_path(self._queued.pop(0))

    def may_replace(self, pane: TablePane | None = None) -> bool:
        """Ask before the unsaved edits or outcomes of ``pane`` (by default the tab shown)
        would be replaced; the tab asked about is shown."""
        pane = pane or self.window.pane
        if not pane.modified:
            return True
        self.window.show_pane(pane)
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            f"The {pane.fields.noun} table ({pane.name()}) has edits or outcomes that are not "
            "saved. Save the results first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            saved = self.window.saving.save(wait=True)
            if not saved:
                self._queued.clear()
            return saved
        if answer == QMessageBox.StandardButton.Discard:
            pane.keep_journal = False  # given up on purpose: nothing to offer back
            return True
        self._queued.clear()  # Cancel: nor the other files of the batch
        return False

    def offer_recovery(
        self,
        session: RecoveredSession,
        then_open: Path | None = None,
        done: Callable[[], None] | None = None,
        more: int = 0,
    ) -> None:
        """After a crash: offer the unsaved session back, exactly as it was. ``done`` lets go
        of the old journal once the answer is given (restored work is journaled anew by this
        window); ``more`` sessions wait for the next start."""
        window = self.window
        restore = ask_to_restore(window, session, more)
        if done is not None:
            done()
        if restore:
            # into the tab of its kind
            document = self.controller.document_for(session.table.fields)
            restore_session(document, session)
            pane = window.pane_of(document)
            window.show_pane(pane)
            pane.set_modified(True)
            window.update_title()
            window.update_actions()
            name = session.table.file.name if session.table.file else "the untitled table"
            window.statusBar().showMessage(f"Restored the unsaved work on {name}", 10_000)
        elif then_open is not None:
            self.controller.open_file(then_open)

    @Slot()
    def fill_recent(self) -> None:
        menu = self.window.recent_menu
        menu.clear()
        for text in self.settings.recent_files:
            action = menu.addAction(text)
            action.triggered.connect(lambda _=False, p=text: self.open_path(Path(p)))
        if not self.settings.recent_files:
            menu.addAction("(none)").setEnabled(False)

    @Slot(str)
    def _on_import_started(self, name: str) -> None:
        self.window.run_status.reading(name)
        self.window.update_actions()

    @Slot()
    def _on_import_finished(self) -> None:
        window = self.window
        window.run_status.hide_progress()
        window.statusBar().clearMessage()
        notes = window.document.table.notes
        if notes:
            window.statusBar().showMessage("; ".join(notes), 15_000)
        window.update_title()
        window.update_actions()
        self._open_next()

    @Slot(str)
    def _on_import_failed(self, message: str) -> None:
        self._queued.clear()
        window = self.window
        window.run_status.hide_progress()
        window.statusBar().clearMessage()
        window.update_actions()
        QMessageBox.warning(window, "Cannot open the file", message)

    @Slot(object, list)
    def _on_sheet_needed(self, path: Path, names: list[str]) -> None:
        question = f"{path.name} has several sheets of events. Which one?"
        self._asking = True
        try:
            name, ok = QInputDialog.getItem(
                self.window, "Choose a sheet", question, names, 0, False
            )
        finally:
            self._asking = False
        if ok and name:
            self.controller.open_file(path, name)
        else:
            self._queued.clear()

    @Slot(object, list)
    def _on_mapping_needed(self, raw: RawSheet, guess: list[Target]) -> None:
        # loaded when first needed: most files match by their headers, and start-up is short
        from hubevents_gui.ui.dialogs.mapping_dialog import MappingDialog

        dialog = MappingDialog(raw, guess, raw.peek(3), self.window)
        if dialog.exec() == MappingDialog.DialogCode.Accepted:
            self.controller.build(raw, dialog.mapping())
        else:
            self._queued.clear()  # given up: nor the rest of the batch
            self._on_import_finished()
