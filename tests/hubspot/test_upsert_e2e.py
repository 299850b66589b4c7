"""The engine against the sandbox server over loopback, with seeded faults: every row ends with
the right outcome and HubSpot id, none twice, none lost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.hubspot.batching import compose_batches
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Faults,
    Sandbox,
    SandboxConfig,
    SandboxServer,
    TokenInfo,
)
from hubevents_gui.hubspot.settings import ConnectionSettings

APP = 424242


def work(count: int, bad: frozenset[int] = frozenset()) -> list[tuple[RowId, dict[str, Any]]]:
    rows = []
    for n in range(count):
        body: dict[str, Any] = {
            "externalAccountId": f"acct-{n % 3}",
            "externalEventId": f"E{n}",
            # names repeat, so attribution has to look at more than the name
            "eventName": f"Weekly webinar {n % 5}",
            "eventOrganizer": "Acme",
            "startDateTime": f"2026-{1 + n % 12:02d}-{1 + n % 27:02d}T09:30:00.000Z",
            "customProperties": [{"name": "region", "value": "EMEA"}],
        }
        if n in bad:
            body["startDateTime"] = "next tuesday"
        rows.append((RowId(n), body))
    return rows


@pytest.fixture
def sandbox_server(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    config: SandboxConfig = request.param
    with SandboxServer(Sandbox(config)) as server:
        yield server


def run(
    server: SandboxServer, rows: list[tuple[RowId, dict[str, Any]]], **settings: Any
) -> tuple[dict[RowId, Outcome], Any]:
    defaults: dict[str, Any] = {
        "base_url": server.base_url,
        "backoff_base": 0.02,
        "locked_wait": 0.05,
        "max_attempts": 12,
        "timeout": 5.0,
    }
    defaults.update(settings)
    engine = UpsertEngine(ConnectionSettings(**defaults), DEFAULT_TOKEN, seed=3)
    got: dict[RowId, Outcome] = {}
    counts: Counter[RowId] = Counter()

    def collect(outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            counts[outcome.row_id] += 1
            got[outcome.row_id] = outcome

    report = engine.run(compose_batches(rows, engine.settings.batch_size), collect)
    engine.close()
    assert set(got) == {row_id for row_id, _ in rows}, "no row lost"
    assert set(counts.values()) == {1}, "no row twice"
    return got, report


def assert_ids_match(
    server: SandboxServer, rows: list[tuple[RowId, dict[str, Any]]], got: dict[RowId, Outcome]
) -> None:
    for row_id, body in rows:
        outcome = got[row_id]
        if outcome.status in (RowStatus.CREATED, RowStatus.UPDATED):
            event = server.sandbox.event(APP, body["externalAccountId"], body["externalEventId"])
            assert event is not None
            assert outcome.hubspot_id == event["id"], f"row {row_id} got another event's id"


FAULTY = SandboxConfig(
    tokens={DEFAULT_TOKEN: TokenInfo(app_id=APP)},
    rate_limit=None,
    faults=Faults(server_errors=0.15, dropped=0.1, locked=0.05, seed=11),
)
STORMY = SandboxConfig(
    tokens={DEFAULT_TOKEN: TokenInfo(app_id=APP)},
    rate_limit=8,
    rate_interval_ms=400,
    faults=Faults(retry_after=False),
)


@pytest.mark.parametrize("sandbox_server", [FAULTY], indirect=True)
def test_5xx_locks_and_dropped_connections(sandbox_server: SandboxServer) -> None:
    rows = work(600)
    got, report = run(sandbox_server, rows, batch_size=20, concurrency=4)
    assert Counter(o.status for o in got.values()) == {RowStatus.CREATED: 600}
    assert report.retries > 0
    assert_ids_match(sandbox_server, rows, got)
    assert len(sandbox_server.sandbox.events) == 600  # resends did not make duplicates


@pytest.mark.parametrize("sandbox_server", [STORMY], indirect=True)
def test_a_429_storm_without_retry_after(sandbox_server: SandboxServer) -> None:
    # four workers, and the limiter knows nothing until the first answer
    rows = work(300)
    got, report = run(sandbox_server, rows, batch_size=10, concurrency=4)
    assert Counter(o.status for o in got.values()) == {RowStatus.CREATED: 300}
    assert_ids_match(sandbox_server, rows, got)
    # learned from the headers: the limit is kept, not hammered
    assert report.rate_limited <= 2


@pytest.mark.parametrize(
    "sandbox_server",
    [SandboxConfig(tokens={DEFAULT_TOKEN: TokenInfo(app_id=APP)}, rate_limit=None)],
    indirect=True,
)
def test_bad_rows_inside_batches_and_a_second_run_updates(sandbox_server: SandboxServer) -> None:
    rows = work(250, bad=frozenset({3, 140, 141}))
    got, report = run(sandbox_server, rows, batch_size=50, concurrency=3)
    failed = {r for r, o in got.items() if o.status is RowStatus.FAILED}
    assert failed == {RowId(3), RowId(140), RowId(141)}
    assert all(got[r].http_status == 400 for r in failed)
    assert "next tuesday" in got[RowId(140)].message
    assert report.counts.created == 247
    assert_ids_match(sandbox_server, rows, got)
    first_ids = {r: o.hubspot_id for r, o in got.items()}
    good = [(r, b) for r, b in rows if r not in failed]
    again, report2 = run(sandbox_server, good, batch_size=50, concurrency=3)
    assert report2.counts.updated == 247
    assert all(again[r].hubspot_id == first_ids[r] for r, _ in good)


SMALL_BATCHES = SandboxConfig(
    tokens={DEFAULT_TOKEN: TokenInfo(app_id=APP)}, rate_limit=None, batch_cap=30
)


@pytest.mark.parametrize("sandbox_server", [SMALL_BATCHES], indirect=True)
def test_a_batch_the_endpoint_finds_too_large_is_split_to_its_size(
    sandbox_server: SandboxServer,
) -> None:
    rows = work(450)
    got, report = run(sandbox_server, rows, batch_size=100, concurrency=2)
    assert Counter(o.status for o in got.values()) == {RowStatus.CREATED: 450}
    assert_ids_match(sandbox_server, rows, got)
    # each 100 goes as 30+30+30+10 (the 50 as 30+20): 18 requests, plus the first ones in
    # flight (one per worker) that were told; every later batch is cut before it goes
    assert report.requests <= 18 + 2


def test_too_large_is_told_from_a_bad_row() -> None:
    from hubevents_gui.hubspot.errors import batch_limit

    assert batch_limit(400, "at most 30 inputs per request, got 100") == 30
    assert batch_limit(400, "Batch size exceeds the limit") == 0
    assert batch_limit(400, "too many inputs") == 0
    assert batch_limit(400, "startDateTime: not a date") is None
    assert batch_limit(500, "at most 30 inputs") is None


def test_an_address_nobody_answers_fails_rows_with_a_sentence() -> None:
    import socket

    with socket.socket() as probe:  # bound but never listening: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        settings = ConnectionSettings(
            base_url=f"http://127.0.0.1:{port}", max_attempts=2, backoff_base=0.01
        )
        engine = UpsertEngine(settings, DEFAULT_TOKEN)
        got: list[Outcome] = []
        engine.run(compose_batches(work(3), 100), got.extend)
        engine.close()
    assert {o.status for o in got} == {RowStatus.FAILED}
    assert got[0].message == (
        f"Could not reach 127.0.0.1:{port}: the connection was refused. (gave up after 2 attempts)"
    )
