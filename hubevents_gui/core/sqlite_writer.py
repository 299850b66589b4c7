"""A SQLite file written by a thread of its own: callers queue writes and never wait for disk.

Writes that arrive close together share one transaction (at most half a second apart), so a
burst of thousands of changes costs a handful of commits. Used by the session journal and the
run history.

A write that fails never stops the writer: its transaction is rolled back, the writes that
shared it are tried again one by one (so only the failing one is lost), the failure is logged
and handed to ``on_error``, and later writes land as usual. A file that cannot be opened at all
is reported the same way; writes are then dropped, and every flush still returns.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from hubevents_gui.core.threads import lower_priority

log = logging.getLogger("hubevents.storage")

#: how long a write may wait before it is committed
FLUSH_SECONDS = 0.5

Write = Callable[[sqlite3.Connection], None]
#: called from the writer thread with one sentence naming the file and the error
ErrorHandler = Callable[[str], None]


# SQLite's result codes for a file that is not a database, or one whose pages are damaged
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


def is_damaged(exc: BaseException) -> bool:
    """True when ``exc`` says the file itself is damaged (not locked, not unwritable)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def move_aside(path: Path) -> Path:
    """Move a damaged database (and its -wal/-shm) out of the way, keeping it for a look: to
    ``NAME.damaged-YYYYmmdd-HHMMSS``. Returns where it went."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    path.replace(target)
    for suffix in ("-wal", "-shm", "-journal"):
        side = Path(str(path) + suffix)
        if side.exists():
            side.replace(Path(str(target) + suffix))
    return target


#: what every "moved aside" notice says (a notice, not a failure: nothing was lost since)
DAMAGED_MOVED = "was damaged: it was moved aside"


def damaged_sentence(path: Path, moved: Path) -> str:
    return (
        f"{path.name} {DAMAGED_MOVED} to {moved.name} (in {path.parent}) and a fresh one was "
        "started"
    )


def is_damage_notice(message: str) -> bool:
    """True for the sentence of a damaged file that was moved aside (not a failing write)."""
    return DAMAGED_MOVED in message


class SqliteWriter:
    def __init__(
        self,
        path: Path,
        schema: str,
        name: str,
        on_error: ErrorHandler | None = None,
        migrate: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self._schema = schema
        #: brings a file an older version made up to ``schema`` (after it ran)
        self._migrate = migrate
        self._on_error = on_error
        #: the last failure, as reported (None while every write landed)
        self.last_error: str | None = None
        self.failures = 0
        self._queue: queue.Queue[Write | threading.Event | None] = queue.Queue()
        self._thread = threading.Thread(target=self._write, name=name, daemon=True)
        self._thread.start()

    def put(self, write: Write) -> None:
        self._queue.put(write)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far was written (or failed and was reported);
        False when the writer did not get there in ``timeout`` seconds."""
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def close(self, *, remove: bool = False) -> None:
        self._queue.put(None)
        self._thread.join(10)
        if remove:
            for suffix in ("", "-wal", "-shm", "-journal"):
                try:
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
                except OSError as exc:  # a folder that is not one, or gone: nothing to remove
                    log.warning("cannot remove %s%s: %s", self.path.name, suffix, exc)

    def _report(self, what: str, exc: BaseException) -> None:
        self.failures += 1
        message = f"{what} {self.path.name} failed: {exc}"
        self.last_error = message
        # one line, not a traceback: what failed is all a user (or a log reader) can act on
        log.error("%s (%s)", message, self.path)
        if self._on_error is not None:
            try:
                self._on_error(message)
            except Exception:  # a broken handler must not stop the writer
                log.exception("the storage error handler failed")

    def _open(self) -> sqlite3.Connection | None:
        try:
            return self._connect()
        except (sqlite3.Error, OSError) as exc:
            if not is_damaged(exc):
                self._report("opening", exc)
                return None
        # a damaged file would fail every write of every session: keep it aside, start afresh,
        # and say so once
        try:
            moved = move_aside(self.path)
            db = self._connect()
        except (sqlite3.Error, OSError) as exc:
            self._report("opening", exc)
            return None
        self._notify(damaged_sentence(self.path, moved))
        return db

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(self._schema)
            if self._migrate is not None:
                self._migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _notify(self, message: str) -> None:
        log.warning("%s", message)
        if self._on_error is not None:
            try:
                self._on_error(message)
            except Exception:  # a broken handler must not stop the writer
                log.exception("the storage error handler failed")

    def _write(self) -> None:
        lower_priority()
        db = self._open()
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
                writes = [item for item in work if callable(item)]
                running = None not in work
                if db is not None and writes:
                    db = self._commit(db, writes)
                for item in work:
                    if isinstance(item, threading.Event):
                        item.set()
        finally:
            if db is not None:
                db.close()

    def _commit(self, db: sqlite3.Connection, writes: list[Write]) -> sqlite3.Connection | None:
        """Write ``writes``; the connection to go on with (a fresh file when this one turned
        out damaged: damage deep in a file shows only when a write reaches it)."""
        try:
            self._transaction(db, writes)
            return db
        except Exception as exc:  # noqa: BLE001 - some write failed: find it, keep the others
            if is_damaged(exc):
                fresh = self._start_afresh(db)
                if fresh is None:
                    return None
                db = fresh
            for write in writes:
                try:
                    self._transaction(db, [write])
                except Exception as exc:  # noqa: BLE001 - reported and logged; the rest go on
                    self._report("writing to", exc)
        return db

    def _start_afresh(self, db: sqlite3.Connection) -> sqlite3.Connection | None:
        db.close()
        try:
            moved = move_aside(self.path)
            fresh = self._connect()
        except (sqlite3.Error, OSError) as exc:
            self._report("opening", exc)
            return None
        self._notify(damaged_sentence(self.path, moved))
        return fresh

    @staticmethod
    def _transaction(db: sqlite3.Connection, writes: list[Write]) -> None:
        db.execute("BEGIN")
        try:
            for write in writes:
                write(db)
            db.execute("COMMIT")  # a commit can fail too (a deferred constraint, a full disk)
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
