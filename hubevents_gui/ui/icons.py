"""Icons: the desktop's icon theme where it has one, else the ones shipped in the package
(hubevents_gui/data/icons/actions, drawn for the app as small SVGs)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtGui import QIcon

_ACTIONS = resources.files("hubevents_gui") / "data" / "icons" / "actions"


@cache
def shipped_icon(name: str) -> QIcon:
    """The package's own ``name``.svg."""
    return QIcon(str(_ACTIONS / f"{name}.svg"))


@cache
def action_icon(theme: str, shipped: str) -> QIcon:
    """The theme's ``theme`` icon (freedesktop name), or the shipped ``shipped``.svg."""
    return QIcon.fromTheme(theme, shipped_icon(shipped))
