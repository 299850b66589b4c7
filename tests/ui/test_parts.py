"""The window's smaller parts on their own: settings, the status style, the delegate's editors,
the connection check that gets a page instead of JSON, and storage failures made visible."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyleOptionViewItem, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from hubevents_gui.core.journal import Journal
from hubevents_gui.core.rows import RowStatus
from hubevents_gui.hubspot.settings import HUBSPOT_URL, ConnectionSettings
from hubevents_gui.ui.delegates import DateTimeEditor
from hubevents_gui.ui.dialogs.connection_dialog import ConnectionDialog
from hubevents_gui.ui.main_window import MainWindow
from hubevents_gui.ui.settings import AppSettings
from hubevents_gui.ui.status_style import DARK, LIGHT, NOTES_DARK, NOTES_LIGHT, StatusStyle
from tests.ui.conftest import load


def test_settings_keep_the_connection_and_clamp_what_is_out_of_range(tmp_path: Path) -> None:
    settings = AppSettings(tmp_path / "s.ini")
    assert settings.connection == ConnectionSettings(base_url=HUBSPOT_URL)
    settings.connection = ConnectionSettings(
        base_url="https://eu1.example", api_version="2026-03", batch_size=50, concurrency=2
    )
    settings.sync()
    again = AppSettings(tmp_path / "s.ini")
    assert again.connection.base_url == "https://eu1.example"
    assert (again.connection.batch_size, again.connection.concurrency) == (50, 2)
    again.connection = ConnectionSettings(batch_size=5000, concurrency=0)
    assert (again.connection.batch_size, again.connection.concurrency) == (100, 1)


def test_settings_remember_recent_files_widths_and_mappings(tmp_path: Path) -> None:
    settings = AppSettings(tmp_path / "s.ini")
    for n in range(12):
        settings.add_recent(tmp_path / f"f{n}.xlsx")
    settings.add_recent(tmp_path / "f5.xlsx")
    assert settings.recent_files[0].endswith("f5.xlsx")
    assert len(settings.recent_files) == 8
    assert len(set(settings.recent_files)) == 8
    settings.set_column_width(tmp_path / "a.xlsx", "eventName", 222)
    assert settings.column_width(tmp_path / "a.xlsx", "eventName") == 222
    assert settings.column_width(tmp_path / "a.xlsx", "eventUrl") is None
    assert settings.column_width(tmp_path / "b.xlsx", "eventName") is None  # another file
    headers = ["Acct", "Key"]
    assert settings.mapping_for(headers) is None
    settings.remember_mapping(headers, ["externalAccountId", None])
    assert settings.mapping_for(headers) == ["externalAccountId", None]


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("dark", [False, True])
def test_every_status_has_its_own_icon_and_colours_in_both_palettes(dark: bool) -> None:
    style = StatusStyle(dark=dark)
    swatches = DARK if dark else LIGHT
    assert set(style.icons) == set(RowStatus)
    images = {status: icon.pixmap(16, 16).toImage() for status, icon in style.icons.items()}
    assert len({bytes(image.constBits()) for image in images.values()}) == len(RowStatus)
    assert style.backgrounds[RowStatus.NEW] is None  # a new row keeps the table's own colour
    failed = style.backgrounds[RowStatus.FAILED]
    assert failed is not None
    assert failed.color().name() == swatches[RowStatus.FAILED].background
    notes = NOTES_DARK if dark else NOTES_LIGHT
    assert notes["sandbox"][0] in style.note_css("sandbox")
    assert notes["error"][1] in style.note_css("error")


@pytest.mark.usefixtures("qapp")
def test_the_date_editor_shows_the_zone_and_keeps_an_explicit_offset() -> None:
    from datetime import timedelta, timezone

    editor = DateTimeEditor("Europe/Berlin")
    editor.set_value(datetime(2026, 3, 4, 9, 30), "Europe/Berlin")
    assert editor.zone.text() == "Europe/Berlin"
    assert editor.text() == "2026-03-04 09:30"
    editor.set_value(datetime(2026, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=-5))), "X")
    assert editor.zone.text() == "UTC-05:00"
    assert editor.text() == "2026-03-04 09:30-05:00"


def test_the_delegate_gives_each_kind_of_column_its_editor(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    delegate = window.table.itemDelegate()
    document = window.document
    parent = QWidget()
    qtbot.addWidget(parent)

    def editor_for(key: str) -> QWidget:
        column = document.column_of(key)
        assert column is not None
        index = window.model.index(0, column)
        return delegate.createEditor(parent, QStyleOptionViewItem(), index)

    assert isinstance(editor_for("startDateTime"), DateTimeEditor)
    choice = editor_for("eventType")
    assert isinstance(choice, QComboBox)
    assert choice.isEditable()
    assert isinstance(editor_for("eventName"), QLineEdit)
    # what the editor holds goes back through the field table
    column = document.column_of("eventType")
    assert column is not None
    index = window.model.index(0, column)
    choice.setCurrentText("  CONFERENCE  ")
    delegate.setModelData(choice, window.model, index)
    assert document.row_at(0).values["eventType"] == "CONFERENCE"


class _Page(BaseHTTPRequestHandler):
    """A captive portal or a wrong base URL: 200, and a web page instead of JSON."""

    delay = 0.0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        threading.Event().wait(self.delay)
        body = b"<html><body>Please sign in</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return None


@pytest.fixture
def page_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def checking_dialog(
    qtbot: QtBot, window: MainWindow, base_url: str, token: str
) -> ConnectionDialog:
    """The connection dialog, HubSpot chosen at ``base_url``, Test connection clicked."""
    dialog = ConnectionDialog(window.controller, parent=window)
    qtbot.addWidget(dialog)
    dialog.hubspot.setChecked(True)
    dialog.base_url.setText(base_url)
    dialog.token.setText(token)
    dialog.test.click()
    return dialog


def test_a_page_instead_of_token_info_ends_the_check_with_a_message(
    qtbot: QtBot, window: MainWindow, page_server: str
) -> None:
    dialog = checking_dialog(qtbot, window, page_server, "pat-na1-whatever")
    qtbot.waitUntil(lambda: "Not connected" in dialog.result_label.text(), timeout=10_000)
    assert "not HubSpot's token information" in dialog.result_label.text()
    assert dialog.test.isEnabled()
    assert "pat-na1-whatever" not in dialog.result_label.text()


def test_closing_the_dialog_never_waits_for_a_check(
    qtbot: QtBot, window: MainWindow, page_server: str
) -> None:
    _Page.delay = 2.0
    try:
        dialog = checking_dialog(qtbot, window, page_server, "pat-na1-slow")
        checking = [t for t in threading.enumerate() if t.name == "hubevents-check-token"]
        dialog.reject()
        assert not dialog.isVisible()
        assert checking
        assert checking[0].is_alive()  # closed while the check was still waiting
        checking[0].join(10)
    finally:
        _Page.delay = 0.0


def test_a_journal_that_cannot_be_written_is_said_in_the_status_bar(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    autosaver = window.autosaver
    assert autosaver is not None
    autosaver.journal.close()
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    # the journal's writer thread reports; the window hears it on the GUI thread
    autosaver.journal = Journal(blocker / "session.sqlite", on_error=autosaver.failed.emit)
    load(qtbot, window)
    autosaver.save_changes()
    warning = window.run_status.storage
    qtbot.waitUntil(warning.isVisible, timeout=5_000)
    assert "Autosave" in warning.text()
    assert "session.sqlite" in warning.toolTip()  # and why, in the user's words


def test_edits_made_while_results_are_written_stay_unsaved(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    load(qtbot, window)
    window.setWindowModified(True)
    name = window.document.column_of("eventName")
    assert name is not None
    with qtbot.waitSignal(window.controller.results_saved, timeout=10_000):
        window.saving.save_to(tmp_path / "results.xlsx")
        # the file is written from a snapshot taken just now: this edit is not in it
        window.model.setData(window.model.index(0, name), "Edited while saving")
    assert (tmp_path / "results.xlsx").exists()
    assert window.isWindowModified()  # closing will still ask, and the journal keeps it
    assert "not saved yet" in window.statusBar().currentMessage()


def test_an_undo_that_does_not_say_what_it_touches_is_refused_during_a_run(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtGui import QUndoCommand

    load(qtbot, window)
    document = window.document
    document.undo_stack.push(QUndoCommand("Something unknown"))
    document.mark([document.row_at(0).row_id], RowStatus.SENDING, lock=True)
    assert document.undo() is not None
    assert document.undo_stack.canUndo()  # nothing was undone
    document.mark([document.row_at(0).row_id], RowStatus.NEW, lock=False)
    assert document.undo() is None


def test_the_issues_and_run_row_models_pass_qts_model_tester(
    qtbot: QtBot, window: MainWindow, qtmodeltester: ModelTester
) -> None:
    from hubevents_gui.core.history import RunRow
    from hubevents_gui.ui.dialogs.history_dialog import RunRowsModel

    load(qtbot, window)
    issues = window.issues_dock.model
    qtbot.waitUntil(lambda: issues.rowCount() == 2)
    qtmodeltester.check(issues, force_py=True)
    rows = [
        RunRow(1, 2, 0, {"externalEventId": "E1", "eventName": "A"}, "created", "9", "", None, 1.0)
    ]
    qtmodeltester.check(RunRowsModel(rows), force_py=True)


def test_the_date_editor_never_cuts_off_the_minutes_in_a_narrow_column(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    column = window.document.column_of("startDateTime")
    assert column is not None
    window.table.setColumnWidth(column, 90)
    index = window.model.index(2, column)
    window.table.setCurrentIndex(index)
    window.table.edit(index)
    editor = window.table.findChild(DateTimeEditor)
    assert editor is not None
    qtbot.waitUntil(editor.isVisible)
    # the spin box is as wide as its whole text needs, and the editor grew past the cell
    assert editor.edit.width() >= editor.edit.sizeHint().width()
    assert editor.width() > 90
    assert editor.edit.text().endswith(":00")  # 2026-04-21 09:00, minutes and all


def test_the_utc_preview_follows_an_edit_of_the_current_cell(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    column = window.document.column_of("startDateTime")
    assert column is not None
    index = window.model.index(0, column)
    window.table.setCurrentIndex(index)
    before = window.run_status.preview.text()
    assert "sent as" in before
    window.model.setData(index, "2026-03-10 18:45")
    after = window.run_status.preview.text()
    assert after != before
    assert ":45:00.000Z" in after  # the time as edited, not as it was


def test_another_file_gets_its_own_widths_and_no_sort_arrow(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from tests.helpers import HEADER, write_xlsx

    load(qtbot, window)
    table, header = window.table, window.table.horizontalHeader()
    start = window.document.column_of("startDateTime")
    name = window.document.column_of("eventName")
    assert start is not None
    assert name is not None
    header.resizeSection(name, 333)  # the user widens a column of the sample
    table.sortByColumn(name, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == name
    offsets = write_xlsx(
        tmp_path / "offsets.xlsx",
        [
            [*HEADER, "Start"],
            ["acme", "1", "Launch", "Acme", "2026-05-19T10:00:00.000+09:00"],
        ],
    )
    load(qtbot, window, offsets)
    start = window.document.column_of("startDateTime")
    name = window.document.column_of("eventName")
    assert start is not None
    assert name is not None
    assert header.sortIndicatorSection() == -1  # the new file is in its own order
    assert header.sectionSize(name) != 333  # the sample's width stays with the sample
    shown = str(window.model.index(0, start).data())
    assert header.sectionSize(start) >= table.fontMetrics().horizontalAdvance(shown)
    load(qtbot, window)
    name = window.document.column_of("eventName")
    assert name is not None
    assert header.sectionSize(name) == 333  # and comes back with it


def test_long_status_labels_give_way_to_the_status_bar_message(window: MainWindow) -> None:
    """The quota and the UTC preview are capped in width and end in "…" when cut, their
    whole text in their tooltip: the run's summary beside them keeps its room."""
    preview = window.run_status.preview
    long = "Start sent as 2026-03-10T15:00:00.000Z (read in America/Argentina/ComodRivadavia)"
    preview.setText(long)
    chars = preview.fontMetrics().averageCharWidth()
    assert preview.sizeHint().width() <= 55 * chars
    assert preview.fontMetrics().horizontalAdvance(long) > 55 * chars  # so it is cut
    assert preview.toolTip().startswith(long)
    assert "current cell" in preview.toolTip()
    window.run_status.set_quota("Requests left: " + "9" * 80, "12:00")
    quota = window.run_status.quota
    assert quota.sizeHint().width() <= 50 * chars
    assert quota.toolTip().startswith("Requests left: 999")
    assert "per day" in quota.toolTip()


