"""Reading, planning and sending an undo (hubspot.undo_run, the window's and the command line's
one way) against the sandbox server over loopback, with faults and a tight rate limit: the
portal ends exactly as before the run; stopped while putting back, the deletions are not
started and each of their rows says so; a run sent elsewhere is refused before any request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Tally
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.reader import HubSpotReader
from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Faults,
    Sandbox,
    SandboxConfig,
    SandboxServer,
)
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.snapshot import read_snapshot
from hubevents_gui.hubspot.undo_run import (
    NOT_STARTED,
    OtherConnectionError,
    read_undo,
    run_undo,
    undo_job,
)

APP = 424242
NOW = "2026-01-01T00:00:00.000Z"


def body(event_id: str, name: str) -> dict[str, Any]:
    return {
        "externalAccountId": "acme",
        "externalEventId": event_id,
        "eventName": name,
        "eventOrganizer": "Acme",
        "customProperties": [],
    }


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    faults = Faults(server_errors=0.15, dropped=0.1, locked=0.05, seed=5)
    config = SandboxConfig(rate_limit=6, rate_interval_ms=300, faults=faults)
    with SandboxServer(Sandbox.demo(config)) as running:
        store = running.sandbox._store
        store.upsert_all(
            APP, [body(f"E{n}", f"Webinar {n}") for n in range(1, 7)], frozenset(), NOW
        )
        yield running


def held(server: SandboxServer) -> dict[str, dict[str, Any]]:
    return {
        key[2]: {k: v for k, v in event.items() if k != "updatedAt"}
        for key, event in server.sandbox.events.items()
        if key[0] == APP
    }


def settings_for(server: SandboxServer) -> ConnectionSettings:
    return ConnectionSettings(
        base_url=server.base_url, batch_size=2, concurrency=3, backoff_base=0.01,
        locked_wait=0.02, max_attempts=15, timeout=5.0,
    )  # fmt: skip


def recorded_run(server: SandboxServer, history: RunHistory) -> str:
    """An upsert run that renamed E1-E4 and created N1-N3, recorded with its snapshot (read
    as a run reads it) and applied to the sandbox as HubSpot would have stored it."""
    bodies = [body(f"E{n}", f"Renamed {n}") for n in range(1, 5)]
    bodies += [body(f"N{n}", f"New {n}") for n in range(1, 4)]
    settings = settings_for(server)
    with HubSpotReader(settings, DEFAULT_TOKEN) as reader:
        keys = [(str(b["externalAccountId"]), str(b["externalEventId"])) for b in bodies]
        priors = read_snapshot(reader, keys).priors()
    run = history.start_run(
        settings.describe(), "e.xlsx", "Events",
        [(RowId(n), n + 2, 0, b) for n, b in enumerate(bodies)], kind="upsert", snapshots=priors,
    )  # fmt: skip
    server.sandbox._store.upsert_all(APP, bodies, frozenset(), NOW)
    history.record_outcomes(
        run,
        [
            Outcome(RowId(n), RowStatus.UPDATED if n < 4 else RowStatus.CREATED, str(n))
            for n in range(len(bodies))
        ],
    )
    history.finish_run(run, Tally(created=3, updated=4), 1, "")
    history.flush()  # written on its own thread
    return run


def test_the_undo_leaves_the_portal_as_it_was_before_the_run(
    server: SandboxServer, tmp_path: Path
) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    before = held(server)
    run_id = recorded_run(server, history)
    settings = settings_for(server)
    with HubSpotReader(settings, DEFAULT_TOKEN) as reader:
        planned = read_undo(history, run_id, reader)
    assert planned.app_id == str(APP)
    assert planned.portal == "portal 12345678"
    assert (len(planned.plan.restores), len(planned.plan.deletions)) == (4, 3)
    job = undo_job(planned, settings.batch_size)
    outcomes: list[Outcome] = []
    engine = UpsertEngine(settings, DEFAULT_TOKEN)
    try:
        report = run_undo(job, engine, outcomes.extend, threading.Event(), threading.Event())
    finally:
        engine.close()
    assert held(server) == before
    assert (report.counts.updated, report.counts.deleted, report.counts.done) == (4, 3, 7)
    assert sorted(o.row_id for o in outcomes) == list(range(1, 8))  # one outcome per row
    history.close()


def test_stopped_while_putting_back_the_deletions_are_not_started(
    server: SandboxServer, tmp_path: Path
) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    run_id = recorded_run(server, history)
    settings = settings_for(server)
    with HubSpotReader(settings, DEFAULT_TOKEN) as reader:
        planned = read_undo(history, run_id, reader)
    job = undo_job(planned, settings.batch_size)
    cancel = threading.Event()
    outcomes: list[Outcome] = []

    def collect(batch: list[Outcome]) -> None:
        outcomes.extend(batch)
        cancel.set()  # the user stops the undo at its first answer

    engine = UpsertEngine(settings, DEFAULT_TOKEN)
    try:
        report = run_undo(job, engine, collect, cancel, threading.Event())
    finally:
        engine.close()
    deletions = {r.row_id for r in job.gone.rows}
    told = {o.row_id: o for o in outcomes}
    assert set(told) == {r.row_id for r in job.whole.rows}  # every row has its outcome
    assert {told[r].message for r in deletions} == {NOT_STARTED}
    assert {"N1", "N2", "N3"} <= set(held(server))  # nothing was deleted
    assert report.counts.done == len(job.whole.rows)
    history.close()


def test_a_run_sent_elsewhere_is_refused_before_any_request(
    server: SandboxServer, tmp_path: Path
) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    run_id = recorded_run(server, history)
    elsewhere = ConnectionSettings(base_url="http://127.0.0.1:9", timeout=1.0)
    with HubSpotReader(elsewhere, DEFAULT_TOKEN) as reader:
        with pytest.raises(OtherConnectionError, match=f"run {run_id} was sent to http"):
            read_undo(history, run_id, reader)
        assert reader.requests == 0
    history.close()
