"""The command line's arguments: one sub-command per module of this package."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from hubevents_gui import __version__
from hubevents_gui.cli import (
    attendance,
    events,
    history,
    pull,
    sample,
    sandbox,
    undo,
    upsert,
    validate,
)
from hubevents_gui.cli.common import whole_number
from hubevents_gui.hubspot.settings import (
    API_VERSIONS,
    HUBSPOT_URL,
    MAX_BATCH_SIZE,
    MAX_CONCURRENCY,
    NEWEST_VERSION,
    version_problem,
)


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", help="the spreadsheet: .xlsx, .xlsm, .xls, .ods, or a text table (.csv, .tsv, .txt)"
    )
    parser.add_argument("--sheet", help="the sheet to read (default: the one with event headers)")
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


def api_version(text: str) -> str:
    """An argparse type: an API version this app can address."""
    problem = version_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """Where requests go and with which token: the same for every command that talks to HubSpot."""
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--sandbox", action="store_true", help="talk to the built-in simulator (no token needed)"
    )
    target.add_argument("--base-url", help=f"the API's address (default {HUBSPOT_URL})")
    parser.add_argument(
        "--api-version",
        type=api_version,
        default=NEWEST_VERSION,
        help=f"{', '.join(API_VERSIONS)} (default {NEWEST_VERSION}; v3 is HubSpot's legacy path, "
        "unsupported from September 2027)",
    )
    parser.add_argument(
        "--token-env",
        metavar="VAR",
        help="read the token from this environment variable (default: the app's keyring entry)",
    )


#: a whole number of 1 or more
positive = whole_number(1)


def at_most(most: int, what: str, why: str) -> Callable[[str], int]:
    """An argparse type: a whole number from 1 to ``most``, saying ``why`` when it is more."""

    def bounded(text: str) -> int:
        value = positive(text)
        if value > most:
            raise argparse.ArgumentTypeError(f"{value} {what} is more than {why}: at most {most}")
        return value

    return bounded


batch_size = at_most(MAX_BATCH_SIZE, "rows per request", "HubSpot takes")
concurrency = at_most(MAX_CONCURRENCY, "requests at once", "HubSpot's rate limit lets through")


def add_sending_arguments(parser: argparse.ArgumentParser) -> None:
    """How rows go: batch size, requests at once, or a dry run."""
    parser.add_argument(
        "--batch-size",
        type=batch_size,
        default=MAX_BATCH_SIZE,
        help=f"rows per request, 1 to {MAX_BATCH_SIZE} (default {MAX_BATCH_SIZE})",
    )
    parser.add_argument(
        "--concurrency",
        type=concurrency,
        default=4,
        help=f"requests in flight, 1 to {MAX_CONCURRENCY} (default 4)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="validate and print what would be sent; send nothing"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubevents",
        description="Check and upsert spreadsheets of events as HubSpot marketing events.",
    )
    parser.add_argument("--version", action="version", version=f"hubevents {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validating = commands.add_parser(
        "validate", help="read a spreadsheet and report every problem, sending nothing"
    )
    add_input_arguments(validating)
    validating.add_argument("--json", action="store_true", help="print one JSON object")
    add_connection_arguments(validating)
    validating.epilog = (
        "With --sandbox, --base-url or --token-env it also reads the account's marketing-event "
        "properties and warns of custom columns HubSpot would drop."
    )
    validating.set_defaults(run=validate.run)

    upserting = commands.add_parser(
        "upsert", help="send every valid row to HubSpot (or the sandbox) and report each outcome"
    )
    add_input_arguments(upserting)
    add_connection_arguments(upserting)
    add_sending_arguments(upserting)
    reading = upserting.add_mutually_exclusive_group()
    reading.add_argument(
        "--preview",
        action="store_true",
        help="read HubSpot's copy and print what each row would do (create, update with each "
        "change, unchanged, conflict, invalid); send nothing",
    )
    reading.add_argument(
        "--changed-only",
        action="store_true",
        help="read HubSpot's copy first and send only the rows it would create or change",
    )
    upserting.add_argument("--json", action="store_true", help="with --preview: print JSON")
    upserting.add_argument(
        "--results", type=Path, metavar="OUT.xlsx", help="write every row with its outcome"
    )
    upserting.set_defaults(run=upsert.run)

    recording = commands.add_parser(
        "attendance",
        help="record who registered for, attended or cancelled events, from a sheet of "
        "attendees, and report each row's outcome and each event's counters",
    )
    add_input_arguments(recording)
    attendance.add_arguments(recording)
    add_connection_arguments(recording)
    add_sending_arguments(recording)
    recording.add_argument(
        "--results", type=Path, metavar="OUT.xlsx", help="write every row with its outcome"
    )
    recording.epilog = (
        "Rows with an Email are recorded with HubSpot's email-create (it creates contacts it "
        "does not know, with First Name, Last Name, Company, Job Title and contact:NAME "
        "columns); rows with a Contact ID by that id. An attended row without an Interaction "
        "Time takes the event's start, the others the time of sending. Exit 0 when every row "
        "is recorded, 1 when any failed, was invalid or not sent, 2 for unreadable input, bad "
        "arguments or a refused token."
    )
    recording.set_defaults(run=attendance.run)

    acting = commands.add_parser(
        "events",
        help="cancel, complete or delete the events of a sheet's rows in HubSpot (or the "
        "sandbox), after saying how many in which portal",
    )
    events.add_arguments(acting)
    add_input_arguments(acting)
    events.add_options(acting)
    add_connection_arguments(acting)
    add_sending_arguments(acting)
    acting.epilog = (
        "Without --yes it asks on a terminal, and refuses when there is none. Delete removes "
        "the events this app created, by their external ids; --by-object-id reads each "
        "event's object id first and removes it whichever app created it. --dry-run checks "
        "the token and reads what the run needs, then prints each request and changes "
        "nothing. Exit 0 when every chosen row's event was acted on, 1 when any failed or was "
        "not sent, 2 for unreadable input, bad arguments, a refused token or no confirmation."
    )
    acting.set_defaults(run=events.run)

    pulling = commands.add_parser(
        "pull", help="write every event this app owns in HubSpot (or the sandbox) to a spreadsheet"
    )
    add_connection_arguments(pulling)
    pull.add_arguments(pulling)
    pulling.set_defaults(run=pull.run)

    listing = commands.add_parser(
        "history", help="list the recorded runs: id, start, file, connection, counts, state"
    )
    history.add_arguments(listing)
    listing.set_defaults(run=history.run)

    undoing = commands.add_parser(
        "undo",
        help="take an upsert run back: delete the events it created, put back the prior values "
        "of those it changed, leave alone those changed in HubSpot since",
    )
    undo.add_arguments(undoing)
    add_connection_arguments(undoing)
    undoing.set_defaults(run=undo.run)

    serving = commands.add_parser(
        "sandbox", help="serve the built-in HubSpot simulator on this computer (loopback only)"
    )
    sandbox.add_arguments(serving)
    serving.set_defaults(run=sandbox.run)

    sampling = commands.add_parser(
        "sample",
        help="write the sample sheets (sample-events.xlsx, sample-attendees.xlsx) into a folder",
    )
    sample.add_arguments(sampling)
    sampling.set_defaults(run=sample.run)
    return parser
