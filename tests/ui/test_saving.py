"""Saving results from the window: never over the opened file unasked, a backup before results
are added to the workbook itself, and a failed save that says where the outcomes went."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from hubevents_gui.core.paths import data_dir
from hubevents_gui.ui.main_window import MainWindow
from tests.ui.conftest import SAMPLE, load, run_all


def choose(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> list[str]:
    """The file dialog answers ``path`` (None: cancelled); the titles it was opened with."""
    asked: list[str] = []

    def dialog(_parent: object, title: str, *_args: object, **_kwargs: object) -> tuple[str, str]:
        asked.append(title)
        return (str(path) if path else "", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return asked


def test_adding_results_to_the_workbook_itself_keeps_a_backup(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Path(shutil.copy(SAMPLE, tmp_path / "events.xlsx"))
    before = source.read_bytes()
    load(qtbot, window, source)
    run_all(qtbot, window)
    choose(monkeypatch, source)
    with qtbot.waitSignal(window.controller.results_saved, timeout=10_000):
        window.saving.add_to_source()
    (backup,) = tmp_path.glob("events (before results *).xlsx")
    assert backup.read_bytes() == before
    assert load_workbook(source)["Events"].cell(1, 16).value == "Status"
    assert backup.name in window.statusBar().currentMessage()


def test_save_never_writes_over_the_opened_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Path(shutil.copy(SAMPLE, tmp_path / "events.xlsx"))
    before = source.read_bytes()
    load(qtbot, window, source)
    window.saving.path = tmp_path / "." / "events.xlsx"  # results saved there, then opened
    asked = choose(monkeypatch, None)
    assert not window.saving.save(wait=True)
    assert asked == ["Save results"]  # Save asks where instead
    assert source.read_bytes() == before


def test_a_failed_save_names_the_file_the_outcomes_went_to(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, answered: list[str]
) -> None:
    load(qtbot, window)
    run_all(qtbot, window)
    assert not window.saving.save_to(tmp_path / "gone" / "results.xlsx", wait=True)
    message = answered[-1]
    assert message.startswith("'results.xlsx' cannot be written")
    fallback = Path(message.rpartition("every row's outcome is saved in ")[2])
    assert fallback.parent == data_dir() / "unsaved-results"
    assert "created" in fallback.read_text(encoding="utf-8-sig")
