"""Sandbox server throughput: 100-input upserts per second on loopback, no rate limit.

The server runs as `hubevents sandbox --no-rate-limit` in its own process (as in the end-to-end
tests and the upsert benchmark); this process drives it with several keep-alive connections.
Goal: at least 200 requests/s, so the sandbox is never the bottleneck of a benchmark.

    python benchmarks/bench_sandbox.py [--seconds 5] [--connections 4]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time

import httpx

UPSERT = "/marketing/v3/marketing-events/events/upsert"


def batch(offset: int) -> dict[str, object]:
    return {
        "inputs": [
            {
                "externalAccountId": "bench",
                "externalEventId": f"E{offset + i}",
                "eventName": f"Benchmark event {offset + i}",
                "eventOrganizer": "Acme",
                "eventType": "WEBINAR",
                "startDateTime": "2026-03-04T09:30:00.000Z",
                "endDateTime": "2026-03-04T10:30:00.000Z",
                "eventUrl": "https://acme.example/e",
                "eventCancelled": False,
                "customProperties": [{"name": "region", "value": "EMEA"}],
            }
            for i in range(100)
        ]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "hubevents_gui.cli", "sandbox", "--no-rate-limit"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        counts = [0] * args.connections
        errors = [0] * args.connections
        stop = time.monotonic() + args.seconds

        def drive(slot: int) -> None:
            with httpx.Client(
                base_url=base_url, headers={"Authorization": "Bearer sandbox-token"}
            ) as http:
                # encoded once: the figure is the server's, not this client's json.dumps
                bodies = [json.dumps(batch(slot * 1_000_000 + k * 100)).encode() for k in range(20)]
                headers = {"Content-Type": "application/json"}
                k = 0
                while time.monotonic() < stop:
                    response = http.post(UPSERT, content=bodies[k % 20], headers=headers)
                    k += 1
                    if response.status_code == 200:
                        counts[slot] += 1
                    else:
                        errors[slot] += 1

        threads = [threading.Thread(target=drive, args=(i,)) for i in range(args.connections)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        rate = sum(counts) / elapsed
        print(
            f"connections {args.connections}, {elapsed:.1f} s: {sum(counts)} upserts of 100 inputs"
        )
        print(
            f"sandbox throughput: {rate:.0f} requests/s ({rate * 100:.0f} events/s), "
            f"{sum(errors)} non-200; goal >= 200 requests/s ({rate / 200:.2f}x the goal)"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
