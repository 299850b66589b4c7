"""Import speed and memory: hubevents' read + validate + payloads against calamine's bare rows.

Makes 10k- and 100k-row workbooks (cached in a temp folder), then measures, in one run and
alternating so that machine noise hits both alike:
  floor: python-calamine opening the file and iterating every row (nothing else)
  ours:  read_table (header, mapping, parsing every cell) + validate_rows + to_input per valid row
Each measurement runs in a fresh child process so its peak RSS is its own. Goal at 100k rows:
ours within 1.5x of the floor, peak memory under 400 MB.

    python benchmarks/bench_import.py [--rows 10000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from make_sample import HEADERS  # the sample's columns: one list for both

CHILD = r"""
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if mode == "floor":
    import python_calamine
    wb = python_calamine.CalamineWorkbook.from_path(path)
    n = sum(1 for _ in wb.get_sheet_by_index(0).iter_rows())
else:
    from zoneinfo import ZoneInfo
    from hubevents_gui.core.sheets import read_table
    from hubevents_gui.core.validation import validate_rows
    from hubevents_gui.core import collector
    from hubevents_gui.hubspot.wire import inputs_for
    zone = ZoneInfo("Europe/Berlin")
    with collector.paused():  # as hubevents validate runs it
        table = read_table(path)
        issues = validate_rows(table.rows, zone)
        payloads = inputs_for((r for r in table.rows if r.row_id not in issues), zone)
    n = len(payloads)
elapsed = time.perf_counter() - t0
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rows": n, "peak_mb": rss_mb}))
"""


def make_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Events")
    sheet.append(HEADERS)
    base = datetime(2026, 1, 5, 9, 0)
    types = ["WEBINAR", "CONFERENCE", "WORKSHOP"]
    for i in range(rows):
        start = base + timedelta(hours=7 * i)
        sheet.append(
            [
                "acme-events",
                f"EV-{i:07d}",
                f"Event number {i}",
                "Acme Marketing",
                types[i % 3],
                start,
                start + timedelta(hours=2),
                f"https://events.acme.example/e/{i}",
                "A realistic description of moderate length for the event.",
                False,
                i % 5 == 0,
                ["EMEA", "NA", "APAC"][i % 3],
                50 + i % 900,
                "note",
            ]
        )
    workbook.save(path)


def measure(mode: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / "hubevents-bench"
    cache.mkdir(exist_ok=True)
    print(f"{'rows':>8} {'floor s':>9} {'ours s':>9} {'ratio':>7} {'floor MB':>9} {'ours MB':>9}")
    for rows in args.rows:
        path = cache / f"events-{rows}.xlsx"
        if not path.exists():
            make_workbook(path, rows)
        floors, ours = [], []
        for _ in range(args.repeat):  # alternate: noise hits both alike
            floors.append(measure("floor", path))
            ours.append(measure("ours", path))
        floor_s = min(m["seconds"] for m in floors)
        ours_s = min(m["seconds"] for m in ours)
        assert all(m["rows"] == rows for m in ours), "every generated row is valid"
        print(
            f"{rows:>8} {floor_s:>9.2f} {ours_s:>9.2f} {ours_s / floor_s:>6.2f}x "
            f"{max(m['peak_mb'] for m in floors):>9.0f} {max(m['peak_mb'] for m in ours):>9.0f}"
        )
    print("goal at 100k rows: ratio <= 1.5x, ours peak <= 400 MB")


if __name__ == "__main__":
    main()
