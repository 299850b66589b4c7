"""The one place where colours live: the window's own light and dark palettes (View > Theme),
and per row status its background and icon, in both.

Status is never colour alone: the Status column carries text and an icon as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

from hubevents_gui.core.rows import RowStatus


@dataclass(frozen=True)
class Swatch:
    background: str
    accent: str  # icon colour, stronger than the background


LIGHT: dict[RowStatus, Swatch] = {
    RowStatus.NEW: Swatch("", "#8a8f98"),
    RowStatus.QUEUED: Swatch("#eef1f6", "#6b7a90"),
    RowStatus.SENDING: Swatch("#e3efff", "#2f6fde"),
    RowStatus.CREATED: Swatch("#e2f5e8", "#1e8e4e"),
    RowStatus.UPDATED: Swatch("#e6f4f7", "#0f7d93"),
    RowStatus.FAILED: Swatch("#fde7e7", "#c62828"),
    RowStatus.NOT_SENT: Swatch("#fff3dc", "#b26a00"),
    RowStatus.EDITED: Swatch("#f3ecfb", "#7b4fc4"),
    RowStatus.UNCHANGED: Swatch("#eef3ee", "#5d7a62"),
    RowStatus.RECORDED: Swatch("#e2f5e8", "#1e8e4e"),
    RowStatus.CANCELLED: Swatch("#f1eef4", "#6d5a7e"),
    RowStatus.COMPLETED: Swatch("#e4f2e4", "#2e6b34"),
    RowStatus.DELETED: Swatch("#eceff1", "#546e7a"),
}
DARK: dict[RowStatus, Swatch] = {
    RowStatus.NEW: Swatch("", "#9aa3ad"),
    RowStatus.QUEUED: Swatch("#2a2f38", "#9aa8bd"),
    RowStatus.SENDING: Swatch("#1c3050", "#7fb0ff"),
    RowStatus.CREATED: Swatch("#1b3a27", "#5fd28f"),
    RowStatus.UPDATED: Swatch("#16363d", "#4fc3d9"),
    RowStatus.FAILED: Swatch("#4a1f22", "#ff7b7b"),
    RowStatus.NOT_SENT: Swatch("#453414", "#ffbe55"),
    RowStatus.EDITED: Swatch("#33284a", "#b99bff"),
    RowStatus.UNCHANGED: Swatch("#26302a", "#9cc3a3"),
    RowStatus.RECORDED: Swatch("#1b3a27", "#5fd28f"),
    RowStatus.CANCELLED: Swatch("#2f2838", "#b9a3cf"),
    RowStatus.COMPLETED: Swatch("#1f3322", "#8fd19a"),
    RowStatus.DELETED: Swatch("#263036", "#9fb4bf"),
}
INVALID_LIGHT = "#fff0c2"
INVALID_DARK = "#4a3c0e"
DROPPED_LIGHT = INVALID_LIGHT
DROPPED_DARK = INVALID_DARK
CHANGED_LIGHT = "#cfe3ff"
CHANGED_DARK = "#1f3f6e"

#: banners and dialog notes: kind -> (background, text), light and dark
NOTES_LIGHT: dict[str, tuple[str, str]] = {
    "sandbox": ("#fff3dc", "#5c3b00"),
    "hubspot": ("#e2f5e8", "#10502c"),
    "error": ("#fde7e7", "#8a1c1c"),
    "warning": ("", "#8a5300"),
}
NOTES_DARK: dict[str, tuple[str, str]] = {
    "sandbox": ("#453414", "#ffe2b0"),
    "hubspot": ("#1b3a27", "#c8f0d6"),
    "error": ("#4a1f22", "#ffd0d0"),
    "warning": ("", "#ffbe55"),
}


#: the window's palettes for View > Theme > Light and Dark: role -> colour (active and inactive;
#: DISABLED_* for the disabled group)
BASE_LIGHT: dict[str, str] = {
    "Window": "#f5f6f8", "WindowText": "#1f2328", "Base": "#ffffff", "AlternateBase": "#f3f4f6",
    "Text": "#1f2328", "Button": "#eceef1", "ButtonText": "#1f2328", "BrightText": "#ffffff",
    "Highlight": "#2f6fde", "HighlightedText": "#ffffff", "ToolTipBase": "#ffffe8",
    "ToolTipText": "#1f2328", "PlaceholderText": "#5f646c", "Link": "#1d5fc9",
    "LinkVisited": "#6a3fb5", "Light": "#ffffff", "Midlight": "#e3e5e8", "Mid": "#b9bdc3",
    "Dark": "#8a8f98", "Shadow": "#4a4f57",
}  # fmt: skip
BASE_DARK: dict[str, str] = {
    "Window": "#23262b", "WindowText": "#e6e8eb", "Base": "#1b1d21", "AlternateBase": "#25282d",
    "Text": "#e6e8eb", "Button": "#2d3137", "ButtonText": "#e6e8eb", "BrightText": "#ffffff",
    "Highlight": "#2f64c8", "HighlightedText": "#ffffff", "ToolTipBase": "#2d3137",
    "ToolTipText": "#e6e8eb", "PlaceholderText": "#9aa3ad", "Link": "#7fb0ff",
    "LinkVisited": "#b99bff", "Light": "#3a3f46", "Midlight": "#32363c", "Mid": "#4a4f57",
    "Dark": "#15171a", "Shadow": "#000000",
}  # fmt: skip
DISABLED_LIGHT = "#8a8f98"
DISABLED_DARK = "#6f757d"
#: the text of columns the app shows but does not send (read only)
READ_ONLY_LIGHT = "#5f646c"
READ_ONLY_DARK = "#b0b6bd"


def base_palette(dark: bool) -> QPalette:
    """The window's palette of View > Theme > Light or Dark."""
    colours = BASE_DARK if dark else BASE_LIGHT
    palette = QPalette()
    for name, colour in colours.items():
        palette.setColor(getattr(QPalette.ColorRole, name), QColor(colour))
    disabled = QColor(DISABLED_DARK if dark else DISABLED_LIGHT)
    group = QPalette.ColorGroup.Disabled
    for role in ("WindowText", "Text", "ButtonText", "PlaceholderText"):
        palette.setColor(group, getattr(QPalette.ColorRole, role), disabled)
    return palette


