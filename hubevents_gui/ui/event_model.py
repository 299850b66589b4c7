"""The event table as a QAbstractTableModel: the rows of an EventTable, their issues and outcomes.

Sorting and filtering happen here, on a list of rows (a QSortFilterProxyModel over 100k Python
rows is two orders of magnitude slower). Rows are addressed by RowId, never by view position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QUndoStack

from hubevents_gui.core.fields import (
    COLUMN_FIELDS,
    CUSTOM_KEY_PREFIX,
    IDENTITY_KEYS,
    Field,
    Kind,
)
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowIds, RowStatus
from hubevents_gui.core.validation import Issue, duplicate_issues, validate_row, validate_rows
from hubevents_gui.core.values import cell_text, display_text, parse_cell, parse_custom
from hubevents_gui.core.zones import wall_clock
from hubevents_gui.ui.status_style import StatusStyle

Index = QModelIndex | QPersistentModelIndex

DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
DECORATION = Qt.ItemDataRole.DecorationRole
CHECK = Qt.ItemDataRole.CheckStateRole
#: the RowId of an index's row, for views and dialogs that need it
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: the column key ("eventName", "custom:NAME", "extra:0", "status", ...)
COLUMN_KEY_ROLE = Qt.ItemDataRole.UserRole + 2

_DUPLICATE_PREFIX = "duplicate event:"

_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _READ_ONLY | Qt.ItemFlag.ItemIsEditable
_CHECKABLE = _EDITABLE | Qt.ItemFlag.ItemIsUserCheckable


class ColumnKind(Enum):
    FIELD = "field"
    CUSTOM = "custom"
    EXTRA = "extra"
    STATUS = "status"
    HUBSPOT_ID = "hubspot id"
    MESSAGE = "message"


@dataclass(frozen=True)
class Column:
    kind: ColumnKind
    key: str
    header: str
    field: Field | None = None

    @property
    def editable(self) -> bool:
        return self.kind in (ColumnKind.FIELD, ColumnKind.CUSTOM)


class RowFilter(Enum):
    ALL = "All rows"
    INVALID = "Invalid"
    FAILED = "Failed"
    NOT_SENT = "Not yet sent"


_SENT = frozenset({RowStatus.CREATED, RowStatus.UPDATED, RowStatus.FAILED, RowStatus.NOT_SENT})


@dataclass
class Dirty:
    """Changes not yet journaled: rows rewritten, order, layout, outcomes, or everything."""

    rows: set[RowId] = field(default_factory=set)
    outcomes: set[RowId] = field(default_factory=set)
    order: bool = False
    meta: bool = False
    everything: bool = False

    def take(self) -> Dirty:
        taken = Dirty(self.rows, self.outcomes, self.order, self.meta, self.everything)
        self.rows, self.outcomes = set(), set()
        self.order = self.meta = self.everything = False
        return taken


@dataclass(frozen=True)
class RemovedRow:
    table_position: int
    view_position: int | None
    row: EventRow
    outcome: Outcome | None
    state: RowStatus | None


@dataclass(frozen=True)
class TableState:
    """A table with everything shown about it, for undoing an import over it."""

    table: EventTable
    issues: dict[RowId, list[Issue]]
    index: dict[RowId, EventRow]
    outcomes: dict[RowId, Outcome]
    states: dict[RowId, RowStatus]


class EventTableModel(QAbstractTableModel):
    """Rows, columns from the field table, live validation and per-row outcomes."""

    #: after any change of values (edits, rows added or removed): the document is modified
    edited = Signal()
    #: issues changed (counts, the issues panel)
    validation_changed = Signal()

    def __init__(self, zone: ZoneInfo, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.day_first = False
        self.style = StatusStyle()
        self.table = EventTable(None, None, [])
        self.columns: list[Column] = []
        self._view: list[EventRow] = []
        self._position: dict[RowId, int] = {}
        self._by_id: dict[RowId, EventRow] = {}
        self.issues: dict[RowId, list[Issue]] = {}
        self._cell_issues: dict[RowId, dict[str, str]] = {}
        self.outcomes: dict[RowId, Outcome] = {}
        self.states: dict[RowId, RowStatus] = {}
        self.locked: set[RowId] = set()
        self.row_filter = RowFilter.ALL
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.row_ids = RowIds()
        #: what changed since the autosaver last looked (see ui.autosave)
        self.dirty = Dirty()
        #: every change to the table goes through here (Ctrl+Z / Ctrl+Shift+Z)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setObjectName("undoStack")

    # ------------------------------------------------------------------ loading

    def set_table(
        self,
        table: EventTable,
        issues: dict[RowId, list[Issue]] | None = None,
        index: dict[RowId, EventRow] | None = None,
    ) -> None:
        """Show a new table; its issues and its RowId index may come computed off the GUI
        thread (for 100k rows, building them here would freeze the window)."""
        self.beginResetModel()
        self.table = table
        self._by_id = index if index is not None else {row.row_id: row for row in table.rows}
        self.row_ids.skip_past(max(self._by_id, default=0))
        self.outcomes.clear()
        self.states.clear()
        self.locked.clear()
        self.columns = self._build_columns()
        self._set_issues(issues if issues is not None else validate_rows(table.rows, self.zone))
        self.row_filter = RowFilter.ALL
        self._sort = None
        self._view = list(table.rows)
        self._position = {row_id: i for i, row_id in enumerate(self._by_id)}
        self.dirty.everything = True
        self.endResetModel()
        self.validation_changed.emit()

    def _build_columns(self) -> list[Column]:
        table = self.table
        columns = [Column(ColumnKind.FIELD, f.key, f.title, f) for f in COLUMN_FIELDS]
        columns += [
            Column(ColumnKind.CUSTOM, CUSTOM_KEY_PREFIX + name, CUSTOM_KEY_PREFIX + name)
            for name in table.custom_names
        ]
        columns += [
            Column(ColumnKind.EXTRA, f"extra:{i}", header)
            for i, header in enumerate(table.extra_headers)
        ]
        columns += [
            Column(ColumnKind.STATUS, "status", "Status"),
            Column(ColumnKind.HUBSPOT_ID, "hubspotId", "HubSpot ID"),
            Column(ColumnKind.MESSAGE, "message", "Message"),
        ]
        return columns

    def _set_issues(self, issues: dict[RowId, list[Issue]]) -> None:
        self.issues = dict(issues)
        self._cell_issues = {row_id: _by_column(found) for row_id, found in issues.items()}

    def _reindex(self) -> None:
        self._position = {row.row_id: i for i, row in enumerate(self._view)}

    # ------------------------------------------------------------------ lookups

    def row_at(self, view_row: int) -> EventRow:
        return self._view[view_row]

    def row(self, row_id: RowId) -> EventRow | None:
        return self._by_id.get(row_id)

    def view_row_of(self, row_id: RowId) -> int | None:
        return self._position.get(row_id)

    def column_of(self, key: str) -> int | None:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        return None

    def status_of(self, row_id: RowId) -> RowStatus:
        return self.states.get(row_id, RowStatus.NEW)

    @property
    def all_rows(self) -> list[EventRow]:
        return self.table.rows

    def invalid_count(self) -> int:
        return len(self.issues)

    # ------------------------------------------------------------------ Qt's model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.columns):
                return None
            column = self.columns[section]
            if role == DISPLAY:
                required = column.field is not None and column.field.required
                return column.header + (" *" if required else "")
            if role == TOOLTIP:
                return _header_tip(column)
            if role == COLUMN_KEY_ROLE:
                return column.key
            return None
        if role == DISPLAY and 0 <= section < len(self._view):
            source = self._view[section].source_row
            return str(source) if source is not None else "new"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # combined once at import: PySide's enum arithmetic costs microseconds, per cell painted
        if not index.isValid():
            return _NO_FLAGS
        column = self.columns[index.column()]
        if not column.editable or self._view[index.row()].row_id in self.locked:
            return _READ_ONLY
        if column.field is not None and column.field.kind is Kind.BOOLEAN:
            return _CHECKABLE
        return _EDITABLE

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._view[index.row()]
        column = self.columns[index.column()]
        kind = column.kind
        if role in (DISPLAY, EDIT):
            if kind is ColumnKind.FIELD or kind is ColumnKind.CUSTOM:
                value = row.cell(column.key)
                if value.__class__ is bool and role == DISPLAY:
                    return None  # a check box says it
                return display_text(value)
            if kind is ColumnKind.EXTRA:
                position = int(column.key[6:])
                return cell_text(row.extras[position]) if position < len(row.extras) else ""
            return self._outcome_text(row.row_id, kind)
        if role == BACKGROUND:
            cell_issues = self._cell_issues.get(row.row_id)
            if cell_issues and column.key in cell_issues:
                return self.style.invalid
            return self.style.backgrounds.get(self.states.get(row.row_id, RowStatus.NEW))
        if role == DECORATION:
            if kind is ColumnKind.STATUS:
                return self.style.icons[self.status_of(row.row_id)]
            cell_issues = self._cell_issues.get(row.row_id)
            if cell_issues and column.key in cell_issues:
                return self.style.warning_icon
            return None
        if role == CHECK:
            if column.field is not None and column.field.kind is Kind.BOOLEAN:
                value = row.cell(column.key)
                if value.__class__ is bool or value is None:
                    return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            return None
        if role == TOOLTIP:
            cell_issues = self._cell_issues.get(row.row_id)
            if cell_issues and column.key in cell_issues:
                return cell_issues[column.key]
            if kind is ColumnKind.MESSAGE or kind is ColumnKind.STATUS:
                outcome = self.outcomes.get(row.row_id)
                return outcome.summary if outcome else None
            if column.field is not None and column.field.kind is Kind.DATETIME:
                return self.utc_preview(row, column.key)
            return None
        if role == FOREGROUND:
            return self.style.read_only if kind is ColumnKind.EXTRA else None
        if role == ROW_ID_ROLE:
            return int(row.row_id)
        if role == COLUMN_KEY_ROLE:
            return column.key
        return None

    def cell_view(self, view_row: int, column_number: int) -> tuple[str, Any, Any, Any, Any]:
        """(text, icon, background, foreground, check state) of a cell in one call.

        The delegate paints from this: one Python call per cell instead of Qt's eight data()
        calls, each of which must win the GIL back from the upsert's worker threads.
        """
        row = self._view[view_row]
        column = self.columns[column_number]
        kind = column.kind
        row_id = row.row_id
        cell_issues = self._cell_issues.get(row_id)
        invalid = cell_issues is not None and column.key in cell_issues
        background = (
            self.style.invalid
            if invalid
            else self.style.backgrounds.get(self.states.get(row_id, RowStatus.NEW))
        )
        icon = self.style.warning_icon if invalid else None
        foreground = None
        check = None
        if kind is ColumnKind.FIELD or kind is ColumnKind.CUSTOM:
            value = row.cell(column.key)
            if (
                column.field is not None
                and column.field.kind is Kind.BOOLEAN
                and (value is None or value.__class__ is bool)
            ):
                check = Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
                text = ""
            else:
                text = display_text(value)
        elif kind is ColumnKind.EXTRA:
            position = int(column.key[6:])
            text = cell_text(row.extras[position]) if position < len(row.extras) else ""
            foreground = self.style.read_only
        else:
            text = self._outcome_text(row_id, kind)
            if kind is ColumnKind.STATUS:
                icon = self.style.icons[self.status_of(row_id)]
        return text, icon, background, foreground, check

    def _outcome_text(self, row_id: RowId, kind: ColumnKind) -> str:
        if kind is ColumnKind.STATUS:
            status = self.status_of(row_id)
            if status is RowStatus.NEW and row_id in self.issues:
                return "invalid"
            return status.value
        outcome = self.outcomes.get(row_id)
        if outcome is None:
            return ""
        if kind is ColumnKind.HUBSPOT_ID:
            return outcome.hubspot_id or ""
        return outcome.summary

    def utc_preview(self, row: EventRow, key: str) -> str | None:
        """What will be sent for a date-time cell: the exact UTC value, or why it cannot be."""
        value = row.cell(key)
        if not isinstance(value, datetime):
            return None
        clock = wall_clock(self.zone)
        placed = clock.exact(value)
        if isinstance(placed, str):
            return placed
        zone = self.zone.key if value.tzinfo is None else "its own offset"
        return f"sent as {clock.utc_text(value)} (read in {zone})"

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        if not index.isValid() or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row = self._view[index.row()]
        column = self.columns[index.column()]
        try:
            if role == CHECK:
                if column.field is None or column.field.kind is not Kind.BOOLEAN:
                    return False
                parsed: Any = Qt.CheckState(value) == Qt.CheckState.Checked
            elif role == EDIT:
                parsed = self.parse(column, value)
            else:
                return False
        except (TypeError, ValueError):
            return False
        if row.cell(column.key) == parsed:
            return False
        self.change_cells([(row.row_id, column.key, parsed)])
        return True

    def parse(self, column: Column, value: Any) -> Any:
        """A value typed or pasted into ``column``, parsed through the field table. Text that
        cannot be used is kept as it was typed and marked invalid, never thrown away."""
        if isinstance(value, str):
            value = value.strip()
        if column.kind is ColumnKind.CUSTOM:
            return parse_custom(value)
        assert column.field is not None
        return parse_cell(column.field, value, day_first=self.day_first)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = [(p, self._view[p.row()].row_id) for p in self.persistentIndexList()]
        key = self._sort_key(self.columns[column])
        # rows without a value go last, whichever the direction
        filled = [r for r in self._view if key(r) is not None]
        empty = [r for r in self._view if key(r) is None]
        filled.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._view = filled + empty
        self._reindex()
        self.changePersistentIndexList(
            [p for p, _ in before],
            [self.index(self._position[row_id], p.column()) for p, row_id in before],
        )
        self.layoutChanged.emit()

    def _sort_key(self, column: Column) -> Callable[[EventRow], Any]:
        kind = column.kind
        if kind is ColumnKind.STATUS:
            order = {status: i for i, status in enumerate(RowStatus)}
            return lambda r: order[self.status_of(r.row_id)]
        if kind is ColumnKind.HUBSPOT_ID or kind is ColumnKind.MESSAGE:
            return lambda r: self._outcome_text(r.row_id, kind).casefold() or None
        if kind is ColumnKind.EXTRA:
            position = int(column.key[6:])
            return lambda r: cell_text(r.extras[position]).casefold() or None
        if column.field is not None and column.field.kind is Kind.DATETIME:
            clock = wall_clock(self.zone)

            def instant(r: EventRow) -> Any:
                value = r.cell(column.key)
                if not isinstance(value, datetime):
                    return None
                placed = clock.exact(value)
                return placed.astimezone(UTC) if isinstance(placed, datetime) else None

            return instant
        if column.field is not None and column.field.kind is Kind.BOOLEAN:
            return lambda r: (lambda v: v if v.__class__ is bool else None)(r.cell(column.key))
        key = column.key
        if column.kind is ColumnKind.CUSTOM:
            name = key[len(CUSTOM_KEY_PREFIX) :]
            return lambda r: v.casefold() if (v := r.custom.get(name)) else None
        # plain text: straight from the values (100k rows sort in a tenth of a second);
        # unusable cells have no value and sort last, with the blanks
        return lambda r: v.casefold() if (v := r.values.get(key)).__class__ is str else None

    # ------------------------------------------------------------------ filtering

    def set_filter(self, mode: RowFilter) -> None:
        """Show only some rows (the sort is kept). Rows do not vanish when they change while a
        filter is on: the filter is applied again only when it is chosen again."""
        self.row_filter = mode
        self.beginResetModel()
        rows = self.table.rows
        if mode is RowFilter.INVALID:
            rows = [r for r in rows if r.row_id in self.issues]
        elif mode is RowFilter.FAILED:
            rows = [r for r in rows if self.status_of(r.row_id) is RowStatus.FAILED]
        elif mode is RowFilter.NOT_SENT:
            rows = [r for r in rows if not self.status_of(r.row_id).done]
        self._view = list(rows)
        self._reindex()
        self.endResetModel()
        if self._sort is not None:
            self.sort(*self._sort)

    # ------------------------------------------------------------------ changes

    def change_cells(self, changes: Sequence[tuple[RowId, str, Any]], text: str = "Edit") -> None:
        """Set parsed values as one undo step; rows in flight are left alone."""
        from hubevents_gui.ui.commands import CellsCommand

        wanted = [
            (row_id, key, value)
            for row_id, key, value in changes
            if row_id in self._by_id and row_id not in self.locked
        ]
        if wanted:
            self.undo_stack.push(CellsCommand(self, wanted, text))

    def apply_cells(
        self,
        changes: Sequence[tuple[RowId, str, Any]],
        states: dict[RowId, RowStatus | None] | None = None,
    ) -> None:
        """Set values, revalidate and repaint. Rows that had an outcome become "edited since",
        unless ``states`` gives the states to restore (an undo)."""
        touched: set[RowId] = set()
        identity = False
        for row_id, key, value in changes:
            row = self._by_id.get(row_id)
            if row is None:
                continue
            row.set_cell(key, value)
            touched.add(row_id)
            identity = identity or key in IDENTITY_KEYS
        for row_id in touched:
            if states is not None:
                self._set_state(row_id, states.get(row_id))
            elif self.status_of(row_id) in _SENT:
                self.states[row_id] = RowStatus.EDITED
        if not touched:
            return
        self.dirty.rows |= touched
        self.dirty.outcomes |= touched
        self._revalidate(touched, identity)
        self._repaint(touched)
        self.edited.emit()

    def _set_state(self, row_id: RowId, state: RowStatus | None) -> None:
        if state is None:
            self.states.pop(row_id, None)
        else:
            self.states[row_id] = state

    def _revalidate(self, row_ids: Iterable[RowId], identity_changed: bool) -> None:
        for row_id in row_ids:
            row = self._by_id[row_id]
            found = validate_row(row, self.zone)
            duplicate = [
                i for i in self.issues.get(row_id, []) if i.message.startswith(_DUPLICATE_PREFIX)
            ]
            self._store_issues(row_id, found + ([] if identity_changed else duplicate))
        if identity_changed:
            self._refresh_duplicates()
        self.validation_changed.emit()

    def _store_issues(self, row_id: RowId, found: list[Issue]) -> None:
        if found:
            self.issues[row_id] = found
            self._cell_issues[row_id] = _by_column(found)
        else:
            self.issues.pop(row_id, None)
            self._cell_issues.pop(row_id, None)

    def _refresh_duplicates(self) -> None:
        duplicates = duplicate_issues(self.table.rows)
        changed: set[RowId] = set()
        for row_id in list(self.issues):
            had = [i for i in self.issues[row_id] if i.message.startswith(_DUPLICATE_PREFIX)]
            if had and row_id not in duplicates:
                self._store_issues(row_id, [i for i in self.issues[row_id] if i not in had])
                changed.add(row_id)
        for row_id, issue in duplicates.items():
            current = [
                i
                for i in self.issues.get(row_id, [])
                if not i.message.startswith(_DUPLICATE_PREFIX)
            ]
            self._store_issues(row_id, [*current, issue])
            changed.add(row_id)
        self._repaint(changed)

    def revalidate_all(self) -> None:
        self._set_issues(validate_rows(self.table.rows, self.zone))
        self._repaint_all()
        self.validation_changed.emit()

    def set_zone(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.revalidate_all()

    def _repaint_all(self) -> None:
        if self._view:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._view) - 1, len(self.columns) - 1)
            )

    def _repaint(self, row_ids: Iterable[RowId]) -> None:
        """One dataChanged per contiguous run of view rows; one for the whole span when the
        rows are scattered (after a sort), since thousands of signals cost more than a repaint
        of the visible rows."""
        rows = sorted(p for r in row_ids if (p := self._position.get(r)) is not None)
        if not rows:
            return
        last = len(self.columns) - 1
        if len(rows) > 64 and rows[-1] - rows[0] + 1 > 2 * len(rows):
            self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], last))
            return
        start = previous = rows[0]
        for row in rows[1:]:
            if row != previous + 1:
                self.dataChanged.emit(self.index(start, 0), self.index(previous, last))
                start = row
            previous = row
        self.dataChanged.emit(self.index(start, 0), self.index(previous, last))

    def insert_rows(self, rows: Sequence[EventRow], at_view_row: int | None = None) -> None:
        """Add rows (new, duplicated or pasted) at a view position, default the end; one undo
        step."""
        from hubevents_gui.ui.commands import InsertRowsCommand

        if rows:
            self.undo_stack.push(InsertRowsCommand(self, list(rows), at_view_row))

    def place_rows(self, rows: Sequence[EventRow], at_view_row: int | None) -> None:
        position = (
            len(self._view) if at_view_row is None else max(0, min(at_view_row, len(self._view)))
        )
        self.beginInsertRows(QModelIndex(), position, position + len(rows) - 1)
        anchor = self._view[position - 1] if position > 0 else None
        table_position = self.table.rows.index(anchor) + 1 if anchor is not None else 0
        self.table.rows[table_position:table_position] = rows
        self._view[position:position] = rows
        for row in rows:
            self._by_id[row.row_id] = row
        self._reindex()
        self.dirty.rows.update(r.row_id for r in rows)
        self.dirty.order = True
        self.endInsertRows()
        self._revalidate([r.row_id for r in rows], identity_changed=True)
        self.edited.emit()

    def new_row(self) -> EventRow:
        return EventRow(self.row_ids(), None, extras=("",) * len(self.table.extra_headers))

    def remove_rows(self, row_ids: Iterable[RowId]) -> None:
        """Remove rows (not those in flight) as one undo step."""
        from hubevents_gui.ui.commands import RemoveRowsCommand

        wanted = [r for r in row_ids if r not in self.locked and r in self._by_id]
        if wanted:
            self.undo_stack.push(RemoveRowsCommand(self, wanted))

    def take_rows(self, row_ids: Iterable[RowId]) -> list[RemovedRow]:
        """Remove rows; returns what an undo needs to put each back exactly where it was."""
        wanted = set(row_ids)
        removed = [
            RemovedRow(
                table_position=i,
                view_position=self._position.get(r.row_id),
                row=r,
                outcome=self.outcomes.get(r.row_id),
                state=self.states.get(r.row_id),
            )
            for i, r in enumerate(self.table.rows)
            if r.row_id in wanted
        ]
        for view_row in sorted(
            (self._position[r] for r in wanted if r in self._position), reverse=True
        ):
            self.beginRemoveRows(QModelIndex(), view_row, view_row)
            del self._view[view_row]
            self.endRemoveRows()
        self.table.rows[:] = [r for r in self.table.rows if r.row_id not in wanted]
        self.dirty.order = True
        self.dirty.rows -= wanted
        for row_id in wanted:
            self._by_id.pop(row_id, None)
            self.issues.pop(row_id, None)
            self._cell_issues.pop(row_id, None)
            self.outcomes.pop(row_id, None)
            self.states.pop(row_id, None)
        self._reindex()
        self._refresh_duplicates()
        self.validation_changed.emit()
        self.edited.emit()
        return removed

    def restore_rows(self, removed: Sequence[RemovedRow]) -> None:
        """Put removed rows back at their table and view positions, with their outcomes."""
        for entry in sorted(removed, key=lambda e: e.table_position):
            self.table.rows.insert(entry.table_position, entry.row)
            self._by_id[entry.row.row_id] = entry.row
            if entry.outcome is not None:
                self.outcomes[entry.row.row_id] = entry.outcome
            self._set_state(entry.row.row_id, entry.state)
        for entry in sorted(removed, key=lambda e: e.view_position or len(self._view)):
            position = len(self._view) if entry.view_position is None else entry.view_position
            position = min(position, len(self._view))
            self.beginInsertRows(QModelIndex(), position, position)
            self._view.insert(position, entry.row)
            self.endInsertRows()
        self._reindex()
        self.dirty.rows.update(e.row.row_id for e in removed)
        self.dirty.outcomes.update(e.row.row_id for e in removed)
        self.dirty.order = True
        self._revalidate([e.row.row_id for e in removed], identity_changed=True)
        self.edited.emit()

    def add_custom_column(self, name: str) -> int:
        """A new custom property column (after the others), as one undo step; returns its
        column number."""
        from hubevents_gui.ui.commands import AddColumnCommand

        name = name.strip()
        if name in self.table.custom_names:
            raise ValueError(f"there is already a custom property column named {name!r}")
        self.undo_stack.push(AddColumnCommand(self, name))
        column = self.column_of(CUSTOM_KEY_PREFIX + name)
        assert column is not None
        return column

    def insert_custom_column(self, name: str) -> None:
        position = len(COLUMN_FIELDS) + len(self.table.custom_names)
        self.beginInsertColumns(QModelIndex(), position, position)
        self.table.custom_names.append(name)
        self.columns.insert(
            position, Column(ColumnKind.CUSTOM, CUSTOM_KEY_PREFIX + name, CUSTOM_KEY_PREFIX + name)
        )
        self.dirty.meta = True
        self.endInsertColumns()
        self.edited.emit()

    def drop_custom_column(self, name: str) -> None:
        column = self.column_of(CUSTOM_KEY_PREFIX + name)
        if column is None:
            return
        self.beginRemoveColumns(QModelIndex(), column, column)
        self.table.custom_names.remove(name)
        del self.columns[column]
        self.dirty.meta = True
        self.endRemoveColumns()
        self.edited.emit()

    # ------------------------------------------------------------------ whole tables

    def replace_table(
        self,
        table: EventTable,
        issues: dict[RowId, list[Issue]] | None = None,
        index: dict[RowId, EventRow] | None = None,
    ) -> None:
        """Show a newly read table; when one was open, that is an undo step (Undo brings the
        previous table back with its edits and outcomes)."""
        from hubevents_gui.ui.commands import ReplaceTableCommand

        if not self.table.rows:
            self.set_table(table, issues, index)
            self.undo_stack.clear()
            return
        self.undo_stack.push(ReplaceTableCommand(self, table, issues, index))

    def snapshot(self) -> TableState:
        return TableState(
            self.table, dict(self.issues), dict(self._by_id), dict(self.outcomes), dict(self.states)
        )

    def restore(self, state: TableState) -> None:
        self.set_table(state.table, state.issues, state.index)
        self.outcomes.update(state.outcomes)
        self.states.update(state.states)
        self.dirty.outcomes.update(state.states)
        self._repaint_all()

    # ------------------------------------------------------------------ outcomes

    def mark(self, row_ids: Iterable[RowId], status: RowStatus, lock: bool) -> None:
        ids = list(row_ids)
        self.dirty.outcomes.update(ids)
        for row_id in ids:
            self.states[row_id] = status
            if lock:
                self.locked.add(row_id)
            else:
                self.locked.discard(row_id)
        self._repaint(ids)

    def apply_outcomes(self, outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            self.outcomes[outcome.row_id] = outcome
            self.states[outcome.row_id] = outcome.status
            self.dirty.outcomes.add(outcome.row_id)
            self.locked.discard(outcome.row_id)
        self._repaint(o.row_id for o in outcomes)


def _by_column(issues: Sequence[Issue]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for issue in issues:
        cells[issue.field] = (
            f"{cells[issue.field]}\n{issue.message}" if issue.field in cells else issue.message
        )
    return cells


def _header_tip(column: Column) -> str:
    if column.field is not None:
        need = "required" if column.field.required else "optional"
        return f"{column.field.key}: {column.field.kind.value}, {need}"
    if column.kind is ColumnKind.CUSTOM:
        return f"custom property {column.key[len(CUSTOM_KEY_PREFIX) :]!r}, sent as text"
    if column.kind is ColumnKind.EXTRA:
        return "from your file; not sent, kept in result files"
    return "what happened to the row in the last upsert"
