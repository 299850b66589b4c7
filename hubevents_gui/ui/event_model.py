"""The table view's model: a QAbstractTableModel adapter over a :class:`TableDocument`.

It holds no state of its own: rows, columns, order, issues and outcomes are the document's. It
forwards the document's structural signals to Qt's begin/end calls, maps the RowIds the document
repaints to contiguous view ranges, and answers ``data()`` (and the delegate's one-call
``cell_view()``) through one set of per-role functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QBrush, QIcon

from hubevents_gui.core.attendee_fields import ATTEND, ATTENDEE_FIELDS, INTERACTION
from hubevents_gui.core.attendee_validation import row_state
from hubevents_gui.core.fields import CUSTOM_KEY_PREFIX, Kind
from hubevents_gui.core.rows import EventRow, RowId, RowStatus
from hubevents_gui.core.values import cell_text, display_text, parse_cell, parse_custom
from hubevents_gui.core.zones import wall_clock
from hubevents_gui.hubspot.diff import Action
from hubevents_gui.ui.columns import Column, ColumnKind
from hubevents_gui.ui.commands import change_cells
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.preview_marks import ACTION_TEXT, PreviewMarks
from hubevents_gui.ui.row_order import contiguous
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

_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _READ_ONLY | Qt.ItemFlag.ItemIsEditable
_CHECKABLE = _EDITABLE | Qt.ItemFlag.ItemIsUserCheckable
_CHECKED = Qt.CheckState.Checked
_UNCHECKED = Qt.CheckState.Unchecked

_CUSTOM_PREFIX_LENGTH = len(CUSTOM_KEY_PREFIX)

#: (text, icon, background, foreground, check state) of one cell
CellView = tuple[str, QIcon | None, QBrush | None, QBrush | None, Qt.CheckState | None]


#: a change to more rows than this repaints their whole span: sorting their positions to find
#: contiguous runs cost 60 ms for a 100k-row run (measured), the repaint costs the screen only
_MANY_ROWS = 2000


class EventTableModel(QAbstractTableModel):
    def __init__(
        self, document: TableDocument, parent: Any = None, *, marks: PreviewMarks | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.style = StatusStyle()
        #: what the last preview said of each row (shown until the row is edited)
        self.marks = marks if marks is not None else PreviewMarks(document)
        d = document
        d.resetting.connect(self.beginResetModel)
        d.reset_done.connect(self.endResetModel)
        d.rows_inserting.connect(self._on_rows_inserting)
        d.rows_inserted.connect(self.endInsertRows)
        d.rows_removing.connect(self._on_rows_removing)
        d.rows_removed.connect(self.endRemoveRows)
        d.columns_inserting.connect(self._on_columns_inserting)
        d.columns_inserted.connect(self.endInsertColumns)
        d.columns_removing.connect(self._on_columns_removing)
        d.columns_removed.connect(self.endRemoveColumns)
        d.reordering.connect(self._on_reordering)
        d.reordered.connect(self._on_reordered)
        d.rows_changed.connect(self._on_rows_changed)
        d.all_changed.connect(self._on_all_changed)
        self._persistent: list[tuple[QModelIndex, RowId]] = []

    @property
    def columns(self) -> list[Column]:
        return self.document.columns

    # ------------------------------------------------------------------ the document's signals

    @Slot(int, int)
    def _on_rows_inserting(self, first: int, last: int) -> None:
        self.beginInsertRows(QModelIndex(), first, last)

    @Slot(int, int)
    def _on_rows_removing(self, first: int, last: int) -> None:
        self.beginRemoveRows(QModelIndex(), first, last)

    @Slot(int, int)
    def _on_columns_inserting(self, first: int, last: int) -> None:
        self.beginInsertColumns(QModelIndex(), first, last)

    @Slot(int, int)
    def _on_columns_removing(self, first: int, last: int) -> None:
        self.beginRemoveColumns(QModelIndex(), first, last)

    @Slot()
    def _on_reordering(self) -> None:
        self.layoutAboutToBeChanged.emit()
        view = self.document.order.view
        self._persistent = [(p, view[p.row()].row_id) for p in self.persistentIndexList()]

    @Slot()
    def _on_reordered(self) -> None:
        order = self.document.order
        before = self._persistent
        self._persistent = []
        after = []
        for p, row_id in before:
            position = order.position(row_id)
            after.append(
                self.index(position, p.column()) if position is not None else QModelIndex()
            )
        self.changePersistentIndexList([p for p, _ in before], after)
        self.layoutChanged.emit()

    @Slot(object)
    def _on_rows_changed(self, row_ids: Iterable[RowId]) -> None:
        """One dataChanged per contiguous run of view rows; one for the whole span when the
        rows are scattered (after a sort), since thousands of signals cost more than a repaint
        of the visible rows."""
        ids = row_ids if isinstance(row_ids, list | set | tuple) else list(row_ids)
        last = len(self.columns) - 1
        if len(ids) > _MANY_ROWS:
            # a run's rows queued, a page of outcomes: one span, found without sorting
            span = self.document.order.span(ids)
            if span is not None:
                self.dataChanged.emit(self.index(span[0], 0), self.index(span[1], last))
            return
        rows = self.document.order.positions(ids)
        if not rows:
            return
        if len(rows) > 64 and rows[-1] - rows[0] + 1 > 2 * len(rows):
            self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], last))
            return
        for first, final in contiguous(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(final, last))

    @Slot()
    def _on_all_changed(self) -> None:
        count = self.rowCount()
        if count:
            self.dataChanged.emit(self.index(0, 0), self.index(count - 1, len(self.columns) - 1))

    # ------------------------------------------------------------------ Qt's model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.document.order.view)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """One Python call per index (Qt's own asks rowCount and columnCount first, three calls
        for every cell a view paints)."""
        if parent.isValid() or not (
            0 <= row < len(self.document.order.view) and 0 <= column < len(self.columns)
        ):
            return QModelIndex()
        return self.createIndex(row, column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.columns):
                return None
            column = self.columns[section]
            if role == DISPLAY:
                return column.title
            if role == TOOLTIP:
                return column.tooltip
            if role == COLUMN_KEY_ROLE:
                return column.key
            return None
        view = self.document.order.view
        if role == DISPLAY and 0 <= section < len(view):
            source = view[section].source_row
            return str(source) if source is not None else "new"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # combined once at import: PySide's enum arithmetic costs microseconds, per cell painted
        if not index.isValid():
            return _NO_FLAGS
        column = self.columns[index.column()]
        row = self.document.order.view[index.row()]
        if not column.editable or row.row_id in self.document.locked:
            return _READ_ONLY
        if column.field is not None and column.field.kind is Kind.BOOLEAN:
            return _CHECKABLE
        return _EDITABLE

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self.document.order.view[index.row()]
        column = self.columns[index.column()]
        if role in (DISPLAY, EDIT):
            value = self._value(row, column)
            if value.__class__ is bool:
                return None if role == DISPLAY else display_text(value)  # a check box says it
            return value
        if role == BACKGROUND:
            return self._background(row, column)
        if role == DECORATION:
            return self._icon(row, column)
        if role == CHECK:
            return self._check(row, column)
        if role == TOOLTIP:
            return self._tooltip(row, column)
        if role == FOREGROUND:
            return self.style.read_only if column.kind is ColumnKind.EXTRA else None
        if role == ROW_ID_ROLE:
            return int(row.row_id)
        if role == COLUMN_KEY_ROLE:
            return column.key
        return None

    def cell_view(self, view_row: int, column_number: int) -> CellView:
        """Everything the delegate paints of a cell, in one call.

        One Python call per cell instead of Qt's eight data() calls, each of which must win the
        GIL back from the upsert's worker threads; the same functions as data() answer it.
        """
        row = self.document.order.view[view_row]
        column = self.columns[column_number]
        check = self._check(row, column)
        value = self._value(row, column)
        text = "" if check is not None or value.__class__ is bool else value
        foreground = self.style.read_only if column.kind is ColumnKind.EXTRA else None
        return text, self._icon(row, column), self._background(row, column), foreground, check

    def row_texts(self, row: EventRow) -> list[str]:
        """What each cell of ``row`` shows as text (a check box cell shows none): for find."""
        value = self._value
        return [v if v.__class__ is str else "" for v in (value(row, c) for c in self.columns)]

    # ------------------------------------------------------------------ one cell, per role

    def _value(self, row: EventRow, column: Column) -> Any:
        """The cell's text (a bool for a check box cell, which has no text of its own)."""
        kind = column.kind
        if kind is ColumnKind.FIELD or kind is ColumnKind.CUSTOM:
            value = row.cell(column.key)
            return value if value.__class__ is bool else display_text(value)
        if kind is ColumnKind.EXTRA:
            position = column.extra_index
            return cell_text(row.extras[position]) if position < len(row.extras) else ""
        if self.marks.plans and (kind is ColumnKind.STATUS or kind is ColumnKind.MESSAGE):
            plan = self.marks.plans.get(row.row_id)
            if plan is not None:
                return (
                    ACTION_TEXT[plan.action]
                    if kind is ColumnKind.STATUS
                    else (self.marks.message(plan))
                )
        return self.document.outcome_text(row.row_id, kind)

    def _invalid(self, row: EventRow, column: Column) -> bool:
        cell_issues = self.document.cell_issues.get(row.row_id)
        return cell_issues is not None and column.key in cell_issues

    def _dropped(self, row: EventRow, column: Column) -> bool:
        """HubSpot left this custom property out of the row's answer. Said only while that
        answer is the row's news: an edit ("edited since upsert") or a new send ends it."""
        if column.kind is not ColumnKind.CUSTOM:
            return False
        outcome = self.document.outcomes.get(row.row_id)
        if outcome is None or not outcome.dropped:
            return False
        return (
            self.document.states.get(row.row_id) is outcome.status
            and column.key[_CUSTOM_PREFIX_LENGTH:] in outcome.dropped
        )

    def _background(self, row: EventRow, column: Column) -> QBrush | None:
        if self._invalid(row, column) or (
            column.kind is ColumnKind.STATUS and self.document.shows_invalid(row.row_id)
        ):
            return self.style.invalid
        if self._dropped(row, column):
            return self.style.dropped
        if self.marks.plans:
            plan = self.marks.plans.get(row.row_id)
            if plan is not None:  # the preview's news replaces the last run's colours
                if column.key in plan.changes:
                    return self.style.changed
                if column.kind is ColumnKind.STATUS:
                    return self.style.backgrounds.get(_MARK_STATUS.get(plan.action, RowStatus.NEW))
                return None
        return self.style.backgrounds.get(self.document.states.get(row.row_id, RowStatus.NEW))

    def _icon(self, row: EventRow, column: Column) -> QIcon | None:
        if column.kind is ColumnKind.STATUS:
            if self.document.shows_invalid(row.row_id):
                return self.style.warning_icon  # not the grey of "not yet sent"
            plan = self.marks.plans.get(row.row_id) if self.marks.plans else None
            if plan is not None:
                if plan.action is Action.CONFLICT:
                    return self.style.warning_icon
                return self.style.icons[_MARK_STATUS.get(plan.action, RowStatus.NEW)]
            return self.style.icons[self.document.status_of(row.row_id)]
        if self._invalid(row, column) or self._dropped(row, column):
            return self.style.warning_icon
        custom = column.kind is ColumnKind.CUSTOM
        if custom and self.marks.plans and self.marks.warning(row.row_id, column.key):
            return self.style.notice_icon
        return None

    def _check(self, row: EventRow, column: Column) -> Qt.CheckState | None:
        if column.field is not None and column.field.kind is Kind.BOOLEAN:
            value = row.cell(column.key)
            if value.__class__ is bool or value is None:
                return _CHECKED if value else _UNCHECKED
        return None

    def _tooltip(self, row: EventRow, column: Column) -> str | None:
        cell_issues = self.document.cell_issues.get(row.row_id)
        if cell_issues and column.key in cell_issues:
            return cell_issues[column.key]
        if self._dropped(row, column):
            return dropped_tooltip(column.key[_CUSTOM_PREFIX_LENGTH:])
        if self.marks.plans:
            tip = self._mark_tooltip(row, column)
            if tip is not None:
                return tip
        if column.kind is ColumnKind.MESSAGE or column.kind is ColumnKind.STATUS:
            outcome = self.document.outcomes.get(row.row_id)
            return outcome.summary if outcome else None
        if column.field is not None and column.field.kind is Kind.DATETIME:
            return self.utc_preview(row, column.key)
        return None

    def _mark_tooltip(self, row: EventRow, column: Column) -> str | None:
        plan = self.marks.plans.get(row.row_id)
        if plan is None:
            return None
        change = plan.changes.get(column.key)
        if change is not None:
            return self.marks.change_tooltip(change)
        if column.kind is ColumnKind.MESSAGE or column.kind is ColumnKind.STATUS:
            return self.marks.message(plan)
        if column.kind is ColumnKind.CUSTOM:
            return self.marks.warning(row.row_id, column.key)
        return None

    def utc_preview(self, row: EventRow, key: str) -> str | None:
        """What will be sent for a date-time cell: the exact UTC value, or why it cannot be."""
        value = row.cell(key)
        table = self.document.table
        if value is None and key == INTERACTION and table.fields is ATTENDEE_FIELDS:
            # the default is said before anything is sent
            if row_state(row, table.defaults) == ATTEND:
                return "blank: sent as the event's start, as HubSpot holds it"
            return "blank: sent as the time the row is sent"
        if not isinstance(value, datetime):
            return None
        zone = self.document.zone
        clock = wall_clock(zone)
        placed = clock.exact(value)
        if isinstance(placed, str):
            return placed
        where = zone.key if value.tzinfo is None else "its own offset"
        return f"sent as {clock.utc_text(value)} (read in {where})"

    # ------------------------------------------------------------------ editing and sorting

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        if not index.isValid() or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row = self.document.order.view[index.row()]
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
        change_cells(self.document, [(row.row_id, column.key, parsed)])
        return True

    def parse(self, column: Column, value: Any) -> Any:
        """A value typed or pasted into ``column``, parsed through the field table. Text that
        cannot be used is kept as it was typed and marked invalid, never thrown away."""
        if isinstance(value, str):
            value = value.strip()
        if column.kind is ColumnKind.CUSTOM:
            return parse_custom(value)
        assert column.field is not None
        return parse_cell(column.field, value, day_first=self.document.day_first)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.document.sort(column, order == Qt.SortOrder.DescendingOrder)


def dropped_tooltip(name: str) -> str:
    """Why a custom property's cell is marked after a run that HubSpot answered without it."""
    return (
        f"HubSpot dropped this value: the account has no marketing-event property {name!r}, "
        "so the event was stored without it. Create the property in HubSpot, then send the "
        "row again."
    )


#: the run status whose icon and colour stand for what a preview says a run would do
_MARK_STATUS = {
    Action.CREATE: RowStatus.CREATED,
    Action.UPDATE: RowStatus.UPDATED,
    Action.UNCHANGED: RowStatus.UNCHANGED,
    Action.CONFLICT: RowStatus.NOT_SENT,
}
