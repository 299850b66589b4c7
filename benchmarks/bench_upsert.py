"""Upsert throughput under a rate limit: does the engine use what HubSpot allows, and no more?

Starts the sandbox server in its own process with a compressed limit (20 requests per 1 s) and
50 ms latency, then upserts 10,000 rows (100 requests of 100 inputs) twice in one run: with the
default concurrency and with one request at a time. Prints requests/s against the limit's
ceiling (goal >= 0.9) and the 429s (goal: none after the first window).

Then the changed-only case: re-upserting the first run's unchanged rows sends 0 upserts, and
with 50 rows changed 1 upsert; it prints the read requests spent against the upserts saved.

    python benchmarks/bench_upsert.py [--rows 10000] [--limit 20] [--interval-ms 1000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hubevents_gui.core.rows import Outcome, RowId
from hubevents_gui.hubspot.batching import compose_batches
from hubevents_gui.hubspot.diff import plan_rows
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.holdings import read_holdings
from hubevents_gui.hubspot.reader import HubSpotReader
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.settings import ConnectionSettings


def rows(count: int, run: int) -> list[tuple[RowId, dict[str, Any]]]:
    return [
        (
            RowId(n),
            {
                "externalAccountId": f"bench-{run}",
                "externalEventId": f"EV-{n:06d}",
                "eventName": f"Benchmark event {n}",
                "eventOrganizer": "Acme",
                "eventType": "WEBINAR",
                "startDateTime": "2026-03-04T09:30:00.000Z",
                "endDateTime": "2026-03-04T10:30:00.000Z",
                "customProperties": [{"name": "region", "value": "EMEA"}],
            },
        )
        for n in range(count)
    ]


def upsert(base_url: str, count: int, concurrency: int, run: int) -> tuple[RunReport, int]:
    engine = UpsertEngine(
        ConnectionSettings(base_url=base_url, concurrency=concurrency), "sandbox-token"
    )
    finished: list[int] = []

    def collect(outcomes: list[Outcome]) -> None:
        # called from several worker threads at once: list.append is atomic, += is not
        finished.append(sum(1 for o in outcomes if o.status.done))

    report = engine.run(compose_batches(rows(count, run), engine.settings.batch_size), collect)
    engine.close()
    return report, sum(finished)


def changed_only(base_url: str, count: int, changed: int) -> tuple[int, int, int]:
    """(read requests, upserts sent, upserts a plain re-send takes) for the first run's rows
    with ``changed`` of them edited."""
    settings = ConnectionSettings(base_url=base_url)
    items = rows(count, 0)
    for _, body in items[:changed]:
        body["eventName"] += " (edited)"
    with HubSpotReader(settings, "sandbox-token") as reader:
        wanted = [(b["externalAccountId"], b["externalEventId"]) for _, b in items]
        holdings = read_holdings(reader, wanted)
        plans = plan_rows(items, holdings)
        reads = reader.requests
    sending = [item for item in items if plans[item[0]].action.sends]
    batches = compose_batches(sending, settings.batch_size)
    engine = UpsertEngine(settings, "sandbox-token")
    report = engine.run(batches, lambda _outcomes: None)
    engine.close()
    return reads, report.requests, len(compose_batches(items, settings.batch_size))


@contextmanager
def sandbox_server(limit: int, interval_ms: int, latency: float) -> Iterator[str]:
    """The sandbox server in its own process, as HubSpot is: its base URL while the block
    runs."""
    command = [
        sys.executable, "-m", "hubevents_gui.cli", "sandbox", "--rate-limit", str(limit),
        "--rate-interval-ms", str(interval_ms), "--latency", str(latency),
    ]  # fmt: skip
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        try:
            assert server.stdout is not None
            yield server.stdout.readline().strip()
        finally:
            server.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--interval-ms", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    ceiling = args.limit / (args.interval_ms / 1000)
    with sandbox_server(args.limit, args.interval_ms, args.latency) as base_url:
        print(
            f"sandbox: {args.limit} requests per {args.interval_ms} ms "
            f"(ceiling {ceiling:.1f}/s), {args.latency * 1000:.0f} ms latency; {args.rows} rows"
        )
        print(
            f"{'concurrency':>11} {'requests':>8} {'seconds':>8} {'req/s':>7} "
            f"{'of ceiling':>10} {'429s':>5} {'rows done':>9}"
        )
        for run, concurrency in enumerate((4, 1)):
            report, done = upsert(base_url, args.rows, concurrency, run)
            rate = report.requests / report.elapsed
            print(
                f"{concurrency:>11} {report.requests:>8} {report.elapsed:>8.1f} "
                f"{rate:>7.1f} {rate / ceiling:>9.2f}x {report.rate_limited:>5} {done:>9}"
            )
        print(
            "goal: >= 0.90x of the ceiling with the default concurrency, no 429 after the "
            "first window"
        )
        print(f"\n--changed-only, {args.rows} rows already in HubSpot:")
        print(f"{'rows changed':>12} {'read requests':>13} {'upserts sent':>12} {'saved':>6}")
        for edited in (0, 50):
            reads, sent, plain = changed_only(base_url, args.rows, edited)
            print(f"{edited:>12} {reads:>13} {sent:>12} {plain - sent:>6}")
        print("goal: 0 upserts for an unchanged file, 1 for 50 changed rows")


if __name__ == "__main__":
    main()
