"""Run history: every upsert run, with per row the payload sent, the outcome, the HubSpot id,
the error and the timing, in SQLite in the app's data folder. Rows are recorded before anything
is sent, and each outcome as it arrives, so a run that was killed still shows exactly which
rows (and which of its planned batches) HubSpot confirmed. Never the token.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from hubevents_gui.core.history_export import export_rows
from hubevents_gui.core.rows import Outcome, RowId
from hubevents_gui.core.run_summary import (
    INTERRUPTED,
    NO_ANSWER,
    PENDING,
    RunRow,
    RunSummary,
)
from hubevents_gui.core.sqlite_writer import ErrorHandler, SqliteWriter
from hubevents_gui.core.tally import Tally

__all__ = ["INTERRUPTED", "NO_ANSWER", "PENDING", "RunHistory", "RunRow", "RunSummary"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, started REAL, finished REAL, connection TEXT, file TEXT, sheet TEXT,
    rows INTEGER, created INTEGER, updated INTEGER, failed INTEGER, not_sent INTEGER,
    requests INTEGER, stopped TEXT, recorded INTEGER DEFAULT 0, cancelled INTEGER DEFAULT 0,
    completed INTEGER DEFAULT 0, deleted INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS run_rows (
    run_id TEXT, row_id INTEGER, source_row INTEGER, batch INTEGER, payload TEXT,
    status TEXT, hubspot_id TEXT, message TEXT, http_status INTEGER, done REAL,
    PRIMARY KEY (run_id, row_id)
);
CREATE INDEX IF NOT EXISTS run_rows_by_run ON run_rows (run_id);
"""


#: counts of runs added after the first version, in the order they came: a file from before
#: one has no column for it
_ADDED_COUNTS = ("recorded", "cancelled", "completed", "deleted")


