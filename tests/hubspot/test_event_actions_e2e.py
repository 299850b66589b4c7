"""Cancel, complete, delete and archive of chosen rows against the sandbox server over loopback,
with faults (5xx, locks, dropped connections) and a tight rate limit: every row one exact
outcome, and what reads show afterwards."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.hubspot.action_plan import Action, plan_action
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

ZONE = ZoneInfo("Europe/Berlin")
APP = 424242


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    faults = Faults(server_errors=0.15, dropped=0.1, locked=0.05, seed=11)
    config = SandboxConfig(rate_limit=6, rate_interval_ms=300, faults=faults)
    with SandboxServer(Sandbox.demo(config)) as running:
        events = [
            {
                "externalAccountId": "acme",
                "externalEventId": f"E{n}",
                "eventName": f"Webinar {n}",
                "eventOrganizer": "Acme",
                "startDateTime": "2026-05-01T08:00:00Z",
                "endDateTime": "2026-05-01T09:00:00Z",
                "customProperties": [],
            }
            for n in range(1, 9)
        ]
        running.sandbox._store.upsert_all(APP, events, frozenset(), "2026-01-01T00:00:00.000Z")
        yield running


def settings_for(server: SandboxServer) -> ConnectionSettings:
    return ConnectionSettings(
        base_url=server.base_url,
        batch_size=2,
        concurrency=3,
        backoff_base=0.01,
        locked_wait=0.02,
        max_attempts=15,
        timeout=5.0,
    )


def row(n: int, event_id: str, account: str = "acme", **values: object) -> EventRow:
    return EventRow(
        RowId(n),
        n + 1,
        {"externalAccountId": account, "externalEventId": event_id, **values},  # type: ignore[dict-item]
    )


def act(server: SandboxServer, action: Action, *rows: EventRow) -> dict[RowId, RowStatus]:
    settings = settings_for(server)
    table = EventTable(None, "Events", list(rows))
    with HubSpotReader(settings, DEFAULT_TOKEN) as reader:
        plan = plan_action(action, rows, table, ZONE, 2, reader=reader, app_id=APP)
    got: dict[RowId, Outcome] = {o.row_id: o for o in plan.not_sent}
    lock = threading.Lock()

    def collect(outcomes: list[Outcome]) -> None:
        with lock:
            for outcome in outcomes:
                assert outcome.row_id not in got, "a row is reported once"
                got[outcome.row_id] = outcome

    engine = UpsertEngine(settings, DEFAULT_TOKEN, seed=3)
    try:
        engine.run(plan.batches, collect, endpoint=action.endpoint)
    finally:
        engine.close()
    assert set(got) == {r.row_id for r in rows}
    return {row_id: outcome.status for row_id, outcome in got.items()}


def test_each_action_gives_each_row_its_outcome_and_reads_show_what_it_did(
    server: SandboxServer,
) -> None:
    cancelled = act(server, Action.CANCEL, row(1, "E1"), row(2, "E2"), row(3, "NOPE"))
    assert cancelled == {1: RowStatus.CANCELLED, 2: RowStatus.CANCELLED, 3: RowStatus.FAILED}
    completed = act(
        server,
        Action.COMPLETE,
        row(4, "E3", startDateTime=datetime(2026, 5, 1, 9), endDateTime=datetime(2026, 5, 1, 12)),
        row(5, "E4"),  # no times of its own: HubSpot's are read
        row(6, "NOPE"),
    )
    assert completed == {4: RowStatus.COMPLETED, 5: RowStatus.COMPLETED, 6: RowStatus.NOT_SENT}
    deleted = act(
        server, Action.DELETE, *(row(n, f"E{n - 2}") for n in range(7, 11)), row(11, "PW-0042")
    )
    assert deleted == {
        **{RowId(n): RowStatus.DELETED for n in range(7, 11)},
        RowId(11): RowStatus.FAILED,  # another app's event: not deleted by external ids
    }
    archived = act(server, Action.ARCHIVE, row(12, "PW-0042", account="partner-eu"))
    assert archived == {12: RowStatus.DELETED}
    with HubSpotReader(settings_for(server), DEFAULT_TOKEN) as reader:
        assert (reader.event("acme", "E1") or {})["eventCancelled"] is True
        completed_e3 = reader.event("acme", "E3") or {}
        assert completed_e3["eventCompleted"] is True
        assert completed_e3["startDateTime"] == "2026-05-01T07:00:00.000Z"  # the row's, Berlin
        assert (reader.event("acme", "E4") or {})["endDateTime"] == "2026-05-01T09:00:00.000Z"
        assert reader.event("acme", "E5") is None
        listed = sorted(str(e["externalEventId"]) for e in reader.events())
    assert "PW-0042" not in listed
    assert [e for e in listed if e.startswith("E")] == ["E1", "E2", "E3", "E4"]


def test_the_faults_were_met(server: SandboxServer) -> None:
    # the same run as above, counted: faults and the rate limit cost requests, never outcomes
    before = server.sandbox.requests
    assert act(server, Action.CANCEL, *(row(n, f"E{n}") for n in range(1, 9))) == {
        RowId(n): RowStatus.CANCELLED for n in range(1, 9)
    }
    assert server.sandbox.requests - before > 8