def is_dark() -> bool:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    window = app.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


class StatusStyle:
    """Brushes and icons for the current palette (rebuild after a palette change)."""

    def __init__(self, dark: bool | None = None) -> None:
        self.dark = is_dark() if dark is None else dark
        swatches = DARK if self.dark else LIGHT
        self.backgrounds: dict[RowStatus, QBrush | None] = {
            status: QBrush(QColor(s.background)) if s.background else None
            for status, s in swatches.items()
        }
        self.icons: dict[RowStatus, QIcon] = {
            status: status_icon(status, s.accent) for status, s in swatches.items()
        }
        self.invalid = QBrush(QColor(INVALID_DARK if self.dark else INVALID_LIGHT))
        #: a custom property's cell whose value HubSpot dropped: a warning, as an invalid cell
        #: is, shown with the same warning icon (never the colour alone)
        self.dropped = QBrush(QColor(DROPPED_DARK if self.dark else DROPPED_LIGHT))
        self.warning_icon = warning_icon("#e0a000" if self.dark else "#c77700")
        #: a warning that does not stop the row (a property HubSpot would drop)
        self.notice_icon = warning_icon("#7fb0ff" if self.dark else "#2f6fde")
        #: a cell a preview says would change HubSpot's value
        self.changed = QBrush(QColor(CHANGED_DARK if self.dark else CHANGED_LIGHT))
        self.read_only = QBrush(QColor(READ_ONLY_DARK if self.dark else READ_ONLY_LIGHT))
        self.notes = NOTES_DARK if self.dark else NOTES_LIGHT

    def note_css(self, kind: str) -> str:
        """A style sheet for a banner or a note in a dialog ("sandbox", "hubspot", "error",
        "warning"), in this palette."""
        background, text = self.notes[kind]
        css = f"color: {text};"
        if background:
            css = f"background: {background}; {css} padding: 6px 12px; border-radius: 4px;"
        return css

    def error_html(self, text: str) -> str:
        color = self.notes["error"][1] if self.dark else "#c62828"
        return f"<span style='color:{color}'>{text}</span>"


