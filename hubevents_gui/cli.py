"""The headless ``hubevents`` command: validate, upsert, sandbox. No Qt here.

Exit codes: 0 all good, 1 some rows invalid or not sent, 2 unreadable input or bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from hubevents_gui import __version__, credentials
from hubevents_gui.core.history import RunHistory
from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.results import ResultsError, result_cells, write_results
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId, RowStatus
from hubevents_gui.core.sheets import SheetError, read_table
from hubevents_gui.core.validation import Issue, validate_rows
from hubevents_gui.core.zones import ZoneError, load_zone, local_zone_name
from hubevents_gui.hubspot import HUBSPOT_URL
from hubevents_gui.hubspot.client import (
    ConnectionSettings,
    StopReason,
    UpsertEngine,
    compose_batches,
    finish_recorded_run,
    start_recorded_run,
)
from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Faults,
    Sandbox,
    SandboxConfig,
    SandboxTransport,
    TokenInfo,
)
from hubevents_gui.hubspot.sandbox_server import SandboxServer
from hubevents_gui.hubspot.wire import inputs_for

EXIT_OK = 0
EXIT_ROWS = 1
EXIT_INPUT = 2


class UsageError(Exception):
    """Bad arguments or unreadable input: printed as one line, exit 2."""


@dataclass
class CheckedTable:
    """A table read and validated with one zone: what validate and upsert both start from."""

    table: EventTable
    zone: ZoneInfo
    issues: dict[RowId, list[Issue]]

    @property
    def valid_rows(self) -> list[EventRow]:
        return [row for row in self.table.rows if row.row_id not in self.issues]

    def summary(self) -> dict[str, Any]:
        return {
            "rows": len(self.table.rows),
            "valid": len(self.table.rows) - len(self.issues),
            "invalid": len(self.issues),
            "ignored_columns": list(self.table.extra_headers),
            "timezone": self.zone.key,
            "notes": list(self.table.notes),
        }


def load_checked(
    file: str, sheet: str | None, timezone: str | None, day_first: bool
) -> CheckedTable:
    try:
        zone = load_zone(timezone or local_zone_name())
    except ZoneError as exc:
        raise UsageError(f"--timezone: {exc}") from None
    try:
        table = read_table(Path(file), sheet, day_first=day_first)
    except SheetError as exc:
        raise UsageError(str(exc)) from None
    issues = validate_rows(table.rows, zone)
    return CheckedTable(table, zone, dict(issues))


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the spreadsheet: .xlsx, .xlsm, .xls, .ods or .csv")
    parser.add_argument("--sheet", help="the sheet to read (default: the first with event headers)")
    parser.add_argument(
        "--timezone",
        metavar="ZONE",
        help="IANA zone for date cells without an offset (default: this computer's zone)",
    )
    parser.add_argument(
        "--day-first",
        action="store_true",
        help="read 04/03/2026 as 4 March (default: month first, 3 April)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubevents",
        description="Check and upsert spreadsheets of events as HubSpot marketing events.",
    )
    parser.add_argument("--version", action="version", version=f"hubevents {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser(
        "validate", help="read a spreadsheet and report every problem, sending nothing"
    )
    _add_input_arguments(validate)
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.set_defaults(run=run_validate)

    upsert = commands.add_parser(
        "upsert", help="send every valid row to HubSpot (or the sandbox) and report each outcome"
    )
    _add_input_arguments(upsert)
    target = upsert.add_mutually_exclusive_group()
    target.add_argument(
        "--sandbox", action="store_true", help="send to the built-in simulator (no token needed)"
    )
    target.add_argument("--base-url", help=f"the API's address (default {HUBSPOT_URL})")
    upsert.add_argument(
        "--api-version",
        default="v3",
        help="v3 (/marketing/v3/...) or a dated version such as 2026-03 (default v3)",
    )
    upsert.add_argument(
        "--token-env",
        metavar="VAR",
        help="read the token from this environment variable (default: the app's keyring entry)",
    )
    upsert.add_argument("--batch-size", type=_positive, default=100, help="inputs per request")
    upsert.add_argument("--concurrency", type=_positive, default=4, help="requests in flight")
    upsert.add_argument(
        "--dry-run", action="store_true", help="validate and print what would be sent; send nothing"
    )
    upsert.add_argument(
        "--results", type=Path, metavar="OUT.xlsx", help="write every row with its outcome"
    )
    upsert.set_defaults(run=run_upsert)

    sandbox = commands.add_parser(
        "sandbox", help="serve the built-in HubSpot simulator on this computer (loopback only)"
    )
    add_sandbox_arguments(sandbox)
    sandbox.set_defaults(run=run_sandbox)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return value


def _latency(text: str) -> float | tuple[float, float]:
    low, _, high = text.partition("-")
    try:
        return (float(low), float(high)) if high else float(low)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: use seconds (0.05) or a range (0.02-0.2)"
        ) from None


def _token_spec(text: str) -> tuple[str, TokenInfo]:
    token, _, rest = text.partition(":")
    app, _, scopes = rest.partition(":")
    try:
        app_id = int(app) if app else 424242
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: use TOKEN[:APP_ID[:SCOPE,SCOPE]]") from None
    if not token:
        raise argparse.ArgumentTypeError("a token cannot be empty")
    info = TokenInfo(app_id=app_id)
    if scopes:
        info = TokenInfo(app_id=app_id, scopes=tuple(s for s in scopes.split(",") if s))
    return token, info


def add_sandbox_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free)")
    parser.add_argument("--state", type=Path, help="keep the events in this JSON file across runs")
    parser.add_argument(
        "--token",
        action="append",
        type=_token_spec,
        metavar="TOKEN[:APP_ID[:SCOPES]]",
        help=f"accept this token (repeatable; default: {DEFAULT_TOKEN!r} as app 424242 "
        "with read and write scopes)",
    )
    parser.add_argument("--batch-cap", type=int, default=100, help="inputs per upsert (100)")
    parser.add_argument("--rate-limit", type=int, default=100, help="requests per window (100)")
    parser.add_argument(
        "--rate-interval-ms", type=int, default=10_000, help="the window in ms (10000)"
    )
    parser.add_argument("--no-rate-limit", action="store_true", help="no per-window limit")
    parser.add_argument("--daily-limit", type=int, default=250_000, help="requests per day")
    parser.add_argument("--latency", type=_latency, default=0.0, help="seconds, or a range A-B")
    parser.add_argument("--server-errors", type=_share, default=0.0, help="share of 502/503/504")
    parser.add_argument("--dropped", type=_share, default=0.0, help="share of dropped connections")
    parser.add_argument("--locked", type=_share, default=0.0, help="share of 423 answers")
    parser.add_argument("--no-retry-after", action="store_true", help="429s without Retry-After")
    parser.add_argument("--seed", type=int, default=0, help="seed of the injected faults")
    parser.add_argument(
        "--error-detail",
        choices=("first", "all"),
        default="first",
        help="a 400 names the first bad input (as HubSpot often does) or all of them",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")


def sandbox_config(args: argparse.Namespace) -> SandboxConfig:
    tokens = dict(args.token) if args.token else {DEFAULT_TOKEN: TokenInfo(app_id=424242)}
    return SandboxConfig(
        tokens=tokens,
        batch_cap=args.batch_cap,
        rate_limit=None if args.no_rate_limit else args.rate_limit,
        rate_interval_ms=args.rate_interval_ms,
        daily_limit=args.daily_limit,
        error_detail=args.error_detail,
        faults=Faults(
            latency=args.latency,
            server_errors=args.server_errors,
            dropped=args.dropped,
            locked=args.locked,
            retry_after=not args.no_retry_after,
            seed=args.seed,
        ),
    )


def run_sandbox(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        sandbox = Sandbox(sandbox_config(args), state_file=args.state)
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(f"--state {args.state}: cannot be read as sandbox state ({exc})") from None
    try:
        server = SandboxServer(sandbox, args.port, verbose=args.verbose)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}") from None
    tokens = ", ".join(sorted(sandbox.config.tokens))
    out.write(f"{server.base_url}\n")
    out.flush()
    err.write(
        f"hubevents sandbox: serving on {server.base_url} (tokens: {tokens}); Ctrl+C stops it\n"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def run_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    checked = load_checked(args.file, args.sheet, args.timezone, args.day_first)
    table = checked.table
    if args.json:
        inputs = iter(inputs_for(checked.valid_rows, checked.zone))
        rows = []
        for row in table.rows:
            row_issues = checked.issues.get(row.row_id, [])
            rows.append(
                {
                    "row": row.source_row,
                    "input": None if row_issues else next(inputs),
                    "issues": [
                        {
                            "field": issue.field,
                            "cell": table.cell_name(row, issue.field),
                            "message": issue.message,
                        }
                        for issue in row_issues
                    ],
                }
            )
        json.dump(
            {
                "file": str(table.file),
                "sheet": table.sheet,
                "rows": rows,
                "summary": checked.summary(),
            },
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
    else:
        summary = checked.summary()
        where = f"{table.file.name if table.file else ''}" + (
            f", sheet '{table.sheet}'" if table.sheet else ""
        )
        out.write(
            f"{where}: {summary['rows']} rows read, {summary['valid']} valid, "
            f"{summary['invalid']} invalid (dates without an offset read in {checked.zone.key})\n"
        )
        for note in table.notes:
            out.write(f"note: {note}\n")
        for row in table.rows:
            for issue in checked.issues.get(row.row_id, []):
                out.write(f"{table.cell_name(row, issue.field)} ({issue.field}): {issue.message}\n")
    return EXIT_ROWS if checked.issues else EXIT_OK


def _token_for(args: argparse.Namespace) -> str:
    if args.token_env:
        from_env = os.environ.get(args.token_env, "").strip()
        if not from_env:
            raise UsageError(f"--token-env: the environment variable {args.token_env} is not set")
        return from_env
    token = credentials.get_token()
    if not token:
        raise UsageError(
            "no HubSpot token is saved: save one in the app's connection dialog, pass "
            "--token-env VAR, or try --sandbox"
        )
    return token


class ProgressLine:
    """Rows sent, created, updated, failed, rate and ETA on one line of a terminal."""

    def __init__(self, err: TextIO, total: int, enabled: bool) -> None:
        self.err = err
        self.total = total
        self.enabled = enabled
        self.counts: Counter[RowStatus] = Counter()
        self.started = time.monotonic()
        self.shown = 0.0
        self.lock = threading.Lock()

    def add(self, outcomes: list[Outcome]) -> None:
        with self.lock:
            self.counts.update(o.status for o in outcomes)
            now = time.monotonic()
            if self.enabled and (now - self.shown > 0.2 or self.done >= self.total):
                self.shown = now
                self.err.write("\r" + self.line(now) + "\033[K")
                self.err.flush()

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        c = self.counts
        return (
            f"{self.done}/{self.total} rows: {c[RowStatus.CREATED]} created, "
            f"{c[RowStatus.UPDATED]} updated, {c[RowStatus.FAILED]} failed, "
            f"{c[RowStatus.NOT_SENT]} not sent; {rate:.0f} rows/s, ETA {eta:.0f} s"
        )

    def finish(self) -> None:
        if self.enabled:
            self.err.write("\n")


def run_upsert(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.api_version != "v3" and not re.fullmatch(r"\d{4}-\d{2}", args.api_version):
        raise UsageError(f"--api-version {args.api_version!r}: use v3 or a date such as 2026-03")
    checked = load_checked(args.file, args.sheet, args.timezone, args.day_first)
    table, zone = checked.table, checked.zone
    valid = checked.valid_rows
    items = list(zip([r.row_id for r in valid], inputs_for(valid, zone), strict=True))
    settings = ConnectionSettings(
        base_url=args.base_url or HUBSPOT_URL,
        api_version=args.api_version,
        batch_size=args.batch_size,
        concurrency=args.concurrency,
    )
    invalid = len(table.rows) - len(valid)
    if invalid:
        err.write(
            f"hubevents: {invalid} invalid rows will not be sent (hubevents validate lists them)\n"
        )
    if args.dry_run:
        batches = compose_batches(items, settings.batch_size)
        for batch in batches:
            json.dump({"inputs": [body for _, body in batch]}, out, ensure_ascii=False)
            out.write("\n")
        err.write(
            f"dry run: {len(items)} rows in {len(batches)} requests to "
            f"{settings.base_url}{settings.events_path()}/upsert; nothing was sent\n"
        )
        return EXIT_ROWS if invalid else EXIT_OK
    transport = None
    if args.sandbox:
        transport = SandboxTransport(Sandbox())
        settings.base_url = "https://sandbox.hubevents.invalid"
        token = DEFAULT_TOKEN
    else:
        token = _token_for(args)
    outcomes: dict[RowId, Outcome] = {}
    progress = ProgressLine(err, len(items), enabled=err.isatty())

    def collect(batch: list[Outcome]) -> None:
        for outcome in batch:
            outcomes[outcome.row_id] = outcome
        progress.add(batch)

    # every run is recorded, as the app records its own (see the app's Run history panel)
    history = RunHistory(data_dir() / "history.sqlite")
    where = "sandbox" if args.sandbox else f"{settings.base_url} ({settings.api_version})"
    run_id = start_recorded_run(history, where, table, items, settings.batch_size)

    def collect_and_record(batch: list[Outcome]) -> None:
        collect(batch)
        history.record_outcomes(run_id, batch)

    engine = UpsertEngine(settings, token, transport=transport)
    cancel = threading.Event()
    try:
        report = engine.run(items, collect_and_record, cancel)
        finish_recorded_run(history, run_id, report)
    except KeyboardInterrupt:
        cancel.set()
        raise
    finally:
        engine.close()
        history.close()
        progress.finish()
    err.write(
        f"{report.created} created, {report.updated} updated, {report.failed} failed, "
        f"{report.not_sent} not sent, {invalid} invalid; {report.requests} requests "
        f"({report.retries} retries, {report.rate_limited} rate-limited, "
        f"{report.split_requests} splits, {report.confirm_requests} confirmations) "
        f"in {report.elapsed:.1f} s\n"
    )
    for row in table.rows:
        outcome = outcomes.get(row.row_id)
        if outcome is not None and outcome.status in (RowStatus.FAILED, RowStatus.NOT_SENT):
            cell = table.cell_name(row, "externalEventId")
            err.write(f"{cell}: {outcome.status.value}: {outcome.summary}\n")
    if args.results:
        _write_results(table, checked, outcomes, args.results, err)
    if report.stopped in (StopReason.UNAUTHORIZED, StopReason.FORBIDDEN):
        scopes = f" (missing: {', '.join(report.missing_scopes)})" if report.missing_scopes else ""
        err.write(f"hubevents: stopped: {report.stopped.value}{scopes}: {report.stop_message}\n")
        return EXIT_INPUT
    if report.stopped is StopReason.DAILY_LIMIT:
        err.write("hubevents: stopped: HubSpot's daily limit is reached; run again tomorrow\n")
    everything = report.created + report.updated == len(table.rows)
    return EXIT_OK if everything else EXIT_ROWS


def _write_results(
    table: EventTable,
    checked: CheckedTable,
    outcomes: dict[RowId, Outcome],
    path: Path,
    err: TextIO,
) -> None:
    def result_of(row: EventRow) -> tuple[str, str, str]:
        outcome = outcomes.get(row.row_id)
        status = outcome.status if outcome is not None else RowStatus.NOT_SENT
        return result_cells(status, checked.issues.get(row.row_id), outcome)

    try:
        write_results(table, table.rows, result_of, path)
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    err.write(f"results written to {path}\n")


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_INPUT
    try:
        code: int = args.run(args, out, err)
    except UsageError as exc:
        err.write(f"hubevents: {exc}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        err.write("hubevents: interrupted\n")
        return 130
    except BrokenPipeError:  # `hubevents validate --json f.xlsx | head`: the reader left
        return code_for_broken_pipe()
    return code


def code_for_broken_pipe() -> int:
    # Python would complain again when flushing stdout at exit: point it at devnull first
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_ROWS


if __name__ == "__main__":
    sys.exit(main())
