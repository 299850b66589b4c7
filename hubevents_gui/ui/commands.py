"""Undoable changes to the event table: every edit goes through one of these on the model's
QUndoStack, and undoing one restores the exact previous state (values, issues, outcomes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from hubevents_gui.core.rows import EventRow, EventTable, RowId, RowStatus
from hubevents_gui.core.validation import Issue

if TYPE_CHECKING:
    from hubevents_gui.ui.event_model import EventTableModel, RemovedRow, TableState


class CellsCommand(QUndoCommand):
    """Cell edits, a paste, a fill or a delete: values and the rows' states before and after."""

    def __init__(
        self, model: EventTableModel, changes: list[tuple[RowId, str, Any]], text: str
    ) -> None:
        super().__init__(text)
        self.model = model
        self.new = changes
        self.old = [(row_id, key, _cell(model, row_id, key)) for row_id, key, _ in changes]
        self.old_states = {row_id: model.states.get(row_id) for row_id, _, _ in changes}
        self.new_states: dict[RowId, RowStatus | None] | None = None

    def redo(self) -> None:
        self.model.apply_cells(self.new, self.new_states)
        if self.new_states is None:
            self.new_states = {r: self.model.states.get(r) for r in self.old_states}

    def undo(self) -> None:
        self.model.apply_cells(self.old, self.old_states)


def _cell(model: EventTableModel, row_id: RowId, key: str) -> Any:
    row = model.row(row_id)
    return row.cell(key) if row is not None else None


class InsertRowsCommand(QUndoCommand):
    def __init__(
        self, model: EventTableModel, rows: list[EventRow], at_view_row: int | None
    ) -> None:
        super().__init__("Add rows" if len(rows) > 1 else "Add row")
        self.model = model
        self.rows = rows
        self.at = at_view_row

    def redo(self) -> None:
        self.model.place_rows(self.rows, self.at)

    def undo(self) -> None:
        self.model.take_rows([r.row_id for r in self.rows])


class RemoveRowsCommand(QUndoCommand):
    def __init__(self, model: EventTableModel, row_ids: list[RowId]) -> None:
        super().__init__("Delete rows" if len(row_ids) > 1 else "Delete row")
        self.model = model
        self.row_ids = row_ids
        self.removed: list[RemovedRow] = []

    def redo(self) -> None:
        self.removed = self.model.take_rows(self.row_ids)

    def undo(self) -> None:
        self.model.restore_rows(self.removed)


class AddColumnCommand(QUndoCommand):
    def __init__(self, model: EventTableModel, name: str) -> None:
        super().__init__(f"Add column custom:{name}")
        self.model = model
        self.name = name

    def redo(self) -> None:
        self.model.insert_custom_column(self.name)

    def undo(self) -> None:
        self.model.drop_custom_column(self.name)


class ReplaceTableCommand(QUndoCommand):
    """Reading a file into an open table: Undo brings the previous table back as it was."""

    def __init__(
        self,
        model: EventTableModel,
        table: EventTable,
        issues: dict[RowId, list[Issue]] | None,
        index: dict[RowId, EventRow] | None,
    ) -> None:
        name = table.file.name if table.file else "a table"
        super().__init__(f"Open {name}")
        self.model = model
        self.old: TableState = model.snapshot()
        self.new = (table, issues, index)
        self.new_state: TableState | None = None

    def redo(self) -> None:
        if self.new_state is None:
            self.model.set_table(*self.new)
        else:
            self.model.restore(self.new_state)

    def undo(self) -> None:
        self.new_state = self.model.snapshot()
        self.model.restore(self.old)