def test_selected_rows_are_every_row_with_a_selected_cell_in_view_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    load(qtbot, window)
    model, table = window.model, window.table
    last = model.columnCount() - 1
    selection = QItemSelection(model.index(2, 0), model.index(4, last))  # rows 2-4, whole
    selection.select(model.index(7, 3), model.index(7, 3))  # one cell of row 7
    selection.select(model.index(3, 1), model.index(3, 1))  # overlapping: row 3 once
    table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    document = window.document
    assert table.selected_row_ids() == [document.row_at(r).row_id for r in (2, 3, 4, 7)]
    table.selectionModel().clearSelection()
    table.setCurrentIndex(model.index(5, 2))
    table.selectionModel().clearSelection()
    assert table.selected_row_ids() == [document.row_at(5).row_id]  # the current cell's row


def test_a_long_status_message_ends_in_an_ellipsis_not_mid_word(
    qtbot: QtBot, window: MainWindow
) -> None:
    from hubevents_gui.ui.run_status import StatusBar

    load(qtbot, window)
    window.resize(760, 600)
    bar = window.statusBar()
    assert isinstance(bar, StatusBar)
    message = (
        "20 created, 0 updated, 0 failed, 0 not sent in 0.3 s (1 request). 16 rows had custom "
        "properties dropped by HubSpot: create them in HubSpot, then send those rows again."
    )
    bar.showMessage(message)
    qtbot.wait(50)
    shown = bar.shown_message()
    assert shown.endswith("…")
    assert message.startswith(shown[:-1])
    assert bar.currentMessage() == message  # the whole of it, for the code and the tooltip
    assert bar.toolTip() == message
    window.resize(2400, 600)
    qtbot.wait(50)
    assert bar.shown_message() == message  # room enough: all of it


