"""``hubevents history``: the recorded runs, newest first (``--json``: a list of objects for
scripts, with the same keys in every version)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any, TextIO

from hubevents_gui.cli.common import EXIT_OK
from hubevents_gui.core.history import RunHistory, RunSummary
from hubevents_gui.core.paths import data_dir


def history_file() -> RunHistory:
    """The run history every command records its runs in."""
    return RunHistory(data_dir() / "history.sqlite")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list of runs")


def entry(run: RunSummary) -> dict[str, Any]:
    """One run for scripts: start and finish as ISO instants (finish null for a killed run)."""

    def when(stamp: float | None) -> str | None:
        return datetime.fromtimestamp(stamp).astimezone().isoformat() if stamp else None

    return {
        "id": run.id,
        "kind": run.kind or "upsert",
        "started": when(run.started),
        "finished": when(run.finished),
        "file": run.file,
        "sheet": run.sheet,
        "connection": run.connection,
        "rows": run.rows,
        "created": run.created,
        "updated": run.updated,
        "recorded": run.recorded,
        "failed": run.failed,
        "not_sent": run.not_sent,
        "no_answer": run.no_answer,
        "requests": run.requests,
        "state": run.state,
        "undoable": run.undoable,
        "undoes": run.undoes or None,
        "undone_by": run.undone_by or None,
    }


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    del err
    runs = history_file().runs()
    if args.json:
        json.dump([entry(r) for r in runs], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    if not runs:
        out.write("no runs recorded yet\n")
    for r in runs:
        started = datetime.fromtimestamp(r.started).astimezone().strftime("%Y-%m-%d %H:%M")
        what = f"undo of {r.undoes}" if r.kind == "undo" else r.file
        out.write(f"{r.id}  {started}  {what} ({r.connection}): {r.summary_text}\n")
    return EXIT_OK
