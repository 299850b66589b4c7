"""``hubevents sample``: copies the sample sheets shipped in the package (events, and their
attendees) into a folder, to try the commands on."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import TextIO

from hubevents_gui.cli.common import EXIT_OK, UsageError
from hubevents_gui.core.package_data import (
    SAMPLES,
    PackageDataMissingError,
    SampleCopyError,
    copy_samples,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        help="where to write them (default: the current folder)",
    )
    parser.add_argument(
        "--replace", action="store_true", help="write over copies already in the folder"
    )


def run(args: argparse.Namespace, out: TextIO, _err: TextIO) -> int:
    folder: Path | None = args.folder
    if folder is None:
        try:
            folder = Path.cwd()
        except FileNotFoundError:
            raise UsageError(
                "the current folder no longer exists: name a folder for the samples"
            ) from None
    # a link counts as there too, even one that points nowhere: it is never written through
    there = [folder / n for n in SAMPLES.values() if os.path.lexists(folder / n)]
    if there and not args.replace:
        raise UsageError(
            f"{', '.join(str(p) for p in there)} already there: kept (--replace writes over it)"
        )
    try:
        copies = copy_samples(folder, replace=True)
    except (PackageDataMissingError, SampleCopyError) as exc:
        raise UsageError(str(exc)) from None
    for copy in copies:
        out.write(f"{copy}\n")
    out.write(f"Try: {_program()} validate {shlex.quote(str(copies[0]))}\n")
    return EXIT_OK


def _program() -> str:
    """How to run this command again: its name when it is on PATH, else its path (a bundle
    unpacked somewhere)."""
    if shutil.which("hubevents") is not None:
        return "hubevents"
    return shlex.quote(sys.executable if getattr(sys, "frozen", False) else sys.argv[0])
