"""The event table's view: editing triggers, the delegate, the Status column first, column
widths from a sample of rows (or as the user left them), and addressing rows by RowId."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QWidget,
)

from hubevents_gui.core.rows import RowId, RowStatus
from hubevents_gui.ui.delegates import EventDelegate
from hubevents_gui.ui.event_model import EventTableModel
from hubevents_gui.ui.settings import AppSettings

#: rows looked at to fit a column (fitting all 100k rows takes seconds)
_SAMPLE_ROWS = 40


class EventTableView(QTableView):
    def __init__(
        self, model: EventTableModel, settings: AppSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("eventTable")
        self.settings = settings
        self.event_model = model
        self.setModel(model)
        self.setItemDelegate(EventDelegate(model, self))
        # the column headers get a selection of their own, always empty: Qt's header asks the
        # selection, for every section it paints, whether each row of its column is selected
        # (model.flags per row, in Python): 0.5 s per paint with 10,000 rows selected. The
        # headers highlight nothing here, and a click on one sorts; it selects nothing
        self._header_selection = QItemSelectionModel(model, self)
        self.horizontalHeader().setSelectionModel(self._header_selection)
        self.setSortingEnabled(True)
        header = self.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setWordWrap(False)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        #: widths are being set by the program, not dragged by the user
        self._sizing = False
        header.sectionResized.connect(self._on_column_resized)
        model.modelReset.connect(self._after_reset)

    # ------------------------------------------------------------------ Enter, as a spreadsheet

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves down a row (Shift+Enter up), as in a spreadsheet; F2 or typing edits."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.state() != QAbstractItemView.State.EditingState:
            up = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._step(-1 if up else 1)
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        # Enter in an editor commits it (Qt's "submit" hint): then on to the row below;
        # Esc reverts and stays, Tab moves on along the row
        submitted = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        if submitted:
            hint = QAbstractItemDelegate.EndEditHint.NoHint
        super().closeEditor(editor, hint)
        if submitted:
            self._step(1)

    def _step(self, rows: int) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        below = current.siblingAtRow(current.row() + rows)
        if below.isValid():
            self.setCurrentIndex(below)
            self.scrollTo(below)

    @Slot()
    def _after_reset(self) -> None:
        # outcomes first on screen: the Status column is shown at the left (the model, and
        # result files, keep it after the data as the field table orders it)
        header = self.horizontalHeader()
        # the header keeps the last table's move across a reset: each section back in its own
        # place first, or another table's Status move shuffles this one's columns
        for logical in range(header.count()):
            if header.visualIndex(logical) != logical:
                header.moveSection(header.visualIndex(logical), logical)
        status = self.event_model.document.column_of("status")
        if status is not None and header.visualIndex(status) != 0:
            header.moveSection(header.visualIndex(status), 0)
        sort = self.event_model.document.order.sort
        if sort is None:  # another table, in its own order: no arrow left from the last one
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.size_columns()

    def size_columns(self) -> None:
        """Widths as the user left them, else from the header and a sample of rows."""
        self._sizing = True
        try:
            self._size_columns()
        finally:
            self._sizing = False

    def _size_columns(self) -> None:
        model = self.event_model
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        sample = range(min(_SAMPLE_ROWS, model.rowCount()))
        file = model.document.table.file
        for number, column in enumerate(model.columns):
            remembered = self.settings.column_width(file, column.key)
            if remembered:
                header.resizeSection(number, remembered)
                continue
            texts = [column.title]
            texts += [str(model.index(r, number).data() or "") for r in sample]
            if column.key == "status":  # room for its longest state, whatever is shown now
                texts.append(RowStatus.EDITED.value)
            width = max(metrics.horizontalAdvance(t) for t in texts) + 36
            header.resizeSection(number, max(70, min(width, 340)))

    @Slot(int, int, int)
    def _on_column_resized(self, column: int, _old: int, new: int) -> None:
        columns = self.event_model.columns
        if 0 <= column < len(columns) and self.isVisible() and not self._sizing:
            # only what the user dragged is remembered, and for this file alone
            file = self.event_model.document.table.file
            self.settings.set_column_width(file, columns[column].key, new)

    def setSelectionModel(self, selection: QItemSelectionModel) -> None:
        super().setSelectionModel(selection)
        header_selection = getattr(self, "_header_selection", None)
        if header_selection is not None:  # QTableView gives the header the view's again
            self.horizontalHeader().setSelectionModel(header_selection)

    def selected_row_ids(self) -> list[RowId]:
        """The rows with a selected cell, in view order: from the selection's ranges (a
        selection of 10,000 rows is a handful of ranges, not 150,000 indexes)."""
        rows: set[int] = set()
        selection = self.selectionModel().selection()
        for number in range(selection.count()):
            span = selection.at(number)
            rows.update(range(span.top(), span.bottom() + 1))
        current = self.currentIndex()
        if not rows and current.isValid():
            rows = {current.row()}
        document = self.event_model.document
        return [document.row_at(r).row_id for r in sorted(rows)]

    def go_to(self, row_id: RowId, key: str, *, edit: bool = False) -> bool:
        """Make a cell current and visible; False when the row is not shown."""
        document = self.event_model.document
        view_row = document.view_row_of(row_id)
        column = document.column_of(key)
        if view_row is None or column is None:
            return False
        index = self.event_model.index(view_row, column)
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.setFocus()
        if edit:
            self.edit(index)
        return True
