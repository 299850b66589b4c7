"""Sheets whose cells lie far apart: peak memory and time, calamine's block against our read.

Each file is a header, a few rows, and one stray cell far out (and one 100k-row sheet with a
stray cell, the slow case: every cell read one by one). Each read runs in a fresh child
process with its address space capped, so a reader that dies says so instead of taking the
machine:
  block: python-calamine laying the sheet out and iterating its rows (the reader before)
  ours:  read_table (extent scan, then calamine or the cell-by-cell reader; mapping, parsing)

    python benchmarks/bench_far_cells.py [--limit-mb 8000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
mode, path, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
t0 = time.perf_counter()
if mode == "block":
    import python_calamine
    wb = python_calamine.CalamineWorkbook.from_path(path)
    n = sum(1 for _ in wb.get_sheet_by_index(0).iter_rows())
else:
    from hubevents_gui.core.sheets import read_table
    n = len(read_table(path).rows)
elapsed = time.perf_counter() - t0
try:  # this image's own peak (ru_maxrss would count the forking parent's, kept over exec)
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
    rss_mb = int(hwm.split()[1]) / 1024
except (OSError, IndexError):
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rows": n, "peak_mb": rss_mb}))
"""

HEADER = ["External Account ID", "External Event ID", "Event Name", "Organizer"]


def make(path: Path, far: str, rows: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(["acme", f"EV-{i}", f"Event {i}", "Acme"])
    sheet[far] = "stray"
    workbook.save(path)


def measure(mode: str, path: Path, limit_mb: int) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(limit_mb)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if done.returncode != 0:
        died = "MemoryError" if "MemoryError" in done.stderr else f"exit {done.returncode}"
        if done.returncode == -6:
            died = "aborted, exit 134"
        return f"{'died (' + died + ')':>22}"
    result = json.loads(done.stdout)
    return f"{result['peak_mb']:>9.0f} MB {result['seconds']:>7.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit-mb", type=int, default=8000, help="each child's address space")
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / "hubevents-bench"
    cache.mkdir(exist_ok=True)
    cases = [("XFD2000", 1), ("XFD1048576", 1), ("A1048576", 1), ("XFD1048576", 100_000)]
    print(f"{'stray cell':>12} {'rows':>7} {'file KB':>8} {'block':>22} {'ours':>22}")
    for far, rows in cases:
        path = cache / f"far-{far}-{rows}.xlsx"
        if not path.exists():
            make(path, far, rows)
        block = measure("block", path, args.limit_mb)
        ours = measure("ours", path, args.limit_mb)
        size = path.stat().st_size / 1024
        print(f"{far:>12} {rows:>7} {size:>8.0f} {block} {ours}")


if __name__ == "__main__":
    main()
