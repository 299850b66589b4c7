"""The open table as a document: its rows, their issues, outcomes and states, the rows in flight,
the order the view shows them in, and the undo stack every edit goes through.

Plain Python state with Qt signals: :class:`~.event_model.EventTableModel` forwards the
structural ones (``rows_inserting``/``rows_inserted`` and so on, emitted around each change as
Qt's begin/end calls want) and repaints on ``rows_changed``. Edits a user makes go through the
undoable commands of :mod:`.commands`; the methods here are what those commands call.

Rows being sent are locked: nothing here changes them, and an undo or redo that would touch one
is refused (see :meth:`TableDocument.undo`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from hubevents_gui.core.checks import RowChecks, checks_for
from hubevents_gui.core.fields import CUSTOM_KEY_PREFIX, EVENT_FIELDS, FieldTable
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowIds, RowStatus, Value
from hubevents_gui.core.validation import Issue
from hubevents_gui.core.words import plural
from hubevents_gui.ui.columns import (
    Column,
    ColumnKind,
    build_columns,
    custom_column,
    custom_column_position,
)
from hubevents_gui.ui.row_order import (
    SORT_AT_ONCE,
    RowFilter,
    RowOrder,
    SortKey,
    contiguous,
    sort_key,
)
from hubevents_gui.ui.slices import Slices

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


class RowCommand(QUndoCommand):
    """An undoable change that says which rows it touches (None: every row), so that an undo
    or redo that would change a row in flight can be refused."""

    def rows(self) -> Iterable[RowId] | None:
        return ()


#: states in which a row with issues shows "invalid" (its answer, if any, is out of date)
_INVALID_SHOWN = frozenset({RowStatus.NEW, RowStatus.EDITED, RowStatus.NOT_SENT})


class TableDocument(QObject):
    resetting = Signal()
    reset_done = Signal()
    rows_inserting = Signal(int, int)
    rows_inserted = Signal()
    rows_removing = Signal(int, int)
    rows_removed = Signal()
    columns_inserting = Signal(int, int)
    columns_inserted = Signal()
    columns_removing = Signal(int, int)
    columns_removed = Signal()
    #: the view order changes (a sort): views keep their selection through it
    reordering = Signal()
    reordered = Signal()
    #: values, issues or states of these rows (a set of RowIds) changed: repaint them
    rows_changed = Signal(object)
    #: every cell may look different (a new zone, a table restored)
    all_changed = Signal()
    #: after any change of values (edits, rows added or removed): the document is modified
    edited = Signal()
    #: issues changed (counts, the issues panel)
    validation_changed = Signal()

    def __init__(
        self, zone: ZoneInfo, parent: QObject | None = None, fields: FieldTable = EVENT_FIELDS
    ) -> None:
        super().__init__(parent)
        self.zone = zone
        self.day_first = False
        #: empty until a table is opened, but already of its kind (the tab it is shown in)
        self.table = EventTable(None, None, [], fields=fields)
        self.columns: list[Column] = build_columns(self.table)
        self.checks: RowChecks = checks_for(self.table)
        self.order = RowOrder()
        #: a sort of a large table, in slices (see sort)
        self._sorting = Slices(self)
        #: when the filter was last applied afresh; rows wait to come into it
        self._refiltered = 0.0
        self._coming = False
        self._by_id: dict[RowId, EventRow] = {}
        self.issues: dict[RowId, list[Issue]] = {}
        self.cell_issues: dict[RowId, dict[str, str]] = {}
        self.outcomes: dict[RowId, Outcome] = {}
        self.states: dict[RowId, RowStatus] = {}
        #: rows being sent: read-only until their outcome arrives
        self.locked: set[RowId] = set()
        self.row_ids = RowIds()
        #: what changed since the autosaver last looked (see ui.autosave)
        self.dirty = Dirty()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setObjectName("undoStack")

    # ------------------------------------------------------------------ lookups

    @property
    def rows(self) -> list[EventRow]:
        """Every row in table order (the file's order, whatever the view shows)."""
        return self.table.rows

    def row(self, row_id: RowId) -> EventRow | None:
        return self._by_id.get(row_id)

    def row_at(self, view_row: int) -> EventRow:
        return self.order.view[view_row]

    def view_row_of(self, row_id: RowId) -> int | None:
        return self.order.position(row_id)

    def column_of(self, key: str) -> int | None:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        return None

    def status_of(self, row_id: RowId) -> RowStatus:
        return self.states.get(row_id, RowStatus.NEW)

    def shows_invalid(self, row_id: RowId) -> bool:
        """The row cannot be sent as it stands, and that is its news: it is not yet sent or
        was changed since (a row being sent, or with a fresh answer, says that instead)."""
        return row_id in self.issues and self.status_of(row_id) in _INVALID_SHOWN

    def status_text(self, row_id: RowId) -> str:
        if self.shows_invalid(row_id):
            return "invalid"
        return self.status_of(row_id).value

    def outcome_text(self, row_id: RowId, kind: ColumnKind) -> str:
        if kind is ColumnKind.STATUS:
            return self.status_text(row_id)
        outcome = self.outcomes.get(row_id)
        if kind is ColumnKind.MESSAGE and self.shows_invalid(row_id):
            # why it cannot be sent, in the column the user reads for that
            first = self.issues[row_id][0]
            more = len(self.issues[row_id]) - 1
            text = f"{self.table.column_title(first.field)}: {first.message}"
            return text + (f" (and {plural(more, 'other issue')})" if more else "")
        if outcome is None:
            return ""
        if kind is ColumnKind.HUBSPOT_ID:
            return outcome.hubspot_id or ""
        return outcome.summary

    def invalid_count(self) -> int:
        return len(self.issues)

    @property
    def running(self) -> bool:
        """Rows are in flight."""
        return bool(self.locked)

    def new_row(self) -> EventRow:
        return EventRow(self.row_ids(), None, extras=("",) * len(self.table.extra_headers))

    # ------------------------------------------------------------------ whole tables

    def set_table(
        self,
        table: EventTable,
        issues: dict[RowId, list[Issue]] | None = None,
        index: dict[RowId, EventRow] | None = None,
    ) -> None:
        """Show a new table; its issues and its RowId index may come computed off the GUI
        thread (for 100k rows, building them here would freeze the window)."""
        if self.locked:
            raise RuntimeError("the table cannot be replaced while rows are being sent")
        self.resetting.emit()
        self.table = table
        self._by_id = index if index is not None else {row.row_id: row for row in table.rows}
        self.row_ids.skip_past(max(self._by_id, default=0))
        self.outcomes.clear()
        self.states.clear()
        self.columns = build_columns(table)
        self.checks = checks_for(table)
        self._set_issues(issues if issues is not None else self.checks.rows(table.rows, self.zone))
        self.order.reset(table.rows)
        self.dirty.everything = True
        self.reset_done.emit()
        self.validation_changed.emit()

    def snapshot(self) -> TableState:
        return TableState(
            self.table, dict(self.issues), dict(self._by_id), dict(self.outcomes), dict(self.states)
        )

    def restore(self, state: TableState) -> None:
        self.set_table(state.table, state.issues, state.index)
        self.outcomes.update(state.outcomes)
        self.states.update(state.states)
        self.dirty.outcomes.update(state.states)
        self.all_changed.emit()

    def _set_issues(self, issues: dict[RowId, list[Issue]]) -> None:
        self.issues = dict(issues)
        self.cell_issues = {row_id: _by_column(found) for row_id, found in issues.items()}

    # ------------------------------------------------------------------ cells

    def apply_cells(
        self,
        changes: Sequence[tuple[RowId, str, Any]],
        states: dict[RowId, RowStatus | None] | None = None,
    ) -> None:
        """Set values, revalidate and repaint. Rows that had an outcome become "edited since",
        unless ``states`` gives the states to restore (an undo). Rows in flight are skipped."""
        touched: set[RowId] = set()
        identity = False
        for row_id, key, value in changes:
            row = self._by_id.get(row_id)
            if row is None or row_id in self.locked:
                continue
            row.set_cell(key, value)
            touched.add(row_id)
            identity = identity or key in self.table.fields.identity_keys
        if not touched:
            return
        for row_id in touched:
            if states is not None:
                self._set_state(row_id, states.get(row_id))
            elif self.status_of(row_id) in _SENT:
                self.states[row_id] = RowStatus.EDITED
        self.dirty.rows |= touched
        self.dirty.outcomes |= touched
        self._revalidate(touched, identity)
        self.rows_changed.emit(touched)
        self.edited.emit()

    def _set_state(self, row_id: RowId, state: RowStatus | None) -> None:
        if state is None:
            self.states.pop(row_id, None)
        else:
            self.states[row_id] = state

    # ------------------------------------------------------------------ validation

    def _revalidate(self, row_ids: Iterable[RowId], identity_changed: bool) -> None:
        for row_id in row_ids:
            row = self._by_id[row_id]
            found = self.checks.row(row, self.zone)
            duplicate = [i for i in self.issues.get(row_id, []) if i.duplicate]
            self._store_issues(row_id, found + ([] if identity_changed else duplicate))
        if identity_changed:
            self._refresh_duplicates()
        self.validation_changed.emit()

    def _store_issues(self, row_id: RowId, found: list[Issue]) -> None:
        if found:
            self.issues[row_id] = found
            self.cell_issues[row_id] = _by_column(found)
        else:
            self.issues.pop(row_id, None)
            self.cell_issues.pop(row_id, None)

    def _refresh_duplicates(self) -> None:
        duplicates = self.checks.duplicates(self.table.rows)
        changed: set[RowId] = set()
        for row_id in list(self.issues):
            had = [i for i in self.issues[row_id] if i.duplicate]
            if had and row_id not in duplicates:
                self._store_issues(row_id, [i for i in self.issues[row_id] if not i.duplicate])
                changed.add(row_id)
        for row_id, issue in duplicates.items():
            current = [i for i in self.issues.get(row_id, []) if not i.duplicate]
            self._store_issues(row_id, [*current, issue])
            changed.add(row_id)
        if changed:
            self.rows_changed.emit(changed)

    def revalidate_all(self) -> None:
        self._set_issues(self.checks.rows(self.table.rows, self.zone))
        self.all_changed.emit()
        self.validation_changed.emit()

    def set_defaults(self, defaults: dict[str, Value]) -> None:
        """Give values for the rows that leave those columns blank (an attendee sheet's event,
        account and state), and re-check every row against them."""
        self.table.defaults = dict(defaults)
        self.checks = checks_for(self.table)
        self.dirty.meta = True
        self.revalidate_all()
        self.edited.emit()

    def set_zone(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.revalidate_all()

    # ------------------------------------------------------------------ rows

    def place_rows(self, rows: Sequence[EventRow], after: RowId | None = None) -> None:
        """Add rows after ``after`` (in the table and in the view), default at the end."""
        if not rows:
            return
        anchor = self._by_id.get(after) if after is not None else None
        table_position = (
            self.table.rows.index(anchor) + 1 if anchor is not None else len(self.table.rows)
        )
        self.table.rows[table_position:table_position] = rows
        for row in rows:
            self._by_id[row.row_id] = row
        self._show(self.order.insert_position(after), rows)
        self.dirty.rows.update(r.row_id for r in rows)
        self.dirty.order = True
        self._revalidate([r.row_id for r in rows], identity_changed=True)
        self.edited.emit()

    def _show(self, position: int, rows: Sequence[EventRow], *, reindex: bool = True) -> None:
        self.rows_inserting.emit(position, position + len(rows) - 1)
        self.order.insert(position, rows, reindex=reindex)
        self.rows_inserted.emit()

    def take_rows(self, row_ids: Iterable[RowId]) -> list[RemovedRow]:
        """Remove rows (never rows in flight); returns what an undo needs to put each back
        exactly where it was. The view loses them a contiguous run at a time."""
        wanted = {r for r in row_ids if r not in self.locked}
        removed = [
            RemovedRow(i, r, self.outcomes.get(r.row_id), self.states.get(r.row_id))
            for i, r in enumerate(self.table.rows)
            if r.row_id in wanted
        ]
        if not removed:
            return []
        for first, last in reversed(contiguous(self.order.positions(wanted))):
            self.rows_removing.emit(first, last)
            self.order.remove(first, last)
            self.rows_removed.emit()
        self.order.reindex()
        self.table.rows[:] = [r for r in self.table.rows if r.row_id not in wanted]
        self.dirty.order = True
        self.dirty.rows -= wanted
        for row_id in wanted:
            self._by_id.pop(row_id, None)
            self.issues.pop(row_id, None)
            self.cell_issues.pop(row_id, None)
            self.outcomes.pop(row_id, None)
            self.states.pop(row_id, None)
        self._refresh_duplicates()
        self.validation_changed.emit()
        self.edited.emit()
        return removed

    def restore_rows(self, removed: Sequence[RemovedRow]) -> None:
        """Put removed rows back at their table positions, with their outcomes; the view gets
        each run of rows that were neighbours back in one piece (sorted again if it was)."""
        entries = sorted(removed, key=lambda e: e.table_position)
        for entry in entries:
            self.table.rows.insert(entry.table_position, entry.row)
            self._by_id[entry.row.row_id] = entry.row
            if entry.outcome is not None:
                self.outcomes[entry.row.row_id] = entry.outcome
            self._set_state(entry.row.row_id, entry.state)
        runs: list[list[RemovedRow]] = []
        for entry in entries:
            if runs and entry.table_position == runs[-1][-1].table_position + 1:
                runs[-1].append(entry)
            else:
                runs.append([entry])
        # every run's place in the view as it stands, then inserted from the highest place down
        # (a lower one is not moved by them) and indexed once: thousands of scattered rows put
        # back cost one pass, not one per run
        placed = []
        for number, run in enumerate(runs):
            first = run[0].table_position
            before = self.table.rows[first - 1].row_id if first > 0 else None
            position = 0 if before is None else self.order.insert_position(before)
            placed.append((position, number, run))
        for position, _, run in sorted(placed, key=lambda p: (p[0], p[1]), reverse=True):
            self._show(position, [e.row for e in run], reindex=False)
        if self.order.sort is None:
            self.order.reindex()
        else:  # back where the sort in force puts them (the re-sort reindexes)
            self.reordering.emit()
            self.order.resort()
            self.reordered.emit()
        ids = [e.row.row_id for e in entries]
        self.dirty.rows.update(ids)
        self.dirty.outcomes.update(ids)
        self.dirty.order = True
        self._revalidate(ids, identity_changed=True)
        self.edited.emit()

    # ------------------------------------------------------------------ columns

    def insert_custom_column(self, name: str) -> None:
        position = custom_column_position(self.table)
        self.columns_inserting.emit(position, position)
        self.table.custom_names.append(name)
        self.columns.insert(position, custom_column(name, self.table.fields))
        self.dirty.meta = True
        self.columns_inserted.emit()
        self.edited.emit()

    def drop_custom_column(self, name: str) -> None:
        column = self.column_of(CUSTOM_KEY_PREFIX + name)
        if column is None:
            return
        self.columns_removing.emit(column, column)
        self.table.custom_names.remove(name)
        del self.columns[column]
        self.dirty.meta = True
        self.columns_removed.emit()
        self.edited.emit()

    # ------------------------------------------------------------------ the view's order

    def sort(self, column: int, descending: bool) -> None:
        """Sort the rows shown by ``column``: at once for a small table, else in time-boxed
        slices (the window goes on; the rows move when the sort is done)."""
        if not 0 <= column < len(self.columns):
            return
        key = sort_key(self.columns[column], self.zone, self.outcome_text, self.status_of)
        self._sorting.start(
            self._sort_steps(column, descending, key),
            at_once=len(self.order.view) <= SORT_AT_ONCE,
        )

    def _sort_steps(self, column: int, descending: bool, key: SortKey) -> Iterator[None]:
        ordered = yield from self.order.sort_steps(key, descending)
        if ordered is None:
            # rows came or went meanwhile: sorted again, with them
            QTimer.singleShot(0, self, lambda: self.sort(column, descending))
            return
        self.reordering.emit()
        self.order.take_sort(column, descending, key, ordered)
        self.reordered.emit()

    @property
    def sorting(self) -> bool:
        """A sort in slices is under way."""
        return self._sorting.running

    def _keeper(self, mode: RowFilter) -> Callable[[EventRow], bool]:
        def keep(row: EventRow) -> bool:
            if mode is RowFilter.INVALID:
                return row.row_id in self.issues
            if mode is RowFilter.FAILED:
                return self.status_of(row.row_id) is RowStatus.FAILED
            return not self.status_of(row.row_id).done

        return keep

    def set_filter(self, mode: RowFilter) -> None:
        """Show only some rows (the sort is kept)."""
        self._coming = False
        self.resetting.emit()
        self.order.filtered(self.table.rows, mode, self._keeper(mode))
        self.reset_done.emit()

    def refilter(self, changed: Iterable[RowId] | None = None, *, now: bool = False) -> None:
        """Apply the filter in force again to the rows whose outcome ``changed`` (all rows when
        None): which rows it shows depends on their status.

        Rows that no longer belong go at once, a contiguous run at a time (the view keeps its
        place and selection). Rows that now belong come in with a fresh filtering, at most
        twice a second while a run goes on (``now``: at once, as when it has ended).
        """
        mode = self.order.row_filter
        if mode is RowFilter.ALL:
            return
        keep = self._keeper(mode)
        rows = (
            self.table.rows
            if changed is None
            else [r for i in changed if (r := self._by_id.get(i)) is not None]
        )
        position = self.order.position
        gone = [r.row_id for r in rows if position(r.row_id) is not None and not keep(r)]
        if gone:
            for first, last in reversed(contiguous(self.order.positions(gone))):
                self.rows_removing.emit(first, last)
                self.order.remove(first, last)
                self.rows_removed.emit()
            self.order.reindex()
        self._coming |= any(position(r.row_id) is None and keep(r) for r in rows)
        moment = time.monotonic()
        if self._coming and (now or moment - self._refiltered >= 0.5):
            self._refiltered = moment
            self._coming = False
            self.set_filter(mode)

    # ------------------------------------------------------------------ runs and outcomes

    def mark(self, row_ids: Iterable[RowId], status: RowStatus, *, lock: bool) -> None:
        ids = list(row_ids)
        if status is not RowStatus.QUEUED:
            # "queued" is not journaled: after a crash nothing is queued any more, and a row
            # shows what it last was (100k rows queued cost the run's start 30 ms more)
            self.dirty.outcomes.update(ids)
        # whole-collection updates: 100k rows queued for a run in a few ms, not a loop's 50+
        self.states.update(dict.fromkeys(ids, status))
        if lock:
            self.locked.update(ids)
        else:
            self.locked.difference_update(ids)
        self.rows_changed.emit(ids)

    def apply_outcomes(self, outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            self.outcomes[outcome.row_id] = outcome
            self.states[outcome.row_id] = outcome.status
            self.dirty.outcomes.add(outcome.row_id)
            self.locked.discard(outcome.row_id)
        changed = [o.row_id for o in outcomes]
        self.rows_changed.emit(changed)
        self.refilter(changed)

    # ------------------------------------------------------------------ undo and redo

    def undo(self) -> str | None:
        """Undo the last change, unless it would touch a row in flight: then nothing changes
        and the reason comes back."""
        stack = self.undo_stack
        if not stack.canUndo():
            return None
        refused = self._refusal(stack.command(stack.index() - 1), "undone")
        if refused is None:
            stack.undo()
        return refused

    def redo(self) -> str | None:
        stack = self.undo_stack
        if not stack.canRedo():
            return None
        refused = self._refusal(stack.command(stack.index()), "redone")
        if refused is None:
            stack.redo()
        return refused

    def _refusal(self, command: QUndoCommand | None, verb: str) -> str | None:
        if command is None or not self.locked:
            return None
        if _touches(command, self.locked):
            return f"'{command.text()}' cannot be {verb} while its rows are being sent"
        return None


def _touches(command: QUndoCommand, locked: set[RowId]) -> bool:
    if isinstance(command, RowCommand):
        rows = command.rows()
        return rows is None or any(r in locked for r in rows)
    children = command.childCount()
    if not children:
        return True  # a change that does not say what it touches might touch a row in flight
    return any(_touches(command.child(i), locked) for i in range(children))


def _by_column(issues: Sequence[Issue]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for issue in issues:
        cells[issue.field] = (
            f"{cells[issue.field]}\n{issue.message}" if issue.field in cells else issue.message
        )
    return cells
