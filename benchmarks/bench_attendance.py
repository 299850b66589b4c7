"""Attendance at scale: 100,000 attendee rows under a compressed rate limit.

1. The engine: the sandbox server in its own process (20 requests per 1 s, 50 ms latency), one
   event upserted, then 100,000 attendees recorded to it by email (1,000 requests of 100), with
   the default concurrency. Prints requests/s against the limit's ceiling (goal >= 0.9), side
   by side with an events upsert of 10,000 rows on the same server.
2. The window: a 100,000-row attendee sheet opened and recorded with Record All against the
   same server (out of process, as HubSpot is), while a 10 ms timer ticks on the GUI thread. Prints
   the longest gap between ticks during the import and during the run (goal: under 100 ms).

    python benchmarks/bench_attendance.py [--rows 100000] [--limit 20] [--interval-ms 1000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_upsert import sandbox_server, upsert

from hubevents_gui.core.rows import EventRow, Outcome, RowId
from hubevents_gui.hubspot.attendance import (
    ATTENDANCE,
    AttendanceContext,
    attendance_item,
    compose_attendance_batches,
)
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.report import RunReport
from hubevents_gui.hubspot.settings import ConnectionSettings

ACCOUNT, EVENT_ID = "bench-att", "WEB-BENCH"
EVENT: dict[str, Any] = {
    "externalAccountId": ACCOUNT,
    "externalEventId": EVENT_ID,
    "eventName": "Benchmark webinar",
    "eventOrganizer": "Acme",
    "startDateTime": "2026-03-04T09:00:00.000Z",
    "endDateTime": "2026-03-04T10:00:00.000Z",
    "customProperties": [],
}


def attendee_rows(count: int) -> list[EventRow]:
    rows = []
    for n in range(count):
        row = EventRow(RowId(n + 1), n + 2)
        row.values = {
            "email": f"person{n:06d}@example.com",
            "externalEventId": EVENT_ID,
            "externalAccountId": ACCOUNT,
            "state": "Attended" if n % 3 else "Registered",
            "firstname": f"Person {n}",
        }
        rows.append(row)
    return rows


def record(base_url: str, count: int) -> tuple[RunReport, int]:
    settings = ConnectionSettings(base_url=base_url)
    engine = UpsertEngine(settings, "sandbox-token")
    engine.run([[(RowId(0), dict(EVENT))]], lambda _o: None)
    ctx = AttendanceContext(ZoneInfo("UTC"), datetime.now(UTC))
    items = [(row.row_id, attendance_item(row, ctx)) for row in attendee_rows(count)]
    done: list[int] = []

    def collect(outcomes: list[Outcome]) -> None:
        done.append(sum(1 for o in outcomes if o.status.done))

    report = engine.run(
        compose_attendance_batches(items, settings.batch_size), collect, endpoint=ATTENDANCE
    )
    engine.close()
    return report, sum(done)


WINDOW = r"""
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from hubevents_gui.app import configure_interpreter, create_window
configure_interpreter()
from hubevents_gui.core.rows import RowId
from hubevents_gui.hubspot.engine import UpsertEngine
from hubevents_gui.hubspot.settings import ConnectionSettings
from hubevents_gui.ui.connection import Connection
from hubevents_gui.ui.settings import AppSettings
sheet, settings_path = Path(sys.argv[1]), Path(sys.argv[2])
base_url, event = sys.argv[3], json.loads(sys.argv[4])
# the sandbox server in its own process, as HubSpot is: the window's GUI thread shares its
# interpreter with nothing but the app
server = ConnectionSettings(base_url=base_url)
engine = UpsertEngine(server, "sandbox-token")
engine.run([[(RowId(0), event)]], lambda _o: None)
engine.close()
window = create_window(AppSettings(settings_path), sandbox=True)
window.resize(1280, 760)
window.show()
controller = window.controller
controller.connection = Connection(sandbox=False, settings=server, token="sandbox-token")
controller.warm_up()  # as the app does after start-up
gaps = {"phase": None, "last": time.perf_counter(), "max": {}}
def tick():
    now = time.perf_counter()
    phase = gaps["phase"]
    if phase:
        gaps["max"][phase] = max(gaps["max"].get(phase, 0.0), now - gaps["last"])
    gaps["last"] = now
