"""What the commands share: exit codes, the usage error, reading and checking a table, the
token."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from hubevents_gui import credentials
from hubevents_gui.core.checks import checks_for
from hubevents_gui.core.fields import FieldTable
from hubevents_gui.core.results import ResultsError, check_results
from hubevents_gui.core.rows import EventRow, EventTable, RowId, Value
from hubevents_gui.core.sheets import (
    SheetError,
    build_table,
    choose_sheet,
    fields_for,
    guess_mapping,
)
from hubevents_gui.core.validation import Issue
from hubevents_gui.core.words import plural
from hubevents_gui.core.zones import ZoneError, load_zone, local_zone_name

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


def issue_lines(checked: CheckedTable) -> list[str]:
    """Each problem of each row, by cell and column title: ``Sheet1!C7 (Email): ...``."""
    table = checked.table
    return [
        f"{table.cell_name(row, issue.field)} ({table.column_title(issue.field)}): {issue.message}"
        for row in table.rows
        for issue in checked.issues.get(row.row_id, [])
    ]


def tell_invalid(checked: CheckedTable, err: TextIO, most: int = 50) -> None:
    """Before sending: how many rows are invalid, and why (the first ``most`` problems)."""
    invalid = len(checked.issues)
    if not invalid:
        return
    lines = issue_lines(checked)
    err.write(f"hubevents: {plural(invalid, 'invalid row')} will not be sent:\n")
    for line in lines[:most]:
        err.write(f"{line}\n")
    if len(lines) > most:
        err.write(f"... and {plural(len(lines) - most, 'more problem')} (hubevents validate)\n")


def load_zone_arg(name: str | None) -> ZoneInfo:
    """``--timezone``'s zone, or this computer's."""
    try:
        return load_zone(name or local_zone_name())
    except ZoneError as exc:
        raise UsageError(f"--timezone: {exc}") from None


def load_checked(
    args: argparse.Namespace,
    fields: FieldTable | None = None,
    defaults: Mapping[str, Value] | None = None,
) -> CheckedTable:
    """The input file of ``args`` (file, sheet, timezone, day_first) read and validated.

    ``fields``: the kind of table (by default what the headers say); ``defaults``: values
    given once for every row that leaves the column blank (their columns may be missing)."""
    zone = load_zone_arg(args.timezone)
    try:
        choice = choose_sheet(Path(args.file), args.sheet)
        if choice.raw is None:
            names = ", ".join(
                f"'{name}'" + (" (hidden)" if name in choice.hidden else "")
                for name in choice.candidates
            )
            raise UsageError(
                f"'{Path(args.file).name}' has several sheets of events ({names}): "
                "choose one with --sheet NAME"
            )
        raw = choice.raw
        fields = fields or fields_for(raw.headers)
        table = build_table(
            raw,
            guess_mapping(raw.headers, fields),
            day_first=args.day_first,
            fields=fields,
            given=tuple(defaults or ()),
        )
    except SheetError as exc:
        raise UsageError(str(exc)) from None
    table.defaults.update(defaults or {})
    issues = checks_for(table).rows(table.rows, zone)
    return CheckedTable(table, zone, dict(issues))


def progress_to(err: TextIO) -> Callable[[str], None]:
    """A read's progress, a line each on stderr."""

    def progress(text: str) -> None:
        err.write(f"hubevents: {text}\n")
        err.flush()

    return progress


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` (to ``high``)."""

    def whole(text: str) -> int:
        try:
            value: int | None = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"of {low} or more"
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number {span}")
        return value

    return whole


def check_results_target(table: EventTable, path: Path) -> None:
    """``--results PATH`` checked before anything is sent: one sentence and exit 2 when the
    results could not be written there (no such folder, the input itself, a cell too long)."""
    try:
        check_results(table, path)
    except ResultsError as exc:
        raise UsageError(f"--results: {exc}; nothing was sent") from None


def token_for(args: argparse.Namespace) -> str:
    """The token to send with, checked for what a paste brings along (never printed)."""
    from hubevents_gui.hubspot.token_check import TokenFormatError, clean_token

    if args.token_env:
        if args.token_env not in os.environ:
            raise UsageError(f"--token-env: the environment variable {args.token_env} is not set")
        from_env = os.environ[args.token_env].strip()
        if not from_env:
            raise UsageError(
                f"--token-env: the environment variable {args.token_env} is empty (or only "
                "spaces): put the token in it"
            )
        where, token = f"the environment variable {args.token_env}", from_env
    else:
        saved = credentials.get_token()
        if not saved:
            raise UsageError(
                "no HubSpot token is saved: save one in the app's connection dialog, pass "
                "--token-env VAR, or try --sandbox"
            )
        token = saved
        where = "the token saved in the keyring"
    try:
        return clean_token(token)
    except TokenFormatError as exc:
        raise UsageError(f"{where}: {exc}") from None
