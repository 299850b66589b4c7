"""The session journal: every change to the open table, in SQLite in the app's data folder,
written within a second by a thread of its own, so that a crash or a kill loses at most the
last second. A clean close after saving deletes it; the next start after a crash offers to
restore the session from it. It holds rows, outcomes and the file's layout, never the token.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from hubevents_gui.core.checks import FIELD_TABLES
from hubevents_gui.core.fields import EVENT_FIELDS
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus, Unreadable
from hubevents_gui.core.sqlite_writer import ErrorHandler, SqliteWriter, is_damaged, move_aside

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (row_id INTEGER PRIMARY KEY, position INTEGER, data TEXT);
CREATE TABLE IF NOT EXISTS outcomes (row_id INTEGER PRIMARY KEY, data TEXT);
"""


# ------------------------------------------------------------------ values to JSON and back


def encode_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, clock_time):
        return {"time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"seconds": value.total_seconds()}
    if isinstance(value, Unreadable):
        return {"unreadable": [value.text, value.reason]}
    return str(value)


def decode_value(value: object) -> Any:
    if not isinstance(value, dict):
        return value
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return date.fromisoformat(value["date"])
    if "time" in value:
        return clock_time.fromisoformat(value["time"])
    if "seconds" in value:
        return timedelta(seconds=value["seconds"])
    if "unreadable" in value:
        text, reason = value["unreadable"]
        return Unreadable(text, reason)
    return value


def encode_row(row: EventRow) -> str:
    return json.dumps(
        {
            "source_row": row.source_row,
            "values": {k: encode_value(v) for k, v in row.values.items()},
            "custom": dict(row.custom),
            "extras": [encode_value(v) for v in row.extras],
            "bad": {k: encode_value(v) for k, v in row.bad.items()},
        },
        ensure_ascii=False,
    )


def decode_row(row_id: int, text: str) -> EventRow:
    data = json.loads(text)
    return EventRow(
        RowId(row_id),
        data["source_row"],
        {k: decode_value(v) for k, v in data["values"].items()},
        dict(data["custom"]),
        tuple(decode_value(v) for v in data["extras"]),
        {k: decode_value(v) for k, v in data["bad"].items()},
    )


def encode_outcome(outcome: Outcome | None, state: RowStatus | None) -> str:
    body: dict[str, Any] = {"state": state.name if state else None}
    if outcome is not None:
        body.update(
            status=outcome.status.name,
            hubspot_id=outcome.hubspot_id,
            message=outcome.message,
            http_status=outcome.http_status,
            category=outcome.category,
            correlation_id=outcome.correlation_id,
        )
        if outcome.dropped:
            body["dropped"] = list(outcome.dropped)
    return json.dumps(body)


def table_meta(table: EventTable, extra: dict[str, Any] | None = None) -> dict[str, str]:
    meta = {
        "file": str(table.file) if table.file else "",
        "sheet": table.sheet or "",
        "custom_names": json.dumps(table.custom_names),
        "extra_headers": json.dumps(table.extra_headers),
        "source_columns": json.dumps(table.source_columns),
        "column_keys": json.dumps(table.column_keys),
        "headers": json.dumps(table.headers),
        "header_row": json.dumps(table.header_row),
        "notes": json.dumps(table.notes),
        "day_first": json.dumps(table.day_first),
        "kind": table.fields.name,
        # the sheet-wide values are ids and a state: text
        "defaults": json.dumps({k: v for k, v in table.defaults.items() if isinstance(v, str)}),
        "saved_at": str(time.time()),
    }
    for key, value in (extra or {}).items():
        meta[key] = json.dumps(value)
    return meta


# ------------------------------------------------------------------ reading a journal back


@dataclass
class RecoveredSession:
    table: EventTable
    outcomes: dict[RowId, Outcome] = field(default_factory=dict)
    states: dict[RowId, RowStatus] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    saved_at: float = 0.0


class JournalDamagedError(Exception):
    """The journal file is damaged; it was moved aside (the message says where)."""


def read_journal(path: Path) -> RecoveredSession | None:
    """The session a journal holds, or None when there is none (or nothing worth restoring).

    A damaged file is moved aside and JournalDamagedError says so: it is never read again as
    if it were empty, and never silently deleted."""
    if not path.exists():
        return None
    try:
        return _read(path)
    except sqlite3.DatabaseError as exc:
        if not is_damaged(exc):
            return None
        moved = move_aside(path)
        raise JournalDamagedError(
            f"The unsaved work of an earlier session could not be read: {path.name} was "
            f"damaged and was moved aside to {moved.name} (in {path.parent})."
        ) from None


def _read(path: Path) -> RecoveredSession | None:
    try:
        connection = sqlite3.connect(path)
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta"))
            rows = [
                decode_row(row_id, data)
                for row_id, data in connection.execute(
                    "SELECT row_id, data FROM rows ORDER BY position, row_id"
                )
            ]
            outcome_rows = list(connection.execute("SELECT row_id, data FROM outcomes"))
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        if is_damaged(exc):
            raise
        return None
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    if not meta:
        return None
    table = EventTable(
        file=Path(meta["file"]) if meta.get("file") else None,
        sheet=meta.get("sheet") or None,
        rows=rows,
        custom_names=json.loads(meta.get("custom_names", "[]")),
        extra_headers=json.loads(meta.get("extra_headers", "[]")),
        source_columns=json.loads(meta.get("source_columns", "{}")),
        column_keys=json.loads(meta.get("column_keys", "[]")),
        headers=json.loads(meta.get("headers", "{}")),
        header_row=json.loads(meta.get("header_row", "null")),
        notes=json.loads(meta.get("notes", "[]")),
        day_first=bool(json.loads(meta.get("day_first", "false"))),
        fields=FIELD_TABLES.get(meta.get("kind", ""), EVENT_FIELDS),
        defaults=json.loads(meta.get("defaults", "{}")),
    )
    session = RecoveredSession(table, saved_at=float(meta.get("saved_at", "0") or 0))
    known = {
        "file", "sheet", "custom_names", "extra_headers", "source_columns", "column_keys",
        "headers", "header_row", "notes", "day_first", "saved_at", "kind", "defaults",
    }  # fmt: skip
    session.extra = {k: json.loads(v) for k, v in meta.items() if k not in known}
    for row_id, data in outcome_rows:
        body = json.loads(data)
        if body.get("status"):
            session.outcomes[RowId(row_id)] = Outcome(
                RowId(row_id),
                RowStatus[body["status"]],
                body.get("hubspot_id"),
                body.get("message") or "",
                body.get("http_status"),
                body.get("category"),
                body.get("correlation_id"),
                tuple(str(name) for name in body.get("dropped") or ()),
            )
        if body.get("state"):
            session.states[RowId(row_id)] = RowStatus[body["state"]]
    return session


# ------------------------------------------------------------------ writing


class Journal:
    """Writes the session to ``path`` from a thread of its own; calls never wait for disk."""

    def __init__(self, path: Path, on_error: ErrorHandler | None = None) -> None:
        self.path = Path(path)
        self._writer = SqliteWriter(self.path, _SCHEMA, "hubevents-journal", on_error)
        self.flush = self._writer.flush
        self.close = self._writer.close

    @property
    def last_error(self) -> str | None:
        """The last failure as reported (the journal may fail before anyone listens)."""
        return self._writer.last_error

    # the calls below build plain data on the caller's thread and queue the write

    def start_table(self, table: EventTable, extra: dict[str, Any] | None = None) -> None:
        """Begin a new journal for ``table``. The rows are encoded on the writer thread, from a
        list taken here: rows replace their dicts rather than change them (EventRow.set_cell),
        so the writer always reads whole values, and an edit meanwhile queues its own rewrite."""
        meta = table_meta(table, extra)
        rows = list(table.rows)

        def write(db: sqlite3.Connection) -> None:
            _clear(db)
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            db.executemany(
                "INSERT INTO rows VALUES (?, ?, ?)",
                ((int(r.row_id), i, encode_row(r)) for i, r in enumerate(rows)),
            )

        self._writer.put(write)

    def update_meta(self, table: EventTable, extra: dict[str, Any] | None = None) -> None:
        meta = table_meta(table, extra)

        def write(db: sqlite3.Connection) -> None:
            db.executemany("REPLACE INTO meta VALUES (?, ?)", meta.items())

        self._writer.put(write)

    def rows_changed(self, rows: Iterable[EventRow], order: list[int] | None) -> None:
        """Rewrite some rows; with ``order`` (all row ids in table order), their positions."""
        encoded = [(int(r.row_id), encode_row(r)) for r in rows]

        def write(db: sqlite3.Connection) -> None:
            db.executemany(
                "INSERT INTO rows (row_id, data) VALUES (?, ?) "
                "ON CONFLICT(row_id) DO UPDATE SET data = excluded.data",
                encoded,
            )
            if order is not None:
                db.execute(
                    "DELETE FROM rows WHERE row_id NOT IN (SELECT value FROM json_each(?))",
                    (json.dumps(order),),
                )
                db.executemany(
                    "UPDATE rows SET position = ? WHERE row_id = ?",
                    ((i, row_id) for i, row_id in enumerate(order)),
                )

        self._writer.put(write)

    def outcomes_changed(
        self, entries: list[tuple[RowId, Outcome | None, RowStatus | None]]
    ) -> None:
        """Outcomes and states of rows (immutable values: encoded on the writer thread)."""

        def write(db: sqlite3.Connection) -> None:
            db.executemany(
                "REPLACE INTO outcomes VALUES (?, ?)",
                ((int(r), encode_outcome(o, s)) for r, o, s in entries),
            )

        self._writer.put(write)

    def discard(self) -> None:
        """Nothing to recover: the session was saved (or given up) on purpose."""
        self._writer.put(_clear)


def _clear(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM meta")
    db.execute("DELETE FROM rows")
    db.execute("DELETE FROM outcomes")