def _migrate(db: sqlite3.Connection) -> None:
    """A history file from before attendees (or actions on events) lacks their counts: it
    gets them (0)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    for name in _ADDED_COUNTS:
        if name not in columns:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} INTEGER DEFAULT 0")


class RunHistory:
    def __init__(self, path: Path, on_error: ErrorHandler | None = None) -> None:
        self.path = Path(path)
        self._on_error = on_error
        # the writer (a thread) starts with the first run: reading needs none
        self._writer: SqliteWriter | None = None

    def _put(self, write: Callable[[sqlite3.Connection], None]) -> None:
        if self._writer is None:
            self._writer = SqliteWriter(
                self.path, _SCHEMA, "hubevents-history", self._on_error, _migrate
            )
        self._writer.put(write)

    def flush(self) -> None:
        if self._writer is not None:
            self._writer.flush()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def start_run(
        self,
        connection: str,
        file: str,
        sheet: str,
        rows: Sequence[tuple[RowId, int | None, int, dict[str, Any]]],
    ) -> str:
        """Record a run and its rows (row id, spreadsheet row, planned batch, payload) before
        anything is sent; returns the run's id."""
        run_id = uuid.uuid4().hex
        started = time.time()
        encoded = [
            (run_id, int(r), source, batch, json.dumps(payload, ensure_ascii=False), PENDING)
            for r, source, batch, payload in rows
        ]

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO runs (id, started, connection, file, sheet, rows, created,"
                " updated, failed, not_sent, requests, stopped)"
                " VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, '')",
                (run_id, started, connection, file, sheet, len(rows)),
            )
            db.executemany(
                "INSERT INTO run_rows (run_id, row_id, source_row, batch, payload, status)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                encoded,
            )

        self._put(write)
        return run_id

    def record_outcomes(self, run_id: str, outcomes: Sequence[Outcome]) -> None:
        done = time.time()
        values = [
            (o.status.value, o.hubspot_id, o.summary, o.http_status, done, run_id, int(o.row_id))
            for o in outcomes
        ]

        def write(db: sqlite3.Connection) -> None:
            db.executemany(
                "UPDATE run_rows SET status = ?, hubspot_id = ?, message = ?, http_status = ?,"
                " done = ? WHERE run_id = ? AND row_id = ?",
                values,
            )

        self._put(write)

    def finish_run(self, run_id: str, tally: Tally, requests: int, stopped: str) -> None:
        finished = time.time()

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "UPDATE runs SET finished = ?, created = ?, updated = ?, failed = ?, not_sent = ?,"
                " requests = ?, stopped = ?, recorded = ?, cancelled = ?, completed = ?,"
                " deleted = ? WHERE id = ?",
                (
                    finished,
                    tally.created,
                    tally.updated,
                    tally.failed,
                    tally.not_sent,
                    requests,
                    stopped,
                    tally.recorded,
                    tally.cancelled,
                    tally.completed,
                    tally.deleted,
                    run_id,
                ),
            )

        self._put(write)

    # ---------------------------------------------------------------- reading

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if not self.path.exists():
            return []
        try:
            connection = sqlite3.connect(self.path)  # a folder in its place fails here
        except sqlite3.Error:
            return []
        try:
            return list(connection.execute(sql, args))
        except sqlite3.Error:
            return []
        finally:
            connection.close()

    def runs(self) -> list[RunSummary]:
        """Newest first. A run that never finished (killed) counts its rows as recorded: those
        with no outcome are "no answer", so that every run's counts add up to its rows."""
        found = []
        # a file from before attendees or actions (not yet written by this version) lacks
        # their counts: 0 in their place
        present = {row[1] for row in self._read("PRAGMA table_info(runs)")}
        added = ", ".join(n if n in present else "0" for n in _ADDED_COUNTS)
        for row in self._read(
            "SELECT id, started, finished, connection, file, sheet, rows, created, updated,"
            f" failed, not_sent, requests, stopped, {added} FROM runs ORDER BY started DESC"
        ):
            recorded, cancelled, completed, deleted = (int(n or 0) for n in row[13:])
            summary = replace(
                RunSummary(*row[:13]),
                recorded=recorded,
                cancelled=cancelled,
                completed=completed,
                deleted=deleted,
            )
            if summary.interrupted:
                counts = Tally.of(
                    dict(
                        self._read(
                            "SELECT status, COUNT(*) FROM run_rows WHERE run_id = ?"
                            " GROUP BY status",
                            (summary.id,),
                        )
                    )
                )
                summary = replace(
                    summary,
                    created=counts.created,
                    updated=counts.updated,
                    failed=counts.failed,
                    not_sent=counts.not_sent,
                    recorded=counts.recorded,
                    cancelled=counts.cancelled,
                    completed=counts.completed,
                    deleted=counts.deleted,
                    stopped=INTERRUPTED,
                )
            # pending rows, and rows whose record never reached the file, had no answer
            counted = summary.stored + summary.failed + summary.not_sent
            found.append(replace(summary, no_answer=max(0, summary.rows - counted)))
        return found

    def rows(self, run_id: str) -> list[RunRow]:
        return [
            RunRow(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6] or "", r[7], r[8])
            for r in self._read(
                "SELECT row_id, source_row, batch, payload, status, hubspot_id, message,"
                " http_status, done FROM run_rows WHERE run_id = ? ORDER BY batch, row_id",
                (run_id,),
            )
        ]

    def confirmed_batches(self, run_id: str) -> dict[int, tuple[int, int]]:
        """Planned batch -> (rows HubSpot confirmed, rows in it)."""
        return {
            batch: (confirmed, total)
            for batch, confirmed, total in self._read(
                "SELECT batch, SUM(status IN ('created', 'updated', 'recorded', 'cancelled',"
                " 'completed', 'deleted')), COUNT(*)"
                " FROM run_rows WHERE run_id = ? GROUP BY batch ORDER BY batch",
                (run_id,),
            )
        }

    def export(self, run_id: str, path: Path) -> None:
        """The run's rows as a workbook (see history_export); raises ResultsError saying why not."""
        export_rows(self.rows(run_id), path)
