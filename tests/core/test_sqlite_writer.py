"""The writer thread of the journal and the run history survives failing writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.sqlite_writer import SqliteWriter
from hubevents_gui.core.tally import Tally

SCHEMA = "CREATE TABLE IF NOT EXISTS t (v TEXT NOT NULL);"


def insert(value: str | None):  # type: ignore[no-untyped-def]
    def write(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO t VALUES (?)", (value,))

    return write


def values(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [v for (v,) in db.execute("SELECT v FROM t ORDER BY rowid")]


def test_a_failing_write_is_rolled_back_reported_and_later_writes_land(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    reported: list[str] = []
    writer = SqliteWriter(path, SCHEMA, "test-writer", reported.append)
    try:
        writer.put(insert("before"))
        writer.put(insert(None))  # NOT NULL: this one fails
        writer.put(insert("beside"))  # in the same transaction: kept all the same
        assert writer.flush(5)
        writer.put(insert("after"))
        assert writer.flush(5)  # never a silent timeout
    finally:
        writer.close()
    assert values(path) == ["before", "beside", "after"]
    assert len(reported) == 1
    assert "w.sqlite" in reported[0]
    assert "NOT NULL" in reported[0]
    assert writer.failures == 1
    assert writer.last_error == reported[0]


def test_a_write_that_raises_something_else_is_survived_too(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    reported: list[str] = []
    writer = SqliteWriter(path, SCHEMA, "test-writer", reported.append)

    def broken(_db: sqlite3.Connection) -> None:
        raise RuntimeError("dictionary changed size during iteration")

    try:
        writer.put(broken)
        writer.put(insert("still here"))
        assert writer.flush(5)
    finally:
        writer.close()
    assert values(path) == ["still here"]
    assert "dictionary changed size" in reported[0]


def test_a_file_that_cannot_be_opened_is_reported_and_flushes_still_return(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    reported: list[str] = []
    writer = SqliteWriter(blocker / "w.sqlite", SCHEMA, "test-writer", reported.append)
    try:
        writer.put(insert("lost"))
        assert writer.flush(5)
    finally:
        writer.close()
    assert len(reported) == 1
    assert reported[0].startswith("opening w.sqlite failed")


def test_the_run_history_reports_through_its_handler(tmp_path: Path) -> None:
    reported: list[str] = []
    history = RunHistory(tmp_path / "history.sqlite", on_error=reported.append)
    run_id = history.start_run("sandbox", "events.xlsx", "Events", [])
    history.finish_run(run_id, Tally(1, 2, 3, 4), 5, "")
    history.flush()
    history.close()
    run = history.runs()[0]
    assert (run.created, run.updated, run.failed, run.not_sent, run.requests) == (1, 2, 3, 4, 5)
    assert reported == []


def test_a_commit_that_fails_is_rolled_back_and_the_writer_goes_on(tmp_path: Path) -> None:
    schema = (
        "PRAGMA foreign_keys = ON;"
        "CREATE TABLE IF NOT EXISTS parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE IF NOT EXISTS t (v TEXT NOT NULL, p INTEGER REFERENCES parent(id)"
        " DEFERRABLE INITIALLY DEFERRED);"
    )
    path = tmp_path / "w.sqlite"
    reported: list[str] = []
    writer = SqliteWriter(path, schema, "test-writer", reported.append)

    def orphan(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO t VALUES ('orphan', 42)")  # only refused at COMMIT

    def after(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO t VALUES ('after', NULL)")

    try:
        writer.put(orphan)
        assert writer.flush(5)
        writer.put(after)
        assert writer.flush(5)
    finally:
        writer.close()
    assert values(path) == ["after"]
    assert len(reported) == 1
    assert "FOREIGN KEY" in reported[0]


def test_a_damaged_history_is_moved_aside_said_once_and_a_fresh_one_started(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"this is not a database at all, only some bytes" * 100)
    reported: list[str] = []
    history = RunHistory(path, reported.append)
    run_id = history.start_run("sandbox", "e.xlsx", "Events", [])
    history.finish_run(run_id, Tally(created=1), 1, "")
    history.flush()
    history.close()
    (moved,) = tmp_path.glob("history.sqlite.damaged-*")
    assert moved.read_bytes().startswith(b"this is not a database")  # kept for a look
    assert reported == [
        f"history.sqlite was damaged: it was moved aside to {moved.name} (in {tmp_path}) and "
        "a fresh one was started"
    ]
    (run,) = RunHistory(path).runs()
    assert run.created == 1


def test_a_file_that_cannot_be_opened_is_not_taken_for_a_damaged_one(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    path.mkdir()  # cannot be opened as a database, but nothing in it is damaged
    (path / "keep.txt").write_text("mine")
    reported: list[str] = []
    writer = SqliteWriter(path, SCHEMA, "test-writer", reported.append)
    writer.put(insert("x"))
    assert writer.flush(5)
    writer.close()
    assert not list(tmp_path.glob("*.damaged-*"))
    assert (path / "keep.txt").read_text() == "mine"
    assert len(reported) == 1
    assert "damaged" not in reported[0]


def test_a_folder_in_place_of_the_history_reads_as_no_runs(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.mkdir()
    assert RunHistory(path).runs() == []


def test_damage_deep_in_the_history_found_by_a_write_starts_it_afresh(tmp_path: Path) -> None:
    import random

    path = tmp_path / "history.sqlite"
    history = RunHistory(path)
    for _ in range(300):
        history.finish_run(history.start_run("sandbox", "e.xlsx", "Events", []), Tally(), 0, "")
    history.close()
    data = bytearray(path.read_bytes())
    noise = random.Random(7).randbytes(len(data) - 8192 - 4096)
    data[8192 : len(data) - 4096] = noise  # the header and first pages intact: it opens
    path.write_bytes(bytes(data))
    reported: list[str] = []
    history = RunHistory(path, reported.append)
    run_id = history.start_run("sandbox", "e.xlsx", "Events", [])
    history.finish_run(run_id, Tally(created=1), 1, "")
    history.flush()
    history.close()
    assert [m for m in reported if "was damaged: it was moved aside" in m]
    assert list(tmp_path.glob("history.sqlite.damaged-*"))
    (run,) = RunHistory(path).runs()
    assert run.created == 1  # the run is recorded, in the fresh file
