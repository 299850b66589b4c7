"""Accessibility: every action and every input a keyboard reaches has a name a screen reader
says and a description (a widget's own, or its tooltip), in the window and in its dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.sheets import guess_mapping, open_sheet
from hubevents_gui.ui.dialogs.about_dialog import AboutDialog
from hubevents_gui.ui.dialogs.connection_dialog import ConnectionDialog
from hubevents_gui.ui.dialogs.event_choice_dialog import EventChoiceDialog
from hubevents_gui.ui.dialogs.guide_dialog import GuideDialog
from hubevents_gui.ui.dialogs.history_dialog import RunDialog
from hubevents_gui.ui.dialogs.mapping_dialog import MappingDialog
from hubevents_gui.ui.main_window import MainWindow
from tests.ui.conftest import SAMPLE, OpenWindow, load

_INPUTS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractItemView,
    QAbstractSpinBox,
    QTabBar,
    QTextEdit,
    QPlainTextEdit,
)


def _ours(widget: QWidget) -> bool:
    """A widget the app made (not the scroll buttons and corner of Qt's own composites, nor a
    combo box's popup list, which Qt names from its box)."""
    if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
        return False
    if widget.objectName() in ("ScrollLeftButton", "ScrollRightButton"):
        return False
    parent = widget.parentWidget()
    if isinstance(widget, QTabBar) and isinstance(parent, QMainWindow):
        return False  # the tabs Qt makes for docks put together, named by the docks' titles
    while parent is not None:
        if isinstance(parent, QComboBox):
            return False
        parent = parent.parentWidget()
    return widget.focusPolicy() != Qt.FocusPolicy.NoFocus or isinstance(widget, QTabBar)


def _unnamed(top: QWidget) -> list[str]:
    missing = []
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, _INPUTS) or not _ours(widget):
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        name = widget.accessibleName() or (face.text(QAccessible.Text.Name) if face else "")
        description = widget.accessibleDescription() or widget.toolTip()
        what = f"{type(widget).__name__} {widget.objectName() or '(no objectName)'}"
        if not name.strip():
            missing.append(f"{what}: no accessible name")
        if not description.strip():
            missing.append(f"{what} ({name}): no description")
    return missing


def _actions(menus: list[QMenu]) -> list[QAction]:
    found = []
    for menu in menus:
        for action in menu.actions():
            if action.isSeparator():
                continue
            found.append(action)
            if action.menu() is not None:
                found.extend(_actions([action.menu()]))  # type: ignore[list-item]
    return found


def _undescribed_actions(window: MainWindow) -> list[str]:
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    actions = _actions(menus) + [a for a in window.toolbar.actions() if a.text()]  # type: ignore[arg-type]
    missing = []
    for action in actions:
        if not action.text().replace("&", "").strip():
            missing.append(f"action {action.objectName()}: no text")
        elif not (action.statusTip() or action.toolTip()).strip():
            missing.append(f"action {action.objectName()} ({action.text()}): no description")
    return missing


def test_every_input_and_action_of_the_window_is_named_and_described(
    qtbot: QtBot, open_window: OpenWindow
) -> None:
    window = open_window()
    assert _unnamed(window) == []  # empty, as it opens
    load(qtbot, window)
    window.tabs.setCurrentIndex(1)
    assert _unnamed(window) == []
    assert _undescribed_actions(window) == []


def test_the_tables_are_named_for_what_they_hold(open_window: OpenWindow) -> None:
    window = open_window()
    names = [pane.table.accessibleName() for pane in window.panes]
    assert names == ["Events", "Attendees"]


def test_the_dialogs_inputs_are_named_and_described(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    connection = ConnectionDialog(window.controller, parent=window)
    qtbot.addWidget(connection)
    assert _unnamed(connection) == []
    raw = open_sheet(SAMPLE)
    mapping = MappingDialog(raw, guess_mapping(raw.headers), raw.peek(3), None)
    qtbot.addWidget(mapping)
    assert _unnamed(mapping) == []
    choice = EventChoiceDialog([], {}, window)
    qtbot.addWidget(choice)
    assert _unnamed(choice) == []
    history = window.controller.history
    run = history.start_run("sandbox", str(SAMPLE), "Events", [(RowId(0), 2, 0, {})])
    history.record_outcomes(run, [Outcome(RowId(0), RowStatus.CREATED, hubspot_id="1")])
    history.flush()
    rows = RunDialog(history, history.runs()[0], window)
    qtbot.addWidget(rows)
    assert _unnamed(rows) == []
    about = AboutDialog(window)
    qtbot.addWidget(about)
    assert _unnamed(about) == []
    guide = GuideDialog(window)
    qtbot.addWidget(guide)
    assert _unnamed(guide) == []
