"""``hubevents pull``: every marketing event this app owns in the portal, to a spreadsheet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from hubevents_gui.cli.common import EXIT_INPUT, EXIT_OK, UsageError, load_zone_arg, progress_to
from hubevents_gui.cli.connect import connect
from hubevents_gui.core.event_sheet import check_sheet_path, write_event_sheet
from hubevents_gui.core.result_files import ResultsError
from hubevents_gui.core.words import plural
from hubevents_gui.hubspot.holdings import read_holdings
from hubevents_gui.hubspot.pulled import pulled_sheet
from hubevents_gui.hubspot.reader import HubSpotReader, ReadError

DEFAULT_OUT = Path("hubspot-events.xlsx")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timezone",
        metavar="ZONE",
        help="IANA zone the dates are written in (default: this computer's zone)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="FILE",
        help=f".xlsx or .csv to write (default {DEFAULT_OUT})",
    )


def run(args: argparse.Namespace, _out: TextIO, err: TextIO) -> int:
    zone = load_zone_arg(args.timezone)
    try:
        check_sheet_path(args.out)
    except ResultsError as exc:
        raise UsageError(f"--out: {exc}") from None
    target = connect(args)

    reader = HubSpotReader(target.settings, target.token, transport=target.transport)
    try:
        holdings = read_holdings(reader, progress=progress_to(err))
    except ReadError as exc:
        err.write(f"hubevents: cannot read the events from HubSpot: {exc}\n")
        return EXIT_INPUT if exc.status in (401, 403) else 1
    finally:
        reader.close()
    headers, rows = pulled_sheet(holdings, zone, aware=args.out.suffix.lower() == ".csv")
    try:
        write_event_sheet(args.out, headers, rows)
    except ResultsError as exc:
        raise UsageError(str(exc)) from None
    others = len(holdings.others)
    err.write(
        f"{plural(len(rows), 'event')} of this app written to {args.out} (dates in {zone.key}); "
        f"{plural(others, 'event')} of other apps left out; "
        f"{plural(holdings.requests, 'request')}\n"
    )
    if holdings.unresolved:
        err.write(
            f"hubevents: HubSpot did not tell the External Account ID of "
            f"{plural(len(holdings.unresolved), 'event')}: their rows have it blank\n"
        )
    return EXIT_OK
