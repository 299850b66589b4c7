"""The headless ``hubevents`` command: validate, upsert, attendance, events, pull, sandbox. No
Qt here.

Exit codes: 0 all good, 1 some rows invalid or not sent, 2 unreadable input or bad arguments.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from hubevents_gui.cli.args import build_parser
from hubevents_gui.cli.common import EXIT_INPUT, EXIT_ROWS, UsageError
from hubevents_gui.cli.interrupts import terminate_as_interrupt
from hubevents_gui.core import collector

__all__ = ["main"]


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
        # tables are large and acyclic: no collections while one is read and checked
        with collector.paused(), terminate_as_interrupt():
            code: int = args.run(args, out, err)
    except UsageError as exc:
        err.write(f"hubevents: {exc}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        err.write("hubevents: interrupted\n")
        return 130
    except BrokenPipeError:  # `hubevents validate --json f.xlsx | head`: the reader left
        return _code_for_broken_pipe()
    return code


def _code_for_broken_pipe() -> int:
    # Python would complain again when flushing stdout at exit: point it at devnull first
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_ROWS
