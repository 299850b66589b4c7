"""A custom property HubSpot drops (the account does not define it): after a run the window marks
the cell with a warning icon and a tooltip saying why, and says it in the run's summary; an edit
of the cell, or a new send, takes the mark away."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from hubevents_gui.core.journal import read_journal
from hubevents_gui.core.rows import RowStatus
from hubevents_gui.hubspot.sandbox import Sandbox, SandboxConfig
from hubevents_gui.ui.main_window import MainWindow
from hubevents_gui.ui.recovery import restore_session
from tests.helpers import HEADER, write_xlsx
from tests.ui.conftest import OpenWindow, load, run_all

TOOLTIP = Qt.ItemDataRole.ToolTipRole
DECORATION = Qt.ItemDataRole.DecorationRole


def cell(window: MainWindow, view_row: int, key: str) -> QModelIndex:
    column = window.document.column_of(key)
    assert column is not None
    return window.model.index(view_row, column)


def test_a_dropped_property_is_marked_in_its_cell_until_the_cell_is_edited(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "tagged.xlsx",
        [
            [*HEADER, "custom:region", "custom:legacy_tag"],
            ["a", 1, "Launch", "Acme", "EMEA", "old"],
            ["a", 2, "Webinar", "Acme", "APAC", ""],
        ],
    )
    window.controller.sandbox = Sandbox(SandboxConfig(properties=frozenset({"region"})))
    load(qtbot, window, path)
    report = run_all(qtbot, window)
    model = window.model
    tagged, region = cell(window, 0, "custom:legacy_tag"), cell(window, 0, "custom:region")
    status, message = cell(window, 0, "status"), cell(window, 0, "message")

    assert status.data() == "created"
    assert message.data() == "HubSpot dropped custom properties: legacy_tag"
    tip = tagged.data(TOOLTIP)
    warning = model.style.warning_icon.cacheKey()
    assert "HubSpot dropped this value" in tip
    assert "no marketing-event property 'legacy_tag'" in tip
    assert tagged.data(DECORATION).cacheKey() == warning
    # the property the account has, and the row that sent no tag, are not marked
    assert region.data(TOOLTIP) is None
    assert region.data(DECORATION) is None
    assert cell(window, 1, "custom:legacy_tag").data(DECORATION) is None
    said = window.statusBar().currentMessage()
    assert (
        "1 row had custom properties dropped by HubSpot (not defined on the account): legacy_tag"
        in said
    )
    assert report.dropped_rows == 1  # type: ignore[attr-defined]

    assert model.setData(tagged, "new tag")
    assert window.document.status_of(window.document.rows[0].row_id) is RowStatus.EDITED
    assert tagged.data(TOOLTIP) is None
    assert tagged.data(DECORATION) is None


def test_a_row_sent_again_loses_the_mark_once_hubspot_keeps_the_property(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "tagged.xlsx",
        [[*HEADER, "custom:legacy_tag"], ["a", 1, "Launch", "Acme", "old"]],
    )
    window.controller.sandbox = Sandbox(SandboxConfig(properties=frozenset()))
    load(qtbot, window, path)
    run_all(qtbot, window)
    tagged = cell(window, 0, "custom:legacy_tag")
    warning = window.model.style.warning_icon.cacheKey()
    assert tagged.data(DECORATION).cacheKey() == warning
    # the property is defined on the account now: the next answer echoes it
    window.controller.sandbox.config.properties = frozenset({"legacy_tag"})
    run_all(qtbot, window)
    assert cell(window, 0, "status").data() == "updated"
    assert tagged.data(DECORATION) is None
    assert tagged.data(TOOLTIP) is None
    assert cell(window, 0, "message").data() == ""


def test_the_mark_survives_a_restart_through_the_autosaved_session(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "tagged.xlsx",
        [[*HEADER, "custom:legacy_tag"], ["a", 1, "Launch", "Acme", "old"]],
    )
    window = open_window()
    window.controller.sandbox = Sandbox(SandboxConfig(properties=frozenset()))
    load(qtbot, window, path)
    run_all(qtbot, window)
    assert window.autosaver is not None
    window.autosaver.flush()
    session = read_journal(window.autosaver.path)
    assert session is not None

    later = open_window()
    restore_session(later.document, session)
    tagged = cell(later, 0, "custom:legacy_tag")
    assert "no marketing-event property 'legacy_tag'" in tagged.data(TOOLTIP)
    assert tagged.data(DECORATION).cacheKey() == later.model.style.warning_icon.cacheKey()
    assert cell(later, 0, "message").data() == "HubSpot dropped custom properties: legacy_tag"
