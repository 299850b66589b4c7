"""Undoable edits of a table document: every change a user makes goes through one of these on
the document's QUndoStack, and undoing one restores the exact previous state (values, issues,
outcomes). The functions at the end are the edits' entry points; rows in flight are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hubevents_gui.core.fields import CUSTOM_KEY_PREFIX
from hubevents_gui.core.rows import EventRow, EventTable, RowId, RowStatus, Value
from hubevents_gui.core.validation import Issue
from hubevents_gui.ui.document import RemovedRow, RowCommand, TableDocument, TableState

Change = tuple[RowId, str, Any]


class CellsCommand(RowCommand):
    """Cell edits, a paste, a fill or a delete: values and the rows' states before and after."""

    def __init__(self, document: TableDocument, changes: list[Change], text: str) -> None:
        super().__init__(text)
        self.document = document
        self.new = changes
        self.old = [(row_id, key, _cell(document, row_id, key)) for row_id, key, _ in changes]
        self.old_states = {row_id: document.states.get(row_id) for row_id, _, _ in changes}
        self.new_states: dict[RowId, RowStatus | None] | None = None

    def rows(self) -> Iterable[RowId]:
        return self.old_states

    def redo(self) -> None:
        self.document.apply_cells(self.new, self.new_states)
        if self.new_states is None:
            self.new_states = {r: self.document.states.get(r) for r in self.old_states}

    def undo(self) -> None:
        self.document.apply_cells(self.old, self.old_states)


def _cell(document: TableDocument, row_id: RowId, key: str) -> Any:
    row = document.row(row_id)
    return row.cell(key) if row is not None else None


class InsertRowsCommand(RowCommand):
    def __init__(self, document: TableDocument, rows: list[EventRow], after: RowId | None) -> None:
        super().__init__("Add rows" if len(rows) > 1 else "Add row")
        self.document = document
        self.new_rows = rows
        self.after = after

    def rows(self) -> Iterable[RowId]:
        return [r.row_id for r in self.new_rows]

    def redo(self) -> None:
        self.document.place_rows(self.new_rows, self.after)

    def undo(self) -> None:
        self.document.take_rows([r.row_id for r in self.new_rows])


class RemoveRowsCommand(RowCommand):
    def __init__(self, document: TableDocument, row_ids: list[RowId]) -> None:
        super().__init__("Delete rows" if len(row_ids) > 1 else "Delete row")
        self.document = document
        self.row_ids = row_ids
        self.removed: list[RemovedRow] = []

    def rows(self) -> Iterable[RowId]:
        return self.row_ids

    def redo(self) -> None:
        self.removed = self.document.take_rows(self.row_ids)

    def undo(self) -> None:
        self.document.restore_rows(self.removed)


class AddColumnCommand(RowCommand):
    """A new custom property column. It touches no row's values (an empty column until edited,
    and edits are their own commands), so it may be undone during a run."""

    def __init__(self, document: TableDocument, name: str) -> None:
        super().__init__(f"Add column {CUSTOM_KEY_PREFIX}{name}")
        self.document = document
        self.name = name

    def redo(self) -> None:
        self.document.insert_custom_column(self.name)

    def undo(self) -> None:
        self.document.drop_custom_column(self.name)


class SheetValuesCommand(RowCommand):
    """Values given once for every row that leaves the column blank (an attendee sheet's event,
    account and state): Undo gives the previous ones back."""

    def __init__(self, document: TableDocument, values: dict[str, Value]) -> None:
        super().__init__("Choose the event for the sheet")
        self.document = document
        self.old = dict(document.table.defaults)
        self.new = dict(values)

    def redo(self) -> None:
        self.document.set_defaults(self.new)

    def undo(self) -> None:
        self.document.set_defaults(self.old)


class ReplaceTableCommand(RowCommand):
    """Reading a file into an open table: Undo brings the previous table back as it was."""

    def __init__(
        self,
        document: TableDocument,
        table: EventTable,
        issues: dict[RowId, list[Issue]] | None,
        index: dict[RowId, EventRow] | None,
    ) -> None:
        name = table.file.name if table.file else "a table"
        super().__init__(f"Open {name}")
        self.document = document
        self.old: TableState = document.snapshot()
        self.new = (table, issues, index)
        self.new_state: TableState | None = None

    def rows(self) -> None:
        return None  # every row, of both tables

    def redo(self) -> None:
        if self.new_state is None:
            self.document.set_table(*self.new)
        else:
            self.document.restore(self.new_state)

    def undo(self) -> None:
        self.new_state = self.document.snapshot()
        self.document.restore(self.old)


# ---------------------------------------------------------------------- the edits


def change_cells(document: TableDocument, changes: Sequence[Change], text: str = "Edit") -> int:
    """Set parsed values as one undo step; returns how many changes were left out because
    their rows are in flight (or gone)."""
    wanted = [
        (row_id, key, value)
        for row_id, key, value in changes
        if document.row(row_id) is not None and row_id not in document.locked
    ]
    if wanted:
        document.undo_stack.push(CellsCommand(document, wanted, text))
    return len(changes) - len(wanted)


def insert_rows(
    document: TableDocument, rows: Sequence[EventRow], after: RowId | None = None
) -> None:
    """Add rows (new, duplicated or pasted) after a row, default at the end; one undo step."""
    if rows:
        document.undo_stack.push(InsertRowsCommand(document, list(rows), after))


def remove_rows(document: TableDocument, row_ids: Iterable[RowId]) -> int:
    """Remove rows as one undo step; returns how many were left because they are in flight."""
    asked = [r for r in row_ids if document.row(r) is not None]
    wanted = [r for r in asked if r not in document.locked]
    if wanted:
        document.undo_stack.push(RemoveRowsCommand(document, wanted))
    return len(asked) - len(wanted)


def add_custom_column(document: TableDocument, name: str) -> int:
    """A new custom property column (after the others), as one undo step; returns its column
    number. Raises ValueError for a name already taken or empty."""
    name = name.strip()
    if not name:
        raise ValueError("a custom property column needs a name")
    if name in document.table.custom_names:
        raise ValueError(f"there is already a custom property column named {name!r}")
    document.undo_stack.push(AddColumnCommand(document, name))
    column = document.column_of(CUSTOM_KEY_PREFIX + name)
    assert column is not None
    return column


def replace_table(
    document: TableDocument,
    table: EventTable,
    issues: dict[RowId, list[Issue]] | None = None,
    index: dict[RowId, EventRow] | None = None,
) -> None:
    """Show a newly read table; when one was open, that is an undo step (Undo brings the
    previous table back with its edits and outcomes). Refused (RuntimeError) during a run."""
    if document.running:
        raise RuntimeError("another table cannot be opened while rows are being sent")
    if not document.rows:
        document.set_table(table, issues, index)
        document.undo_stack.clear()
        return
    document.undo_stack.push(ReplaceTableCommand(document, table, issues, index))