def _canvas() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


@cache
def status_icon(status: RowStatus, color: str) -> QIcon:
    """A drawn icon per status (no icon files to ship or miss): shape differs, not only hue."""
    pixmap, painter = _canvas()
    accent = QColor(color)
    pen = QPen(accent, 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    circle = QRectF(4, 4, 24, 24)
    if status is RowStatus.CREATED:
        painter.setBrush(accent)
        painter.drawEllipse(circle)
        painter.setPen(QPen(QColor("white"), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(16, 10), QPointF(16, 22))
        painter.drawLine(QPointF(10, 16), QPointF(22, 16))
    elif status in (RowStatus.UPDATED, RowStatus.RECORDED, RowStatus.COMPLETED):  # a tick
        painter.setBrush(accent)
        painter.drawEllipse(circle)
        painter.setPen(QPen(QColor("white"), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        path = QPainterPath(QPointF(10, 16.5))
        path.lineTo(14.5, 21)
        path.lineTo(22.5, 11.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
    elif status is RowStatus.FAILED:
        painter.setBrush(accent)
        painter.drawEllipse(circle)
        painter.setPen(QPen(QColor("white"), 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(11, 11), QPointF(21, 21))
        painter.drawLine(QPointF(21, 11), QPointF(11, 21))
    elif status is RowStatus.CANCELLED:  # struck through: the event will not take place
        painter.drawEllipse(circle)
        painter.drawLine(QPointF(10, 22), QPointF(22, 10))
    elif status is RowStatus.DELETED:  # a cross in an empty ring: gone from HubSpot
        painter.drawEllipse(circle)
        painter.drawLine(QPointF(12, 12), QPointF(20, 20))
        painter.drawLine(QPointF(20, 12), QPointF(12, 20))
    elif status is RowStatus.UNCHANGED:  # an equals sign: HubSpot's copy is the same
        painter.drawEllipse(circle)
        painter.drawLine(QPointF(11, 13), QPointF(21, 13))
        painter.drawLine(QPointF(11, 19), QPointF(21, 19))
    elif status is RowStatus.NOT_SENT:
        painter.drawEllipse(circle)
        painter.drawLine(QPointF(11, 16), QPointF(21, 16))
    elif status is RowStatus.SENDING:
        painter.drawArc(circle, 90 * 16, -270 * 16)
        painter.setBrush(accent)
        painter.drawEllipse(QRectF(13, 13, 6, 6))
    elif status is RowStatus.QUEUED:
        painter.drawEllipse(circle)
        painter.drawLine(QPointF(16, 16), QPointF(16, 9))
        painter.drawLine(QPointF(16, 16), QPointF(21, 19))
    elif status is RowStatus.EDITED:
        painter.drawLine(QPointF(9, 23), QPointF(21, 11))
        painter.drawLine(QPointF(9, 23), QPointF(8, 25))
        painter.drawEllipse(QRectF(19, 7, 6, 6))
    else:
        painter.drawEllipse(QRectF(10, 10, 12, 12))
    painter.end()
    return QIcon(pixmap)


@cache
def warning_icon(color: str) -> QIcon:
    pixmap, painter = _canvas()
    accent = QColor(color)
    path = QPainterPath(QPointF(16, 3))
    path.lineTo(30, 28)
    path.lineTo(2, 28)
    path.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(accent)
    painter.drawPath(path)
    painter.setPen(QPen(QColor("white"), 3.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.drawLine(QPointF(16, 11), QPointF(16, 19))
    painter.drawPoint(QPointF(16, 24))
    painter.end()
    return QIcon(pixmap)
