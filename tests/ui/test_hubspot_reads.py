"""The window against HubSpot's copy: Open from HubSpot, Preview Changes, Send Changes and the
property warnings. HubSpot's answers come from a small MockTransport shaped like the spec (the
list with appInfo, search, identifiers, properties); the upserts go to the in-process sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from hubevents_gui.core.rows import EventRow, RowStatus
from hubevents_gui.hubspot.wire import ECHO_FIELDS, to_input
from hubevents_gui.ui.columns import ColumnKind
from hubevents_gui.ui.main_window import MainWindow
from tests.ui.conftest import load

APP = "111"
OTHER = "222"


class FakeHubSpot:
    """HubSpot's read endpoints over a list of events; counts the requests."""

    def __init__(self, definitions: list[dict[str, Any]] | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.definitions = definitions or []
        self.requests = 0
        self.status = 200

    def add(self, body: dict[str, Any], object_id: str, app: str = APP) -> None:
        event = {k: body[k] for k in ECHO_FIELDS if k in body}
        event.update(
            objectId=object_id,
            externalEventId=body["externalEventId"],
            externalAccountId=body["externalAccountId"],
            customProperties=body.get("customProperties", []),
            appInfo={"id": app, "name": "hubevents" if app == APP else "Zoom"},
        )
        self.events.append(event)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        path = request.url.path
        if self.status != 200:
            return httpx.Response(
                self.status, json={"message": "nope", "category": "MISSING_SCOPES"}
            )
        if path.endswith("access-token-info"):
            return httpx.Response(200, json={"appId": int(APP)})
        if path.startswith("/crm/v3/properties"):
            return httpx.Response(200, json={"results": self.definitions})
        ids = [
            {"objectId": e["objectId"], "externalAccountId": e["externalAccountId"],
             "appId": e["appInfo"]["id"]}
            for e in self.events
        ]  # fmt: skip
        if path.endswith("/search"):
            return httpx.Response(200, json={"results": [i for i in ids if i["appId"] == APP]})
        if path.endswith("/identifiers"):
            wanted = path.split("/")[-2]
            found = [
                i for e, i in zip(self.events, ids, strict=True) if e["externalEventId"] == wanted
            ]
            return httpx.Response(200, json={"results": found})
        listed = [{k: v for k, v in e.items() if k != "externalAccountId"} for e in self.events]
        return httpx.Response(200, json={"results": listed})


def _inputs(window: MainWindow) -> list[tuple[EventRow, dict[str, Any]]]:
    valid, _ = window.controller.sendable()
    return [(row, to_input(row, window.document.zone)) for row in valid]


def _status(window: MainWindow, row: EventRow, kind: ColumnKind = ColumnKind.STATUS) -> Any:
    model = window.model
    column = next(i for i, c in enumerate(model.columns) if c.kind is kind)
    view_row = window.document.view_row_of(row.row_id)
    assert view_row is not None
    return model.index(view_row, column)


def _cell(window: MainWindow, row: EventRow, key: str) -> QModelIndex:
    column = window.document.column_of(key)
    view_row = window.document.view_row_of(row.row_id)
    assert column is not None
    assert view_row is not None
    return window.model.index(view_row, column)


def _portal(window: MainWindow) -> tuple[FakeHubSpot, list[EventRow]]:
    """HubSpot holding row 0 as it is, row 1 with another name, row 2 owned by another app;
    'region' defined with options the sample does not use, 'expected_attendees' not defined."""
    fake = FakeHubSpot(
        [{"name": "region", "label": "Region", "type": "enumeration", "fieldType": "select",
          "options": [{"value": "Atlantis"}]}]
    )  # fmt: skip
    inputs = _inputs(window)
    (same, same_body), (changed, changed_body), (taken, taken_body) = inputs[:3]
    fake.add(same_body, "9001")
    fake.add({**changed_body, "eventName": "The old name"}, "9002")
    fake.add(taken_body, "9003", app=OTHER)
    window.controller.reads.transport = fake.transport()
    return fake, [same, changed, taken]


def _preview(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.controller.reads.previewed, timeout=20_000):
        window.action("actionPreviewChanges").trigger()


def test_open_from_hubspot_fills_the_table_in_one_undo_step(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    fake, _rows = _portal(window)
    action = window.action("actionOpenFromHubSpot")
    assert action.objectName() == "actionOpenFromHubSpot"
    assert "HubSpot" in action.toolTip()
    with qtbot.waitSignal(window.controller.import_finished, timeout=20_000):
        action.trigger()
    document = window.document
    # this app's two events, not the other app's; no mapping dialog was needed
    assert len(document.rows) == 2
    assert "The old name" in [r.values["eventName"] for r in document.rows]
    assert window.windowTitle() == "HubSpot events[*] — hubevents"
    assert "Opened 2 events from HubSpot; 1 event of other apps left out" in (
        window.statusBar().currentMessage()
    )
    ModelTester(None).check(window.model)
    assert document.undo_stack.count() == 1
    document.undo()
    assert len(document.rows) == 25
    assert fake.requests >= 3


def test_open_from_hubspot_names_the_http_status_of_a_refusal(
    qtbot: QtBot, window: MainWindow, answered: list[str]
) -> None:
    fake = FakeHubSpot()
    fake.status = 403
    window.controller.reads.transport = fake.transport()
    with qtbot.waitSignal(window.controller.reads.failed, timeout=20_000):
        window.action("actionOpenFromHubSpot").trigger()
    assert "HTTP 403" in answered[-1]
    assert not window.controller.busy


def test_preview_marks_each_row_and_an_edit_clears_its_mark(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    load(qtbot, window)
    _fake, (same, changed, taken) = _portal(window)
    _preview(qtbot, window)
    assert _status(window, same).data() == "unchanged"
    assert _status(window, changed).data() == "would update"
    assert _status(window, taken).data() == "conflict"
    assert "Zoom already has an event" in _status(window, taken).data(Qt.ItemDataRole.ToolTipRole)
    others = [r for r in window.controller.sendable()[0] if r not in (same, changed, taken)]
    assert {_status(window, r).data() for r in others} == {"would create"}
    # the changed cell is highlighted, and its tooltip says what HubSpot holds
    name = _cell(window, changed, "eventName")
    assert name.data(Qt.ItemDataRole.BackgroundRole) == window.model.style.changed
    assert "HubSpot has 'The old name'" in name.data(Qt.ItemDataRole.ToolTipRole)
    assert _cell(window, same, "eventName").data(Qt.ItemDataRole.BackgroundRole) is None
    said = window.statusBar().currentMessage()
    assert "Preview: 20 would create, 1 would update, 1 unchanged, 1 conflict" in said
    assert "the preview cost 5 requests" in said
    ModelTester(None).check(window.model)
    assert window.grab().save(str(tmp_path / "preview.png"))
    # an edit: the row's mark goes, the others stay
    assert window.model.setData(name, "Another name")
    assert _status(window, changed).data() == "not yet sent"
    assert _status(window, same).data() == "unchanged"


def test_send_changes_sends_only_creates_and_updates(qtbot: QtBot, window: MainWindow) -> None:
    load(qtbot, window)
    _fake, (same, changed, taken) = _portal(window)
    with qtbot.waitSignal(window.controller.run_finished, timeout=30_000) as finished:
        window.action("actionSendChanges").trigger()  # previews first: there is none yet
    report: Any = finished.args[0]
    assert report.counts.created == 21  # 20 creates and the update (new to the sandbox)
    document = window.document
    assert document.status_of(same.row_id) is RowStatus.UNCHANGED
    assert "already holds this event" in document.outcomes[same.row_id].message
    assert document.status_of(taken.row_id) is RowStatus.NOT_SENT
    assert "Zoom already has an event" in document.outcomes[taken.row_id].message
    sandbox = window.controller.sandbox
    for row in (same, taken):
        assert sandbox.event(424242, "acme-events", str(row.values["externalEventId"])) is None
    assert document.status_of(changed.row_id) is RowStatus.CREATED


def test_preview_lists_property_warnings_and_the_rows_are_still_sent(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    _portal(window)
    _preview(qtbot, window)
    panel = window.issues_dock
    qtbot.waitUntil(lambda: panel.model.warnings > 0)
    texts = [panel.model.index(i).data() for i in range(panel.model.rowCount())]
    assert (
        "Warning: custom:expected_attendees: HubSpot has no marketing-event property "
        "'expected_attendees': its values would be dropped"
    ) in texts
    assert any("is not one of the options of HubSpot's property 'Region'" in t for t in texts)
    ModelTester(None).check(panel.model)
    # warnings are not errors: every valid row still counts as sendable
    assert len(window.controller.sendable()[0]) == 23
    assert window.controller.definitions is not None
    assert json.dumps(sorted(window.controller.definitions)) == '["region"]'
