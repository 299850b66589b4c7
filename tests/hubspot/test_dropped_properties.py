"""Custom properties HubSpot drops (the account defines no such property): the rows are still
created or updated, their outcome names what was lost, and the run's report counts them."""

from __future__ import annotations

import json
from typing import Any

import httpx

from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.hubspot.batching import compose_batches
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN, Sandbox, SandboxConfig, SandboxTransport
from hubevents_gui.hubspot.settings import SANDBOX_URL, ConnectionSettings
from tests.hubspot.test_upsert_e2e import work

#: the account defines "region" only
ACCOUNT = SandboxConfig(properties=frozenset({"region"}), rate_limit=None)


def with_legacy_tag(rows: list[tuple[RowId, dict[str, Any]]], every: int) -> None:
    for row_id, body in rows:
        if int(row_id) % every == 0:
            body["customProperties"] = [
                {"name": "region", "value": "EMEA"},
                {"name": "legacy_tag", "value": f"old-{row_id}"},
            ]


def run(
    transport: httpx.BaseTransport, rows: list[tuple[RowId, dict[str, Any]]]
) -> tuple[dict[RowId, Outcome], RunReport]:
    settings = ConnectionSettings(base_url=SANDBOX_URL, batch_size=10, concurrency=2)
    engine = UpsertEngine(settings, DEFAULT_TOKEN, transport=transport)
    got: dict[RowId, Outcome] = {}

    def collect(outcomes: list[Outcome]) -> None:
        got.update((o.row_id, o) for o in outcomes)

    try:
        report = engine.run(compose_batches(rows, settings.batch_size), collect)
    finally:
        engine.close()
    return got, report


def test_rows_whose_property_the_account_lacks_are_created_and_named_and_counted() -> None:
    rows = work(30)
    with_legacy_tag(rows, every=4)  # rows 0, 4, ..., 28: 8 rows
    sandbox = Sandbox(ACCOUNT)
    got, report = run(SandboxTransport(sandbox), rows)

    assert {o.status for o in got.values()} == {RowStatus.CREATED}
    tagged = {RowId(n) for n in range(0, 30, 4)}
    for row_id, outcome in got.items():
        if row_id in tagged:
            assert outcome.dropped == ("legacy_tag",)
            assert outcome.summary == "HubSpot dropped custom properties: legacy_tag"
        else:
            assert outcome.dropped == ()
            assert outcome.summary == ""
    assert report.counts.created == 30
    assert report.dropped_rows == 8
    assert report.dropped_names == ["legacy_tag"]
    assert report.dropped_text == (
        "8 rows had custom properties dropped by HubSpot (not defined on the account): legacy_tag"
    )

    # sent again: updated, and still dropped (HubSpot still has no such property)
    again, report = run(SandboxTransport(sandbox), rows[:1])
    assert again[RowId(0)].status is RowStatus.UPDATED
    assert again[RowId(0)].dropped == ("legacy_tag",)
    assert again[RowId(0)].summary == "HubSpot dropped custom properties: legacy_tag"


class _UnrecognisableEchoes(httpx.BaseTransport):
    """The sandbox, but the upsert's results cannot be pinned on any input: every row is
    confirmed with a GET by its external ids."""

    def __init__(self, inner: SandboxTransport) -> None:
        self.inner = inner
        self.gets = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "GET":
            self.gets += 1
        if request.method != "POST" or response.status_code != 200:
            return response
        body = json.loads(response.read())
        for result in body["results"]:
            result["eventName"] = "something else"
        return httpx.Response(200, json=body, request=request)


def test_rows_confirmed_by_a_get_are_checked_for_dropped_properties_too() -> None:
    rows = work(3)
    with_legacy_tag(rows, every=2)  # rows 0 and 2
    transport = _UnrecognisableEchoes(SandboxTransport(Sandbox(ACCOUNT)))
    got, report = run(transport, rows)
    assert transport.gets == 3
    assert report.confirm_requests == 3
    assert {o.status for o in got.values()} == {RowStatus.CREATED}
    assert [got[RowId(n)].dropped for n in range(3)] == [("legacy_tag",), (), ("legacy_tag",)]
    assert report.dropped_rows == 2
