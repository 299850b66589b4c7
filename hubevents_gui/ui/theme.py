"""View > Theme: System (the desktop's own look), Light or Dark (Fusion with the palettes of
ui.status_style). The choice is remembered; widgets that paint with the status style's colours
rebuild them when the application's palette changes (see MainWindow.changeEvent)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from hubevents_gui.ui.status_style import base_palette


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


#: the menu's words for each theme
TITLES = {Theme.SYSTEM: "&System", Theme.LIGHT: "&Light", Theme.DARK: "&Dark"}


class Themes:
    """Applies a theme to the application, keeping the desktop's own style and palette to go
    back to (System)."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.system_style = app.style().name()
        self.system_palette = QPalette(app.palette())
        self.current = Theme.SYSTEM

    def apply(self, theme: Theme) -> None:
        app = self.app
        if theme is Theme.SYSTEM:
            if app.style().name().lower() != self.system_style.lower():
                app.setStyle(QStyleFactory.create(self.system_style))
            app.setPalette(self.system_palette)
        else:
            if app.style().name().lower() != "fusion":
                app.setStyle(QStyleFactory.create("Fusion"))  # follows the palette fully
            app.setPalette(base_palette(dark=theme is Theme.DARK))
        self.current = theme


def theme_named(name: str) -> Theme:
    """A remembered choice, or System for anything else."""
    try:
        return Theme(name)
    except ValueError:
        return Theme.SYSTEM


_THEMES: Themes | None = None


def themes() -> Themes:
    """The application's one Themes, made with the first window (before any theme applied)."""
    global _THEMES
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if _THEMES is None or _THEMES.app is not app:
        _THEMES = Themes(app)
    return _THEMES
