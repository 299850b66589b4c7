"""``hubevents sample``: copies the sample sheets shipped in the package (events, and their
attendees) into a folder, to try the commands on."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from hubevents_gui.cli.common import EXIT_OK, UsageError
from hubevents_gui.core.package_data import SAMPLES, PackageDataMissingError, copy_samples


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=Path.cwd(),
        help="where to write them (default: the current folder)",
    )
    parser.add_argument(
        "--replace", action="store_true", help="write over copies already in the folder"
    )


def run(args: argparse.Namespace, out: TextIO, _err: TextIO) -> int:
    folder: Path = args.folder
    there = [folder / name for name in SAMPLES.values() if (folder / name).exists()]
    if there and not args.replace:
        raise UsageError(
            f"{', '.join(str(p) for p in there)} already there: kept (--replace writes over it)"
        )
    try:
        copies = copy_samples(folder, replace=True)
    except PackageDataMissingError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write the samples into {folder}: {exc.strerror or exc}") from None
    for copy in copies:
        out.write(f"{copy}\n")
    out.write(f"Try: hubevents validate {copies[0]}\n")
    return EXIT_OK
