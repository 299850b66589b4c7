"""Icons: the application's own (the window, the About box), and the toolbar's, from the
desktop's icon theme where it has one, else the small SVGs drawn for the app and shipped in
the package (resources/icons/actions)."""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtGui import QIcon

from hubevents_gui.core.package_data import ICON_SIZES, icon_path, resource

log = logging.getLogger("hubevents")


@cache
def app_icon() -> QIcon:
    """hubevents' icon at every size it is drawn at, and its SVG for the others."""
    icon = QIcon(str(icon_path()))
    for size in ICON_SIZES:
        icon.addFile(str(icon_path(size)))
    return icon


@cache
def shipped_icon(name: str) -> QIcon:
    """The package's own ``name``.svg (a warning in the log when Qt cannot draw it: an
    installation without Qt's SVG plugins)."""
    path = resource("icons", "actions", f"{name}.svg")
    icon = QIcon(str(path))
    if icon.pixmap(16, 16).isNull():
        log.warning("the icon %s cannot be drawn: Qt's SVG support is missing", path)
    return icon


@cache
def action_icon(theme: str, shipped: str) -> QIcon:
    """The theme's ``theme`` icon (freedesktop name), or the shipped ``shipped``.svg."""
    return QIcon.fromTheme(theme, shipped_icon(shipped))
