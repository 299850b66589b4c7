"""What the last preview said of each row (would create, would update, unchanged, conflict),
and the property warnings it found, for the table and the issues panel to show.

A mark holds while the row would still send what the preview compared: each edit, undo or new
time zone recomputes the touched rows' upsert inputs and drops the marks of rows whose input
changed (or that became invalid), so a mark is never stale. A new table drops every mark.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QObject, Signal, Slot

from hubevents_gui.core.rows import RowId
from hubevents_gui.core.validation import Issue
from hubevents_gui.hubspot.diff import Action, Change, RowPlan, counts
from hubevents_gui.hubspot.wire import JsonObject, to_input
from hubevents_gui.ui.document import TableDocument

#: the Status column's words for each action (never colour alone)
ACTION_TEXT = {
    Action.CREATE: "would create",
    Action.UPDATE: "would update",
    Action.UNCHANGED: "unchanged",
    Action.CONFLICT: "conflict",
    Action.INVALID: "invalid",
}


class PreviewMarks(QObject):
    #: marks were set, dropped or cleared (counts, the issues panel)
    changed = Signal()

    def __init__(self, document: TableDocument) -> None:
        super().__init__(document)
        self.document = document
        self.plans: dict[RowId, RowPlan] = {}
        #: the upsert input each plan was made from
        self.inputs: dict[RowId, JsonObject] = {}
        #: custom:NAME -> why its values would not arrive (HubSpot does not define it)
        self.columns: dict[str, str] = {}
        #: row -> custom cells whose value does not fit its property's type
        self.cells: dict[RowId, list[Issue]] = {}
        document.rows_changed.connect(self._on_rows_changed)
        document.all_changed.connect(self._on_all_changed)
        document.reset_done.connect(self.clear)

    # ------------------------------------------------------------------ setting

    def set(
        self,
        plans: Mapping[RowId, RowPlan],
        inputs: Mapping[RowId, JsonObject],
        columns: Mapping[str, str],
        cells: Mapping[RowId, list[Issue]],
    ) -> None:
        """Show a preview's plans; rows edited while it was read are checked at once."""
        self.plans = dict(plans)
        self.inputs = {row_id: inputs[row_id] for row_id in plans if row_id in inputs}
        self.columns = dict(columns)
        self.cells = dict(cells)
        self._drop_changed(list(self.plans))
        self.document.rows_changed.emit(set(self.plans))
        self.changed.emit()

    @Slot()
    def clear(self) -> None:
        if not (self.plans or self.columns or self.cells):
            return
        shown = set(self.plans)
        self.plans, self.inputs, self.columns, self.cells = {}, {}, {}, {}
        if shown:
            self.document.rows_changed.emit(shown)
        self.changed.emit()

    # ------------------------------------------------------------------ reading

    def __bool__(self) -> bool:
        return bool(self.plans)

    def plan(self, row_id: RowId) -> RowPlan | None:
        return self.plans.get(row_id)

    def fresh_for(self, row_ids: Iterable[RowId]) -> bool:
        """Every one of these rows has a mark that still holds."""
        return bool(self.plans) and all(row_id in self.plans for row_id in row_ids)

    def change(self, row_id: RowId, key: str) -> Change | None:
        plan = self.plans.get(row_id)
        return plan.changes.get(key) if plan is not None else None

    def message(self, plan: RowPlan) -> str:
        """The Message column's sentence for a marked row."""
        if plan.action is Action.CREATE:
            return "HubSpot has no such event of this app: it would be created"
        if plan.action is Action.UNCHANGED:
            return "HubSpot already holds this event as it is: it would not be sent"
        if plan.action is Action.CONFLICT:
            return (
                f"{plan.other_app} already has an event with these external ids (HubSpot ID "
                f"{plan.object_id}): sending would make a second one, so it is not sent"
            )
        titles = [self.document.table.column_title(key) for key in plan.changes]
        return "would change " + ", ".join(titles)

    def change_tooltip(self, change: Change) -> str:
        return f"HubSpot has {_shown(change.old)}; this row would change it to {_shown(change.new)}"

    def warning(self, row_id: RowId, key: str) -> str | None:
        """The property warning of a cell (its column's, or its value's), or None."""
        found = [i.message for i in self.cells.get(row_id, ()) if i.field == key]
        return found[0] if found else self.columns.get(key) if self.plans else None

    def counts(self) -> dict[Action, int]:
        return counts(self.plans)

    # ------------------------------------------------------------------ keeping marks true

    @Slot(object)
    def _on_rows_changed(self, row_ids: Iterable[RowId]) -> None:
        if self.plans:
            marked = [row_id for row_id in row_ids if row_id in self.plans]
            if marked and self._drop_changed(marked):
                self.changed.emit()

    @Slot()
    def _on_all_changed(self) -> None:
        if self.plans and self._drop_changed(list(self.plans)):
            self.changed.emit()

    def _drop_changed(self, row_ids: list[RowId]) -> bool:
        """Drop the marks of rows that would no longer send what the preview compared."""
        document = self.document
        dropped = []
        for row_id in row_ids:
            row = document.row(row_id)
            if (
                row is None
                or row_id in document.issues
                or self._input(row_id) != self.inputs.get(row_id)
            ):
                dropped.append(row_id)
        for row_id in dropped:
            self.plans.pop(row_id, None)
            self.inputs.pop(row_id, None)
            self.cells.pop(row_id, None)
        if dropped:
            self.document.rows_changed.emit(set(dropped))
        return bool(dropped)

    def _input(self, row_id: RowId) -> JsonObject | None:
        row = self.document.row(row_id)
        if row is None:
            return None
        try:
            return to_input(row, self.document.zone)
        except (TypeError, ValueError, KeyError):
            return None


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"'{value}'"
