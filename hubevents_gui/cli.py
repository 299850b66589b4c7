"""The headless ``hubevents`` command: validate (and later upsert, sandbox). No Qt here.

Exit codes: 0 all good, 1 some rows invalid or not sent, 2 unreadable input or bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from hubevents_gui import __version__
from hubevents_gui.core.rows import EventRow, EventTable, RowId
from hubevents_gui.core.sheets import SheetError, read_table
from hubevents_gui.core.validation import Issue, validate_rows
from hubevents_gui.core.zones import ZoneError, load_zone, local_zone_name
from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Faults,
    Sandbox,
    SandboxConfig,
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

    sandbox = commands.add_parser(
        "sandbox", help="serve the built-in HubSpot simulator on this computer (loopback only)"
    )
    add_sandbox_arguments(sandbox)
    sandbox.set_defaults(run=run_sandbox)
    return parser


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
