"""The engine's report under eight concurrent workers and injected faults: every count equals
what the rows and the server saw, run after run (the counters are changed under one lock)."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from hubevents_gui.core.rows import Outcome, RowId
from hubevents_gui.core.tally import Tally
from hubevents_gui.hubspot.batching import compose_batches
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Faults,
    Sandbox,
    SandboxConfig,
    SandboxTransport,
)
from hubevents_gui.hubspot.settings import SANDBOX_URL, ConnectionSettings
from tests.hubspot.test_upsert_e2e import work


@pytest.fixture(autouse=True)
def _threads_switch_often() -> Iterator[None]:
    # hand the GIL over every microsecond, so an unguarded read-modify-write would lose counts
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.parametrize("seed", range(12))
def test_the_report_equals_the_outcomes_and_the_requests_the_server_saw(seed: int) -> None:
    faults = Faults(server_errors=0.15, dropped=0.1, locked=0.1, seed=seed)
    sandbox = Sandbox(SandboxConfig(rate_limit=None, faults=faults))
    settings = ConnectionSettings(
        base_url=SANDBOX_URL,
        batch_size=4,
        concurrency=8,
        backoff_base=0.001,
        locked_wait=0.001,
        max_attempts=8,
    )
    engine = UpsertEngine(
        settings, DEFAULT_TOKEN, transport=SandboxTransport(sandbox, sleep=lambda _s: None)
    )
    rows = work(240, bad=frozenset({7, 99, 200}))
    seen: Counter[RowId] = Counter()
    tally = Tally()
    lock = threading.Lock()
    callers: set[int] = set()

    def collect(outcomes: list[Outcome]) -> None:
        with lock:
            callers.add(threading.get_ident())
            seen.update(o.row_id for o in outcomes)
            tally.add_outcomes(outcomes)

    try:
        report = engine.run(compose_batches(rows, settings.batch_size), collect)
    finally:
        engine.close()
    assert set(seen) == {row_id for row_id, _ in rows}
    assert max(seen.values()) == 1  # no row twice
    assert report.counts == tally
    assert report.counts.failed >= 3  # the bad rows, each isolated
    # every request the engine counted reached the server, and nothing else did
    assert report.requests + report.confirm_requests == sandbox.requests
    assert report.retries > 0
    assert len(callers) > 1  # outcomes came from several workers


def test_stopping_the_wait_says_may_have_reached_only_of_rows_that_were_sent() -> None:
    import time as clock

    from hubevents_gui.core.rows import RowStatus
    from hubevents_gui.hubspot.sandbox import Faults, Sandbox, SandboxConfig, SandboxTransport

    sandbox = Sandbox(SandboxConfig(rate_limit=None, faults=Faults(latency=0.5)))
    settings = ConnectionSettings(base_url=SANDBOX_URL, batch_size=10, concurrency=1)
    engine = UpsertEngine(settings, DEFAULT_TOKEN, transport=SandboxTransport(sandbox))
    outcomes: list[Outcome] = []
    cancel, abandon = threading.Event(), threading.Event()

    def stop_soon() -> None:
        while sandbox.requests < 1:
            clock.sleep(0.01)
        abandon.set()  # one request of 10 rows in flight, four batches queued

    threading.Thread(target=stop_soon, daemon=True).start()
    engine.run(compose_batches(work(50), 10), outcomes.extend, cancel, abandon)
    engine.close()
    doubtful = [o for o in outcomes if "may have reached HubSpot" in o.message]
    never = [o for o in outcomes if o.message == "not sent: the run was cancelled"]
    assert {o.status for o in outcomes} == {RowStatus.NOT_SENT}
    assert (len(doubtful), len(never)) == (10, 40)