def test_painting_the_column_headers_does_not_ask_about_every_selected_row(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Qt's header asks the selection, per section painted, whether each row of its column is
    selected: with thousands of rows selected that was half a second a paint, every paint."""
    from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint

    from hubevents_gui.ui.event_model import EventTableModel
    from tests.helpers import HEADER, write_xlsx

    rows = [[f"a-{n}", f"E-{n}", f"Event {n}", "Acme"] for n in range(3000)]
    load(qtbot, window, write_xlsx(tmp_path / "big.xlsx", [HEADER, *rows]))
    model, table = window.model, window.table
    chosen = QItemSelection(model.index(0, 0), model.index(2999, model.columnCount() - 1))
    table.selectionModel().select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    asked = [0]
    flags = EventTableModel.flags

    def counting(self: EventTableModel, index: object) -> object:
        asked[0] += 1
        return flags(self, index)  # type: ignore[arg-type]

    monkeypatch.setattr(EventTableModel, "flags", counting)
    table.horizontalHeader().viewport().repaint()
    assert asked[0] < 3000  # not a question per selected row and column (36,000 were asked)
    assert len(table.selected_row_ids()) == 3000  # the table's own selection is intact
    # a click on a header still sorts
    name = window.document.column_of("eventName")
    assert name is not None
    header = table.horizontalHeader()
    spot = QPoint(header.sectionViewportPosition(name) + header.sectionSize(name) // 2, 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: not window.document.sorting)
    assert window.document.order.sort is not None
