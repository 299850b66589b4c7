"""The status bar's permanent part: row counts, the progress of a read or a run with its
Cancel button, the requests HubSpot still allows, the UTC value of the current date cell, and
the time zone button."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Slot
from PySide6.QtGui import QAction, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QLabel,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QStyle,
    QToolButton,
    QWidget,
)

from hubevents_gui.core.tally import Progress
from hubevents_gui.core.words import plural


class ElidedLabel(QLabel):
    """A status bar label that gives way to the bar's messages: at most ``chars`` characters
    wide, its text ending in "…" when there is less room (the whole of it in its tooltip)."""

    def __init__(self, chars: int, tip: str = "") -> None:
        super().__init__()
        self._chars = chars
        self._tip = tip
        self.setToolTip(tip)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(f"{text}\n\n{self._tip}" if text and self._tip else text or self._tip)
        self.setAccessibleDescription(self.toolTip())

    def set_tip(self, tip: str) -> None:
        self._tip = tip
        self.setText(self.text())

    def _cap(self) -> int:
        return self.fontMetrics().averageCharWidth() * self._chars

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), self._cap()), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self._cap() // 2), hint.height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, area.width())
        self.style().drawItemText(
            painter, area, int(self.alignment()), self.palette(), self.isEnabled(), text,
            self.foregroundRole(),
        )  # fmt: skip


class StatusBar(QStatusBar):
    """The window's status bar: a message too long for the room left of the permanent parts
    ends in "…" (the whole of it in the bar's tooltip), where Qt's would be cut mid-word."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._permanent: list[QWidget] = []
        self.messageChanged.connect(self._on_message)

    def addPermanentWidget(self, widget: QWidget, stretch: int | None = 0) -> None:
        self._permanent.append(widget)
        super().addPermanentWidget(widget, stretch or 0)

    def _on_message(self, message: str) -> None:
        self.setToolTip(message)
        self.update()

    def _message_area(self) -> QRect:
        """Where the message goes: beside the permanent parts shown."""
        shown = [w.geometry() for w in self._permanent if w.isVisible()]
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_LayoutLeftMargin) or 6
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            left = max((g.right() for g in shown), default=0) + margin
            return QRect(left, 0, self.width() - left - margin, self.height())
        right = min((g.left() for g in shown), default=self.width())
        return QRect(margin, 0, right - 2 * margin, self.height())

    def shown_message(self) -> str:
        """The message as painted now (cut with "…" when the bar is too narrow)."""
        return self.fontMetrics().elidedText(
            self.currentMessage(), Qt.TextElideMode.ElideRight, self._message_area().width()
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(
            self._message_area(),
            int(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
            | int(Qt.TextFlag.TextSingleLine),
            self.shown_message(),
        )


class RunStatus(QWidget):
    """Not shown itself: it owns the widgets it puts in ``bar``."""

    def __init__(self, bar: QStatusBar, cancel: QAction, zone: QAction) -> None:
        super().__init__(bar)
        self.bar = bar
        self.counts = QLabel()
        self.counts.setObjectName("rowCounts")
        bar.addWidget(self.counts)
        #: shown from the first failure of autosave or the run history until the window closes
        self.storage = QLabel()
        self.storage.setObjectName("storageWarning")
        self.storage.hide()
        # permanent: a temporary message would hide it
        bar.addPermanentWidget(self.storage)
        self.progress = QProgressBar()
        self.progress.setObjectName("runProgress")
        self.progress.setMinimumWidth(260)
        self.progress.setTextVisible(True)
        self.progress.hide()
        bar.addPermanentWidget(self.progress)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("progressCancel")
        self.cancel.setToolTip("Stop after the requests in flight (Esc)")
        self.cancel.clicked.connect(cancel.trigger)
        self.cancel.hide()
        bar.addPermanentWidget(self.cancel)
        #: hidden until something is known of the connection's quota
        self.quota = ElidedLabel(50)
        self.quota.setObjectName("quotaStatus")
        self.quota.hide()
        bar.addPermanentWidget(self.quota)
        self.preview = ElidedLabel(55, "What will be sent for the date-time in the current cell")
        self.preview.setObjectName("utcPreview")
        bar.addPermanentWidget(self.preview)
        self.zone = QToolButton()
        self.zone.setObjectName("timeZoneButton")
        self.zone.setDefaultAction(zone)
        bar.addPermanentWidget(self.zone)
        self._zone_action = zone

    def set_counts(self, total: int, shown: int, invalid: int) -> None:
        filtered = f" ({shown} shown)" if shown != total else ""
        self.counts.setText(
            f"{plural(total, 'row')}{filtered}: {total - invalid} valid, {invalid} invalid"
        )

    def storage_failed(self, message: str, css: str) -> None:
        """Say that autosave or the run history could not write, and why (kept in view: a
        passing message would be lost under the next one)."""
        self.storage.setText("⚠ Autosave or run history failed")
        self.storage.setToolTip(message)
        self.storage.setAccessibleDescription(message)
        self.storage.setStyleSheet(css)
        self.storage.show()

    def set_quota(self, line: str, as_of: str) -> None:
        """Show the requests left (one sentence from QuotaSnapshot.line)."""
        self.quota.set_tip(
            "How many more requests HubSpot accepts: per day (shared by every app of the "
            "account, counted anew at midnight in the account's time zone) and per rolling "
            "10-second window (per app). A run that needs more than are left today asks "
            f"first. From HubSpot's answers and its daily usage, as of {as_of}."
        )
        self.quota.setText(line)
        self.quota.show()

    def set_zone(self, name: str) -> None:
        self._zone_action.setText(f"Time zone: {name}")

    def _show_progress(self) -> None:
        self.progress.show()
        self.cancel.show()

    def hide_progress(self) -> None:
        self.progress.hide()
        self.cancel.hide()

    def reading(self, name: str) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"Reading {name}…")
        self._show_progress()
        self.bar.showMessage(f"Reading {name}…")

    @Slot(int)
    def rows_read(self, rows: int) -> None:
        self.progress.setFormat(f"{plural(rows, 'row')} read")
        self.bar.showMessage(f"{plural(rows, 'row')} read…")

    @Slot(int)
    def run_started(self, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat(f"0 / {total}")
        self._show_progress()

    @Slot(object)
    def run_progress(self, progress: Progress) -> None:
        c = progress.counts
        eta = f", ETA {progress.eta:.0f} s" if progress.eta is not None else ""
        # a progress bar repaints the window at once when its value changes (the table with
        # it, inside this slot): updates off meanwhile, so it is painted with the rest
        self.progress.setUpdatesEnabled(False)
        try:
            self.progress.setValue(progress.done)
            self.progress.setFormat(
                f"{progress.done} / {progress.total}: {c.text(attendees=progress.attendees)} "
                f"({progress.rate:.0f} rows/s{eta})"
            )
        finally:
            self.progress.setUpdatesEnabled(True)
