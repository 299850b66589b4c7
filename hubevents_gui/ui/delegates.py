"""Cell editors: date-time with its time zone shown, event type as an editable choice.

Booleans need no editor: the model makes them check boxes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from hubevents_gui.core.fields import Field, Kind
from hubevents_gui.core.values import format_datetime
from hubevents_gui.ui.event_model import EventTableModel

Index = QModelIndex | QPersistentModelIndex
_FORMAT = "yyyy-MM-dd HH:mm"
_ICON = QSize(16, 16)
_ALIGN = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_TEXT_ROLE = QPalette.ColorRole.Text


def _features() -> dict[tuple[bool, bool, bool], QStyleOptionViewItem.ViewItemFeature]:
    feature = QStyleOptionViewItem.ViewItemFeature
    combos = {}
    for text in (False, True):
        for icon in (False, True):
            for check in (False, True):
                value = feature.None_
                if text:
                    value |= feature.HasDisplay
                if icon:
                    value |= feature.HasDecoration
                if check:
                    value |= feature.HasCheckIndicator
                combos[(text, icon, check)] = value
    return combos


#: (has text, has icon, has check box) -> the option's features
_FEATURES = _features()


class DateTimeEditor(QWidget):
    """A date-time spin box with a calendar, and the zone the value is read in beside it."""

    def __init__(self, zone_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dateTimeEditor")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(4)
        self.edit = QDateTimeEdit(self)
        self.edit.setObjectName("dateTimeEdit")
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(_FORMAT)
        self.zone = QLabel(zone_text, self)
        self.zone.setObjectName("dateTimeZone")
        self.zone.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.zone)
        # room for the whole date and time, and a background: the cell's own text must not
        # show through beside the editor
        self.edit.setMinimumWidth(self.edit.sizeHint().width())
        self.setAutoFillBackground(True)
        self.setFocusProxy(self.edit)
        self.offset_text = ""

    def set_value(self, value: Any, zone_name: str) -> None:
        if isinstance(value, datetime):
            self.edit.setDateTime(
                QDateTime(
                    value.year, value.month, value.day, value.hour, value.minute, value.second
                )
            )
            if value.tzinfo is not None:
                self.offset_text = format_datetime(value)[16:]  # "+01:00" or "Z"
                self.zone.setText(f"UTC{self.offset_text}" if self.offset_text != "Z" else "UTC")
                return
        else:
            self.edit.setDateTime(QDateTime.currentDateTime())
        self.offset_text = ""
        self.zone.setText(zone_name)

    def text(self) -> str:
        """The value as text the field table parses back (keeping an explicit offset)."""
        return self.edit.dateTime().toString(_FORMAT) + self.offset_text


class EventDelegate(QStyledItemDelegate):
    """Chooses the editor by the column's field kind."""

    def __init__(self, model: EventTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        """Fill the paint options from one model call (see EventTableModel.cell_view) rather
        than Qt's per-role data() calls; the style then draws as it always does. Enum values
        are combined once, at import: PySide's enum arithmetic costs microseconds a time."""
        if not index.isValid() or index.model() is not self.model:
            super().initStyleOption(option, index)
            return
        # the view's own index when it is one (a QPersistentModelIndex is not, for the option)
        row, column = index.row(), index.column()
        option.index = index if isinstance(index, QModelIndex) else self.model.index(row, column)
        text, icon, background, foreground, check = self.model.cell_view(row, column)
        option.displayAlignment = _ALIGN
        option.features = _FEATURES[(bool(text), icon is not None, check is not None)]
        if text:
            option.text = text
        if icon is not None:
            option.icon = icon
            option.decorationSize = _ICON
        if check is not None:
            option.checkState = check
        if background is not None:
            option.backgroundBrush = background
        if foreground is not None:
            option.palette.setBrush(_TEXT_ROLE, foreground)

    def _field(self, index: Index) -> Field | None:
        return self.model.columns[index.column()].field

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        field = self._field(index)
        if field is not None and field.kind is Kind.DATETIME:
            value = self.model.document.row_at(index.row()).cell(field.key)
            if value is None or isinstance(value, datetime):
                return DateTimeEditor(self.model.document.zone.key, parent)
        if field is not None and field.choices:
            combo = QComboBox(parent)
            combo.setObjectName("choiceEditor")
            combo.setEditable(True)
            combo.addItems(field.choices)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            return combo
        editor = super().createEditor(parent, option, index)
        editor.setObjectName("textEditor")
        return editor

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        super().updateEditorGeometry(editor, option, index)
        if isinstance(editor, DateTimeEditor):
            # the date, the time and the zone need more room than a narrow column has: the
            # editor grows past the cell rather than cutting the minutes off
            rect = editor.geometry()
            rect.setWidth(max(rect.width(), editor.sizeHint().width()))
            editor.setGeometry(rect)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, DateTimeEditor):
            field = self._field(index)
            assert field is not None
            document = self.model.document
            editor.set_value(document.row_at(index.row()).cell(field.key), document.zone.key)
        elif isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, DateTimeEditor):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)
