"""Ctrl+C and SIGTERM during a run: the first stops sending, the second stops waiting.

A run that is killed outright leaves rows in flight unaccounted for and the history "pending".
Here the first signal asks the engine to send nothing new and to wait for the requests already
in flight (their answers are real outcomes); a second one stops waiting, and the rows in flight
end "not sent: interrupted, may have reached HubSpot". Either way the command goes on to write
the results and the history, and exits 130.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

#: the exit code of a command stopped by Ctrl+C (128 + SIGINT), as shells expect
EXIT_INTERRUPTED = 130


class Interrupts:
    """How often the user has asked to stop, and the two events the engine looks at."""

    def __init__(self, on_first: Callable[[], None], on_second: Callable[[], None]) -> None:
        self.cancel = threading.Event()
        self.abandon = threading.Event()
        self.count = 0
        self._on_first = on_first
        self._on_second = on_second

    def press(self) -> None:
        self.count += 1
        if self.count == 1:
            self.cancel.set()
            self._on_first()
        elif self.count == 2:
            self.abandon.set()
            self._on_second()

    @property
    def interrupted(self) -> bool:
        return self.count > 0


@contextmanager
def caught(interrupts: Interrupts) -> Iterator[Interrupts]:
    """SIGINT and SIGTERM go to ``interrupts`` while the block runs (main thread only: signal
    handlers can only be set there; elsewhere, as in tests calling main() from a thread, the
    signals keep their handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield interrupts
        return

    def handler(_signum: int, _frame: FrameType | None) -> None:
        interrupts.press()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield interrupts
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM ends the command as Ctrl+C does (one line, exit 130), not killed mid-word:
    outside a run there is nothing to finish. Main thread only, as for :func:`caught`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
