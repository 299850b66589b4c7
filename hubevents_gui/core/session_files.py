"""One session journal per window, each held by a lock while its window lives.

Two windows open at once used to share one journal: the second one's clean close deleted the
first one's recovery data, and after two crashes recovery offered one file with rows of both.
Now every window writes its own ``session-*.sqlite`` in the sessions folder and holds an
exclusive lock on the ``.lock`` beside it. The operating system drops the lock when the process
ends in any way (a crash, kill -9), so a journal whose lock can be taken belongs to no running
window: that is an orphan, offered back on its own at the next start.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import IO

from hubevents_gui.core.paths import data_dir

_SUFFIXES = ("", "-wal", "-shm", "-journal")


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def _try_lock(path: Path) -> IO[bytes] | None:
    """An open handle holding an exclusive lock on ``path``, or None when another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b")  # noqa: SIM115 - held open for as long as the lock is
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


class HeldJournal:
    """A journal file this process holds the lock of."""

    def __init__(self, path: Path, lock: IO[bytes] | None) -> None:
        self.path = path
        #: None when the folder takes no files: the journal's writer then says why it cannot
        self._lock = lock

    @property
    def lock_path(self) -> Path:
        return self.path.with_suffix(".lock")

    def release(self) -> None:
        """Let go of the lock (the journal stays: an orphan to offer at the next start)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def remove(self) -> None:
        """Delete the journal and its lock: nothing of it is worth offering again."""
        self.release()
        for name in [str(self.path) + suffix for suffix in _SUFFIXES] + [str(self.lock_path)]:
            with contextlib.suppress(OSError):  # a folder gone or read-only: nothing to remove
                Path(name).unlink(missing_ok=True)


def claim_new(folder: Path | None = None) -> HeldJournal:
    """A fresh journal for a new window, locked."""
    folder = folder or sessions_dir()
    while True:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = folder / f"session-{stamp}-{os.getpid()}-{os.urandom(3).hex()}.sqlite"
        if path.exists():
            continue
        try:
            lock = _try_lock(path.with_suffix(".lock"))
        except OSError:  # the data folder takes no files: the window works all the same
            return HeldJournal(path, None)
        if lock is not None:
            return HeldJournal(path, lock)


def claim_orphans(folder: Path | None = None) -> list[HeldJournal]:
    """Every journal no running window holds, newest first, each now locked by this process
    (so that two windows starting at once never both offer the same one)."""
    folder = folder or sessions_dir()
    if not folder.is_dir():
        return []
    found: list[tuple[float, HeldJournal]] = []
    for path in folder.glob("session-*.sqlite"):
        try:
            lock = _try_lock(path.with_suffix(".lock"))
        except OSError:
            continue  # cannot be locked, so cannot be claimed safely: left where it is
        if lock is None:
            continue  # a window that is running holds it
        try:
            changed = path.stat().st_mtime
        except OSError:
            lock.close()
            continue
        found.append((changed, HeldJournal(path, lock)))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return [held for _, held in found]
