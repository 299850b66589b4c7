"""Icons: the application's own (the window, the About box), and the toolbar's, from the
desktop's icon theme where it has one, else the small SVGs drawn for the app and shipped in
the package (resources/icons/actions)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from hubevents_gui.core.package_data import ICON_SIZES, icon_path, resource


@cache
def app_icon() -> QIcon:
    """hubevents' icon at every size it is drawn at, and its SVG for the others."""
    icon = QIcon(str(icon_path()))
    for size in ICON_SIZES:
        icon.addFile(str(icon_path(size)))
    return icon


@cache
def shipped_icon(name: str) -> QIcon:
    """The package's own ``name``.svg."""
    return QIcon(str(resource("icons", "actions", f"{name}.svg")))


@cache
def action_icon(theme: str, shipped: str) -> QIcon:
    """The theme's ``theme`` icon (freedesktop name), or the shipped ``shipped``.svg."""
    return QIcon.fromTheme(theme, shipped_icon(shipped))
