"""The window's request quota: the status bar says what is left after a run, and a run that
needs more requests than are left today asks first."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from hubevents_gui.hubspot.sandbox import Sandbox, SandboxConfig
from hubevents_gui.ui.main_window import MainWindow
from tests.ui.conftest import load, run_all


def test_after_a_sandbox_run_the_status_bar_shows_the_sandbox_figures(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    label = window.run_status.quota
    assert label.objectName() == "quotaStatus"
    assert not label.isVisible()  # nothing known yet
    load(qtbot, window)
    run_all(qtbot, window)
    assert label.isVisible()
    assert re.fullmatch(
        r"Sandbox requests left: 249,99\d of 250,000 today, \d+ of 100 in this 10-second window",
        label.text(),
    ), label.text()
    assert "per day" in label.toolTip()
    assert "10-second window" in label.toolTip()
    qtbot.wait(50)  # the status bar lays the longer text out
    assert label.width() >= label.sizeHint().width()  # the whole sentence is shown
    window.statusBar().grab().save(str(tmp_path / "status-bar.png"))


def _short_of_requests(window: MainWindow, left: int) -> None:
    """The sandbox has said ``left`` requests remain today."""
    window.controller.quota.observe(
        {"x-hubspot-ratelimit-daily": "250000", "x-hubspot-ratelimit-daily-remaining": str(left)}
    )


def _answer_with(monkeypatch: pytest.MonkeyPatch, button: str, seen: list[str]) -> None:
    def exec_(box: QMessageBox) -> int:
        seen.append(f"{box.objectName()}: {box.text()}")
        choice = box.findChild(QPushButton, button)
        assert choice is not None
        choice.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)


def test_a_run_needing_more_than_is_left_today_asks_and_cancel_sends_nothing(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    controller = window.controller
    controller.connection.settings = replace(controller.connection.settings, batch_size=1)
    sandbox = controller.sandbox
    qtbot.waitUntil(lambda: bool(window.portal.text), timeout=10_000)  # the banner's check
    before = sandbox.requests
    _short_of_requests(window, 5)
    seen: list[str] = []
    _answer_with(monkeypatch, "quotaCancel", seen)
    window.running.upsert_all()
    assert seen == [
        "quotaShortfallBox: This run needs 23 requests but HubSpot allows only 5 more today "
        "(the daily count is shared by every app of the account; it starts again at midnight "
        "in the HubSpot account's time zone)."
    ]
    assert not controller.running
    assert sandbox.requests == before  # nothing sent


def test_send_anyway_sends(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(qtbot, window)
    controller = window.controller
    controller.sandbox = Sandbox(SandboxConfig(daily_limit=3))
    _short_of_requests(window, 0)
    seen: list[str] = []
    _answer_with(monkeypatch, "quotaSendAnyway", seen)
    report = run_all(qtbot, window)
    assert len(seen) == 1
    assert "needs 1 request but HubSpot allows only 0 more today" in seen[0]
    assert report.counts.created == 23  # type: ignore[attr-defined]


def test_a_stale_quota_is_read_again_off_the_gui_thread_before_the_run(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    controller = window.controller
    assert not controller.quota.snapshot().fresh()
    with (
        qtbot.waitSignal(controller.run_finished, timeout=20_000),
        qtbot.waitSignal(controller.quota_changed, timeout=10_000),
    ):
        window.running.upsert_all()
        assert not controller.running  # the run waits for the read, the window does not
    assert controller.quota.snapshot().fresh()


def test_connecting_reads_the_daily_usage_into_the_status_bar(
    qtbot: QtBot, window: MainWindow
) -> None:
    from hubevents_gui.hubspot.sandbox import SandboxServer
    from hubevents_gui.hubspot.settings import ConnectionSettings
    from hubevents_gui.ui.connection import Connection

    with SandboxServer(Sandbox()) as server:
        connection = Connection(
            sandbox=False,
            settings=ConnectionSettings(base_url=server.base_url),
            token="sandbox-token",
        )
        with qtbot.waitSignal(window.controller.quota_changed, timeout=10_000):
            window.controller.set_connection(connection, save_token=False)
        qtbot.waitUntil(lambda: bool(window.portal.text), timeout=10_000)
        # off the GUI thread: the usage, and the token check and account details that name
        # the portal in the banner
        assert server.sandbox.requests == 3
        assert "Acting on portal 12345678" in window.banner.text()
    text = window.run_status.quota.text()
    # the figures once the sandbox answers the usage endpoint; "unknown" and why until then
    assert text.startswith("HubSpot requests left: ")
    assert "today" in text or "unknown (HTTP 404 from the daily usage endpoint)" in text


def test_a_preview_counts_its_reads_in_the_status_bars_quota(
    qtbot: QtBot, window: MainWindow
) -> None:
    load(qtbot, window)
    label = window.run_status.quota
    assert not label.isVisible()  # nothing has been asked yet
    with qtbot.waitSignal(window.controller.reads.previewed, timeout=20_000):
        window.action("actionPreviewChanges").trigger()
    qtbot.waitUntil(label.isVisible, timeout=5_000)
    left = re.search(r"left: ([\d,]+) of 250,000 today", label.text())
    assert left is not None, label.text()
    assert int(left.group(1).replace(",", "")) < 250_000  # the reads were counted
