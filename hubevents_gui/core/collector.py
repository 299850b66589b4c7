"""The interpreter's cyclic garbage collector, switched in one place.

Both switches are process-wide, so only the thread that drives the process flips them: the
command line's main thread, the window's GUI thread. Library code (reading, validating, building
payloads) never does, whichever thread it runs on.

- :func:`paused`: no collections while a large table is built. Each of a 100k-row table's dicts
  counts towards a collection, and every older-generation collection walks all the rows built so
  far: a third of the build time, for nothing (rows hold no reference cycles; reference counting
  frees them). Pauses nest and may overlap: the collector comes back when the last one ends,
  and only if it was on before the first.
- :func:`freeze`: what is alive now (the table on show, a run's payloads) moves out of the
  collector's sight, or each full collection walks its million objects holding the GIL while the
  window waits to paint. Rows are acyclic, so reference counting still frees them when another
  table replaces them; what a freeze can keep is only cycles made before it and dropped after.
  benchmarks/bench_gui.py prints the peak memory of an import with and without the freeze.
  The window never unfreezes: a collection over what was frozen then finds window objects in
  cycles whose Qt side is already gone, and crashed the test run at exit (tried; that teardown
  is the cause to fix, not the freeze).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = True


def pause() -> None:
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1


def resume() -> None:
    global _pauses
    with _lock:
        if _pauses == 0:
            return
        _pauses -= 1
        if _pauses == 0 and _was_enabled:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    pause()
    try:
        yield
    finally:
        resume()


def freeze() -> None:
    gc.freeze()
