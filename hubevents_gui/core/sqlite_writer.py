"""A SQLite file written by a thread of its own: callers queue writes and never wait for disk.

Writes that arrive close together share one transaction (at most half a second apart), so a
burst of thousands of changes costs a handful of commits. Used by the session journal and the
run history.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from hubevents_gui.core.threads import lower_priority

#: how long a write may wait before it is committed
FLUSH_SECONDS = 0.5

Write = Callable[[sqlite3.Connection], None]


class SqliteWriter:
    def __init__(self, path: Path, schema: str, name: str) -> None:
        self.path = Path(path)
        self._schema = schema
        self._queue: queue.Queue[Write | threading.Event | None] = queue.Queue()
        self._thread = threading.Thread(target=self._write, name=name, daemon=True)
        self._thread.start()

    def put(self, write: Write) -> None:
        self._queue.put(write)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until everything queued so far is committed."""
        done = threading.Event()
        self._queue.put(done)
        done.wait(timeout)

    def close(self, *, remove: bool = False) -> None:
        self._queue.put(None)
        self._thread.join(10)
        if remove:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)

    def _write(self) -> None:
        lower_priority()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(self._schema)
        try:
            running = True
            while running:
                work = [self._queue.get()]
                deadline = time.monotonic() + FLUSH_SECONDS
                # gather what arrives in the next moments into one transaction, unless someone
                # waits for it (a flush, or closing)
                while not isinstance(work[-1], threading.Event | None) and (
                    time.monotonic() < deadline
                ):
                    try:
                        work.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
                    except queue.Empty:
                        break
                flushed = []
                db.execute("BEGIN")
                for item in work:
                    if item is None:
                        running = False
                    elif isinstance(item, threading.Event):
                        flushed.append(item)
                    else:
                        item(db)
                db.execute("COMMIT")
                for event in flushed:
                    event.set()
        finally:
            db.close()
