"""``hubevents sandbox``: serve the built-in HubSpot simulator on loopback."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import BinaryIO, TextIO

from hubevents_gui.cli.common import EXIT_OK, UsageError, whole_number
from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Faults,
    Sandbox,
    SandboxConfig,
    SandboxServer,
    StateError,
    TokenInfo,
)


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1:  # nan fails this too
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1")
    return value


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def _latency(text: str) -> float | tuple[float, float]:
    single = _seconds(text)
    if single is not None:
        return single
    # a range A-B; A and B may hold a "-" of their own (1e-3-2e-3)
    for cut in (i for i, char in enumerate(text) if char == "-" and i > 0):
        low, high = _seconds(text[:cut]), _seconds(text[cut + 1 :])
        if low is not None and high is not None and low <= high:
            return (low, high)
    raise argparse.ArgumentTypeError(
        f"{text!r}: use seconds of 0 or more (0.05) or a range from low to high (0.02-0.2)"
    )


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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port",
        type=whole_number(0, 65535),
        default=0,
        help="port on 127.0.0.1 (default: any free)",
    )
    parser.add_argument("--state", type=Path, help="keep the events in this JSON file across runs")
    parser.add_argument(
        "--token",
        action="append",
        type=_token_spec,
        metavar="TOKEN[:APP_ID[:SCOPES]]",
        help=f"accept this token (repeatable; default: {DEFAULT_TOKEN!r} as app 424242 "
        "with read and write scopes)",
    )
    parser.add_argument(
        "--batch-cap", type=whole_number(1), default=100, help="inputs per upsert (100)"
    )
    parser.add_argument(
        "--rate-limit", type=whole_number(1), default=100, help="requests per window (100)"
    )
    parser.add_argument(
        "--rate-interval-ms", type=whole_number(1), default=10_000, help="the window in ms (10000)"
    )
    parser.add_argument("--no-rate-limit", action="store_true", help="no per-window limit")
    parser.add_argument(
        "--daily-limit", type=whole_number(1), default=250_000, help="requests per day"
    )
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
    parser.add_argument(
        "--demo",
        action="store_true",
        help="the window's demo portal: a second app's events and a few contacts to start with",
    )
    parser.add_argument(
        "--stop-on-eof",
        action="store_true",
        help="stop when standard input closes (for a program that starts it and may be killed)",
    )


def config_of(args: argparse.Namespace) -> SandboxConfig:
    if args.token:
        tokens = dict(args.token)
    elif args.demo:  # the demo portal's second app can be reached with its own token too
        tokens = SandboxConfig().tokens
    else:
        tokens = {DEFAULT_TOKEN: TokenInfo(app_id=424242)}
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


def run(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: BinaryIO | None = None) -> int:
    make = Sandbox.demo if args.demo else Sandbox
    try:
        sandbox = make(config_of(args), state_file=args.state)
    except StateError as exc:
        raise UsageError(f"--state {exc.path}: {exc.reason}") from None
    try:
        server = SandboxServer(sandbox, args.port, verbose=args.verbose)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}") from None
    tokens = ", ".join(sorted(sandbox.config.tokens))
    out.write(f"{server.base_url}\n")
    out.flush()
    stops = "when its input closes" if args.stop_on_eof else "Ctrl+C stops it"
    err.write(f"hubevents sandbox: serving on {server.base_url} (tokens: {tokens}); {stops}\n")
    if args.stop_on_eof:
        server.start()
        source = stdin or sys.stdin.buffer
        try:
            # until the program that started it closes the pipe, or has gone (killed even)
            while source.read(4096):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
        return EXIT_OK
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK
