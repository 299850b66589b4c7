"""Background tasks: a failure is one sentence for the user and a traceback in the log, but a
task stopped on purpose (the window closing cancels every read) is not a fault to log."""

from __future__ import annotations

import gc
import logging
import weakref

import pytest
from PySide6.QtCore import QObject, Slot
from pytestqt.qtbot import QtBot

from hubevents_gui.ui.tasks import Task, TaskSet


class _Told(QObject):
    """What a task said, received on the GUI thread (as the window's slots receive it)."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    @Slot(str)
    def failed(self, message: str) -> None:
        self.messages.append(message)


def _run(qtbot: QtBot, task: Task) -> str:
    tasks, told = TaskSet(), _Told()
    task.failed.connect(told.failed)
    tasks.start(task)
    qtbot.waitUntil(lambda: bool(told.messages), timeout=5000)
    tasks.stop_all(1000)
    return told.messages[0]


def test_a_failure_is_one_sentence_and_logged(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    def work(_task: Task) -> None:
        raise RuntimeError("disk on fire")

    assert _run(qtbot, Task(work)) == "Something went wrong (RuntimeError: disk on fire)"
    assert [r.levelno for r in caplog.records] == [logging.ERROR]


def test_a_task_stopped_on_purpose_logs_no_error(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    def work(task: Task) -> None:
        task.cancel.set()  # as closing the window does, while the read waits for an answer
        raise RuntimeError("read cancelled")

    _run(qtbot, Task(work))
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_closing_lets_go_of_the_tasks_that_finished_at_once() -> None:
    """The window's close waits for its tasks; one whose "finished" was still queued would
    otherwise outlive the window, for the garbage collector to destroy on some other thread."""
    tasks = TaskSet()
    task = Task(lambda _task: None)
    gone = weakref.ref(task)
    tasks.start(task)
    del task
    tasks.stop_all(5000)  # no event delivered in between
    gc.collect()
    assert gone() is None
