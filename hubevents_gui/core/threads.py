"""Background threads yield to the window: their OS priority is lowered where the OS allows.

Python threads share one GIL; when it is released, the OS decides which waiting thread runs
first. The GUI thread must win that race when it paints, so worker and writer threads lower
their own priority (Linux: a per-thread nice value; elsewhere nothing happens).
"""

from __future__ import annotations

import contextlib
import os
import threading

BACKGROUND_NICENESS = 10


def lower_priority(native_id: int | None = None) -> None:
    """Lower the calling thread, or the thread or child process of this native id (a child's
    threads started afterwards inherit it). Raising niceness needs no privileges."""
    setpriority = getattr(os, "setpriority", None)
    if setpriority is None or not hasattr(threading, "get_native_id"):
        return
    with contextlib.suppress(OSError):
        setpriority(os.PRIO_PROCESS, native_id or threading.get_native_id(), BACKGROUND_NICENESS)