timer = QTimer(); timer.setInterval(10); timer.timeout.connect(tick); timer.start()
result = {}
def start():
    gaps["phase"] = "import"; gaps["last"] = time.perf_counter()
    result["started"] = time.perf_counter()
    controller.open_file(sheet)
def imported():
    result["import_seconds"] = round(time.perf_counter() - result["started"], 2)
    gaps["phase"] = None
    QTimer.singleShot(100, send)
def send():
    gaps["phase"] = "record"; gaps["last"] = time.perf_counter()
    result["sent"] = time.perf_counter()
    controller.upsert(window.document.rows)
def finished(report):
    result["record_seconds"] = round(time.perf_counter() - result["sent"], 2)
    result["recorded"] = report.counts.recorded
    result["requests"] = report.requests
    gaps["phase"] = None
    result["max_gap_ms"] = {k: round(v * 1000, 1) for k, v in gaps["max"].items()}
    print(json.dumps(result))
    window.setWindowModified(False)
    app.quit()
controller.import_finished.connect(imported)
controller.import_failed.connect(lambda m: (print(json.dumps({"error": m})), app.quit()))
controller.run_finished.connect(finished)
QTimer.singleShot(200, start)
app.exec()
"""


def write_sheet(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Email", "External Event ID", "External Account ID", "State", "First Name"]
        )
        for row in attendee_rows(count):
            v = row.values
            writer.writerow(
                [
                    v["email"],
                    v["externalEventId"],
                    v["externalAccountId"],
                    v["state"],
                    v["firstname"],
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--interval-ms", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    ceiling = args.limit / (args.interval_ms / 1000)
    print(
        f"sandbox: {args.limit} requests per {args.interval_ms} ms (ceiling {ceiling:.1f}/s), "
        f"{args.latency * 1000:.0f} ms latency"
    )
    print(f"{'run':>22} {'requests':>8} {'seconds':>8} {'req/s':>7} {'of ceiling':>10} {'done':>7}")
    with sandbox_server(args.limit, args.interval_ms, args.latency) as base_url:
        for name, (report, done) in (
            ("events upsert, 10k", upsert(base_url, 10_000, 4, 7)),
            (f"attendance, {args.rows // 1000}k", record(base_url, args.rows)),
        ):
            rate = report.requests / report.elapsed
            print(
                f"{name:>22} {report.requests:>8} {report.elapsed:>8.1f} {rate:>7.1f} "
                f"{rate / ceiling:>9.2f}x {done:>7}"
            )
        print("goal: attendance >= 0.90x of the ceiling with the default concurrency\n")
        window_run(base_url, args.rows)


def window_run(base_url: str, count: int) -> None:
    """Record All of ``count`` attendee rows in the window, against the server at
    ``base_url``, printing the longest pauses of the GUI thread."""
    with tempfile.TemporaryDirectory() as folder:
        sheet = Path(folder) / "attendees.csv"
        write_sheet(sheet, count)
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            XDG_DATA_HOME=folder,
            XDG_CONFIG_HOME=folder,
            HOME=folder,
        )
        finished = subprocess.run(
            [
                sys.executable, "-c", WINDOW, str(sheet), str(Path(folder) / "settings.ini"),
                base_url, json.dumps(EVENT),
            ],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
        if not lines:
            print("the window run failed:", finished.stderr[-2000:])
            return
        result = json.loads(lines[-1])
        print(
            f"window: {count:,} attendee rows imported in {result.get('import_seconds')} s, "
            f"recorded {result.get('recorded'):,} in {result.get('record_seconds')} s "
            f"({result.get('requests')} requests)"
        )
        gaps = result.get("max_gap_ms", {})
        print(
            f"longest GUI-thread pause: import {gaps.get('import')} ms, record "
            f"{gaps.get('record')} ms (goal: under 100 ms)"
        )


if __name__ == "__main__":
    main()
