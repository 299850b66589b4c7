"""Names and descriptions for assistive technology: what a screen reader says of an input.

A widget's name is usually its own text or its form label (Qt derives it); ``describe`` adds
what the widget is for, also shown as its tooltip unless it has one."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QDialogButtonBox, QWidget


def describe(widget: QWidget, description: str, *, name: str = "", tip: bool = True) -> None:
    if name:
        widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    if tip and not widget.toolTip():
        widget.setToolTip(description)


def describe_buttons(
    box: QDialogButtonBox, descriptions: Mapping[QDialogButtonBox.StandardButton, str]
) -> None:
    """What each of a dialog's standard buttons does here (OK and Cancel say little alone)."""
    for which, description in descriptions.items():
        button = box.button(which)
        if button is not None:
            describe(button, description)
