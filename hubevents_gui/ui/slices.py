"""Long work on the GUI thread, a time-boxed slice per turn of the event loop: a generator
that yields now and then is stepped until its slice of time is up, then the window paints and
takes input before the next slice. For work over the live table (find, sort) that must see the
rows as they are, without a thread or a copy of 100,000 rows."""

from __future__ import annotations

import time
from collections.abc import Iterator

from PySide6.QtCore import QObject, QTimer, Signal, Slot

#: how long one slice may hold the GUI thread
SLICE_SECONDS = 0.012


class Slices(QObject):
    """Steps one generator at a time; starting another stops the one before."""

    #: a slice ended with work left (to show how far it got)
    sliced = Signal()
    #: the work ran to its end (not emitted when it is stopped)
    finished = Signal()

    def __init__(self, parent: QObject | None = None, budget: float | None = None) -> None:
        super().__init__(parent)
        self._budget = budget
        self._work: Iterator[object] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    @property
    def running(self) -> bool:
        return self._work is not None

    def start(self, work: Iterator[object], *, at_once: bool = False) -> None:
        """Run ``work``: its first slice now; all of it now when ``at_once`` (a small table)."""
        self.stop()
        self._work = work
        if at_once:
            for _ in work:
                pass
            self._done()
            return
        self._step()
        if self._work is not None:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._work = None

    @Slot()
    def _step(self) -> None:
        work = self._work
        if work is None:
            return
        budget = SLICE_SECONDS if self._budget is None else self._budget
        deadline = time.perf_counter() + budget
        try:
            while True:
                next(work)
                if self._work is not work:  # stopped, or another started, from within
                    return
                if time.perf_counter() >= deadline:
                    self.sliced.emit()
                    return
        except StopIteration:
            if self._work is work:
                self._done()

    def _done(self) -> None:
        self._timer.stop()
        self._work = None
        self.finished.emit()
