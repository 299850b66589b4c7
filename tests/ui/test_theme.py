"""View > Theme: Light and Dark repaint the whole window from the status style's palettes (the
sandbox banner included), the choice is remembered, System gives the desktop's look back; and
every text is readable on every colour it is drawn on (contrast at least 4.5:1, WCAG AA)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QApplication

from hubevents_gui.core.rows import RowStatus
from hubevents_gui.ui import status_style
from hubevents_gui.ui.main_window import MainWindow
from hubevents_gui.ui.settings import AppSettings
from tests.ui.conftest import OpenWindow, load


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(text: str, background: str) -> float:
    light, dark = sorted((_luminance(text), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_on_every_row_and_note_colour_is_readable(dark: bool) -> None:
    base = status_style.BASE_DARK if dark else status_style.BASE_LIGHT
    swatches = status_style.DARK if dark else status_style.LIGHT
    text, read_only = (
        base["Text"],
        (status_style.READ_ONLY_DARK if dark else status_style.READ_ONLY_LIGHT),
    )
    cells = {
        "invalid": status_style.INVALID_DARK if dark else status_style.INVALID_LIGHT,
        "changed": status_style.CHANGED_DARK if dark else status_style.CHANGED_LIGHT,
        "dropped": status_style.DROPPED_DARK if dark else status_style.DROPPED_LIGHT,
        "table": base["Base"],
        "alternate": base["AlternateBase"],
    }
    backgrounds = {
        status.value: swatch.background or base["Base"] for status, swatch in swatches.items()
    }
    for name, background in {**backgrounds, **cells}.items():
        assert contrast(text, background) >= 4.5, name
        assert contrast(read_only, background) >= 4.5, f"read-only text on {name}"
    assert contrast(base["HighlightedText"], base["Highlight"]) >= 4.5  # selected rows
    assert contrast(base["WindowText"], base["Window"]) >= 4.5
    notes = status_style.NOTES_DARK if dark else status_style.NOTES_LIGHT
    for kind, (background, colour) in notes.items():
        assert contrast(colour, background or base["Window"]) >= 4.5, kind
    assert set(swatches) == set(RowStatus)  # no status without its colours


def _window_colour() -> str:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return str(app.palette().color(QPalette.ColorRole.Window).name())


def _dark(window: MainWindow) -> bool:
    return window.model.style.dark


def _saved(settings: AppSettings) -> str:
    return settings.theme


def _choose(window: MainWindow, name: str) -> None:
    action = window.findChild(QAction, name)
    assert action is not None, name
    action.trigger()


def test_dark_repaints_the_window_and_is_remembered(
    qtbot: object, open_window: OpenWindow, settings: AppSettings
) -> None:
    window: MainWindow = open_window()
    load(qtbot, window)  # type: ignore[arg-type]
    system = _window_colour()
    _choose(window, "actionThemeDark")
    try:
        assert _window_colour() == status_style.BASE_DARK["Window"]
        assert _dark(window)
        assert window.issues_dock.model.style.dark
        sandbox_dark = status_style.NOTES_DARK["sandbox"][0]
        assert sandbox_dark in window.banner.styleSheet()  # no cream banner on a dark window
        assert _saved(settings) == "dark"
        _choose(window, "actionThemeLight")
        assert _window_colour() == status_style.BASE_LIGHT["Window"]
        assert not _dark(window)
        assert status_style.NOTES_LIGHT["sandbox"][0] in window.banner.styleSheet()
    finally:
        _choose(window, "actionThemeSystem")
    assert _window_colour() == system
    assert _saved(settings) == "system"


def test_a_window_opens_in_the_remembered_theme(
    open_window: OpenWindow, settings: AppSettings
) -> None:
    settings.theme = "dark"
    try:
        window = open_window()
        assert _window_colour() == status_style.BASE_DARK["Window"]
        assert window.model.style.dark
    finally:
        settings.theme = "system"
        open_window()  # the next window goes back to the desktop's look
    assert _window_colour() != status_style.BASE_DARK["Window"]
