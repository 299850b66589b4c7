"""One function run on a QThread of its own, its result handed back by queued signal.

The function gets the task (for its cancel event and progress signal), never widgets; what it
returns or the one sentence of what went wrong reaches the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from hubevents_gui.core.results import ResultsError
from hubevents_gui.core.sheets import SheetError
from hubevents_gui.core.threads import lower_priority

log = logging.getLogger("hubevents")


class TaskError(Exception):
    """A failure a user can cause (a file that cannot be written...); the message is shown."""


#: failures a user can cause: their message is the sentence shown
USER_ERRORS = (SheetError, ResultsError, TaskError)


class Task(QObject):
    succeeded = Signal(object)
    failed = Signal(str)
    progressed = Signal(int)

    def __init__(self, work: Callable[[Task], Any]) -> None:
        super().__init__()
        self._work = work
        self.cancel = threading.Event()
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("hubeventsTask")
        self.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self._run)

    @Slot()
    def _run(self) -> None:
        lower_priority()
        try:
            result = self._work(self)
        except USER_ERRORS as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # shown to the user as one sentence, logged in full
            if self.cancel.is_set():  # stopped (the window closing): not a fault to log
                log.debug("background task stopped", exc_info=True)
            else:
                log.exception("background task failed")
            self.failed.emit(f"Something went wrong ({type(exc).__name__}: {exc})")
        else:
            self.succeeded.emit(result)
        finally:
            self.worker_thread.quit()

    def start(self) -> None:
        self.worker_thread.start()


class TaskSet(QObject):
    """Strong references to running tasks until their threads have finished; let go on the
    GUI thread (a reference dropped on the worker could delete a QThread still running)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[Task] = set()

    def start(self, task: Task) -> Task:
        self._tasks.add(task)
        task.worker_thread.finished.connect(
            self._on_thread_finished, Qt.ConnectionType.QueuedConnection
        )
        task.start()
        return task

    @Slot()
    def _on_thread_finished(self) -> None:
        thread = self.sender()
        self._tasks = {t for t in self._tasks if t.worker_thread is not thread}

    def stop_all(self, timeout_ms: int) -> None:
        """Cancel every task and wait for its thread (on window close)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel.set()
        for task in tasks:
            task.worker_thread.quit()
            task.worker_thread.wait(timeout_ms)
        # let go of the finished ones now, on the GUI thread: their queued "finished" may never
        # be delivered once the window is gone, and the tasks would outlive it
        self._tasks = {t for t in self._tasks if t.worker_thread.isRunning()}
