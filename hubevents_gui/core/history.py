"""Run history: every upsert run, with per row the payload sent, the outcome, the HubSpot id,
the error and the timing, in SQLite in the app's data folder. Rows are recorded before anything
is sent, and each outcome as it arrives, so a run that was killed still shows exactly which
rows (and which of its planned batches) HubSpot confirmed. Never the token.

An upsert run also keeps HubSpot's prior copy of every event it is about to send (``snapshots``,
recorded with the run, before anything is sent): with the payloads, what undoing it needs. An
undo is a run too (kind ``undo``, ``undoes`` naming the run it took back).
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
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
    completed INTEGER DEFAULT 0, deleted INTEGER DEFAULT 0,
    kind TEXT DEFAULT '', undoes TEXT DEFAULT '', snapshot INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS run_rows (
    run_id TEXT, row_id INTEGER, source_row INTEGER, batch INTEGER, payload TEXT,
    status TEXT, hubspot_id TEXT, message TEXT, http_status INTEGER, done REAL,
    PRIMARY KEY (run_id, row_id)
);
CREATE INDEX IF NOT EXISTS run_rows_by_run ON run_rows (run_id);
CREATE TABLE IF NOT EXISTS snapshots (
    run_id TEXT, external_account_id TEXT, external_event_id TEXT, prior_json TEXT,
    PRIMARY KEY (run_id, external_account_id, external_event_id)
);
"""

#: columns of ``runs`` later versions added, with their definitions: a file an older version
#: made gets them (with their defaults) when this version first writes to it
_ADDED_COLUMNS = {
    "recorded": "INTEGER DEFAULT 0",
    "cancelled": "INTEGER DEFAULT 0",
    "completed": "INTEGER DEFAULT 0",
    "deleted": "INTEGER DEFAULT 0",
    "kind": "TEXT DEFAULT ''",
    "undoes": "TEXT DEFAULT ''",
    "snapshot": "INTEGER DEFAULT 0",
}

#: what an event's prior copy is keyed by: (externalAccountId, externalEventId)
SnapshotKey = tuple[str, str]


def _migrate(db: sqlite3.Connection) -> None:
    """A history file from before attendees, actions on events or undo lacks their counts,
    kind, undone run and snapshot flag: it gets them (the snapshots table the schema makes)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    for name, definition in _ADDED_COLUMNS.items():
        if name not in columns:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} {definition}")


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
        *,
        kind: str = "",
        undoes: str = "",
        snapshots: Mapping[SnapshotKey, dict[str, Any] | None] | None = None,
    ) -> str:
        """Record a run and its rows (row id, spreadsheet row, planned batch, payload) before
        anything is sent; returns the run's id. ``kind``: "upsert", "attendance", "undo";
        ``undoes``: the run an undo takes back; ``snapshots``: HubSpot's prior copy of each
        event the run sends (None for one HubSpot did not hold), in the same transaction."""
        run_id = uuid.uuid4().hex
        started = time.time()
        encoded = [
            (run_id, int(r), source, batch, json.dumps(payload, ensure_ascii=False), PENDING)
            for r, source, batch, payload in rows
        ]
        priors = [
            (run_id, account, event, None if prior is None else json.dumps(prior))
            for (account, event), prior in (snapshots or {}).items()
        ]

        def write(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO runs (id, started, connection, file, sheet, rows, created,"
                " updated, failed, not_sent, requests, stopped, kind, undoes, snapshot)"
                " VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, '', ?, ?, ?)",
                (
                    run_id,
                    started,
                    connection,
                    file,
                    sheet,
                    len(rows),
                    kind,
                    undoes,
                    int(snapshots is not None),
                ),
            )
            db.executemany(
                "INSERT INTO run_rows (run_id, row_id, source_row, batch, payload, status)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                encoded,
            )
            db.executemany(
                "INSERT OR REPLACE INTO snapshots (run_id, external_account_id,"
                " external_event_id, prior_json) VALUES (?, ?, ?, ?)",
                priors,
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

    def _columns(self) -> set[str]:
        return {str(row[1]) for row in self._read("PRAGMA table_info(runs)")}

    def runs(self) -> list[RunSummary]:
        """Newest first. A run that never finished (killed) counts its rows as recorded: those
        with no outcome are "no answer", so that every run's counts add up to its rows."""
        found = []
        # a file an older version wrote (and this one has not yet) lacks the later columns
        present = self._columns()
        added = [name for name in _ADDED_COLUMNS if name in present]
        select = (
            "SELECT id, started, finished, connection, file, sheet, rows, created, updated,"
            " failed, not_sent, requests, stopped" + "".join(f", {n}" for n in added) + " FROM"
            " runs ORDER BY started DESC"
        )
        # a run is undone once an undo of it changed anything in HubSpot (an undo refused
        # whole, by a revoked token say, leaves it to be undone again)
        undone = (
            "SELECT undoes, id FROM runs AS u WHERE undoes != '' AND EXISTS (SELECT 1 FROM"
            " run_rows WHERE run_id = u.id AND status IN ('created', 'updated', 'deleted'))"
            " ORDER BY started"
        )
        undone_by = dict(self._read(undone)) if "undoes" in present else {}
        for row in self._read(select):
            extra = dict(zip(added, row[13:], strict=True))
            summary = replace(
                RunSummary(*row[:13]),
                recorded=extra.get("recorded") or 0,
                cancelled=extra.get("cancelled") or 0,
                completed=extra.get("completed") or 0,
                deleted=extra.get("deleted") or 0,
                kind=extra.get("kind") or "",
                undoes=extra.get("undoes") or "",
                has_snapshot=bool(extra.get("snapshot")),
                undone_by=str(undone_by.get(row[0], "")),
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

    def run(self, run_id: str) -> RunSummary | None:
        return next((r for r in self.runs() if r.id == run_id), None)

    def snapshots(self, run_id: str) -> dict[SnapshotKey, dict[str, Any] | None]:
        """HubSpot's prior copy of each event the run sent (None: HubSpot did not hold it)."""
        return {
            (str(account), str(event)): None if prior is None else json.loads(prior)
            for account, event, prior in self._read(
                "SELECT external_account_id, external_event_id, prior_json FROM snapshots"
                " WHERE run_id = ?",
                (run_id,),
            )
        }

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
