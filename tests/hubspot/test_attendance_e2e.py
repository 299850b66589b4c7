"""The sample attendee sheet sent to the sandbox server over loopback, with faults (5xx, locks,
dropped connections after the write): every row recorded once with the right contact, rows of
an event HubSpot does not hold not sent, and the counters read back as the rows say."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hubevents_gui.core.attendee_validation import contact_key, row_state
from hubevents_gui.core.checks import checks_for
from hubevents_gui.core.package_data import sample_path
from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.sheets import read_table
from hubevents_gui.hubspot.attendance import ATTENDANCE, event_of
from hubevents_gui.hubspot.attendance_run import (
    complete_events,
    plan_attendance,
    read_counters,
    touched_events,
)
from hubevents_gui.hubspot.batching import Batch, compose_batches
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.reader import HubSpotReader, ParticipationCounters
from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Faults,
    Sandbox,
    SandboxConfig,
    SandboxServer,
)
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.hubspot.wire import inputs_for

ZONE = ZoneInfo("Europe/Berlin")


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    faults = Faults(server_errors=0.1, dropped=0.1, locked=0.05, seed=5)
    with SandboxServer(Sandbox.demo(SandboxConfig(rate_limit=None, faults=faults))) as running:
        yield running


def settings_for(server: SandboxServer) -> ConnectionSettings:
    return ConnectionSettings(
        base_url=server.base_url,
        batch_size=4,
        concurrency=3,
        backoff_base=0.01,
        locked_wait=0.02,
        max_attempts=15,
        timeout=5.0,
    )


def send(engine: UpsertEngine, batches: list[Batch], **kwargs: object) -> dict[RowId, Outcome]:
    got: dict[RowId, Outcome] = {}
    counts: Counter[RowId] = Counter()

    def collect(outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            counts[outcome.row_id] += 1
            got[outcome.row_id] = outcome

    engine.run(batches, collect, **kwargs)  # type: ignore[arg-type]
    assert set(counts.values()) <= {1}, "no row twice"
    return got


def test_the_sample_attendees_are_recorded_once_each_and_counted(server: SandboxServer) -> None:
    settings = settings_for(server)
    engine = UpsertEngine(settings, DEFAULT_TOKEN, seed=2)
    events = read_table(sample_path("events"))
    valid_events = [
        r for r in events.rows if r.row_id not in checks_for(events).rows(events.rows, ZONE)
    ]
    items = list(zip([r.row_id for r in valid_events], inputs_for(valid_events, ZONE), strict=True))
    sent = send(engine, compose_batches(items, 10))
    assert {o.status for o in sent.values()} <= {RowStatus.CREATED, RowStatus.UPDATED}

    table = read_table(sample_path("attendees"))
    issues = checks_for(table).rows(table.rows, ZONE)
    valid = [r for r in table.rows if r.row_id not in issues]
    with HubSpotReader(settings, DEFAULT_TOKEN) as reader:
        plan = plan_attendance(reader, valid, table, ZONE, datetime.now(UTC), settings.batch_size)
    # the row of an event the sample does not have is said, not sent
    assert [o.message for o in plan.not_sent] == [
        "not sent: HubSpot holds no event acme-events/WEB-2025-099 for this app "
        "(send the event first, or check its ids)"
    ]
    got = send(engine, plan.batches, endpoint=ATTENDANCE)
    engine.close()
    assert set(got) == {r.row_id for r in plan.rows}
    assert {o.status for o in got.values()} == {RowStatus.RECORDED}
    by_contact: dict[str, set[str | None]] = {}
    for row in plan.rows:
        by_contact.setdefault(contact_key(row) or "", set()).add(got[row.row_id].hubspot_id)
    assert all(len(ids) == 1 for ids in by_contact.values()), "one contact, one id"
    assert by_contact["vid:101"] == {"101"}

    expected: dict[tuple[str, str], Counter[str]] = {}
    seen: set[tuple[object, ...]] = set()
    for row in plan.rows:
        key = event_of(row, table.defaults)
        state = row_state(row, table.defaults)
        assert key is not None
        assert state is not None
        if (key, state, contact_key(row)) not in seen:
            seen.add((key, state, contact_key(row)))
            expected.setdefault(key, Counter())[state] += 1
    with HubSpotReader(settings, DEFAULT_TOKEN) as reader:
        counters = read_counters(reader, touched_events(plan))
        assert plan.events is not None
        completed = complete_events(reader, plan.events, touched_events(plan))
    for key, counted in counters.items():
        assert isinstance(counted, ParticipationCounters), counted
        assert (counted.registered, counted.attended, counted.cancelled) == (
            expected[key]["register"],
            expected[key]["attend"],
            expected[key]["cancel"],
        )
    assert set(completed.values()) == {"completed"}
