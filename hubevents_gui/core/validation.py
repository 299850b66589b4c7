"""Validation of event rows: pure functions returning issues as data, never raising."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from hubevents_gui.core.fields import (
    COLUMN_FIELDS,
    IDENTITY_KEYS,
    REQUIRED_COLUMNS,
    custom_header,
)
from hubevents_gui.core.rows import EventRow, RowId
from hubevents_gui.core.zones import WallClock, is_edge_of_time, wall_clock

#: the code of an issue that concerns several rows at once (the same event ids twice)
DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Issue:
    #: the column it is about: a field key, or "custom:NAME" for a custom property
    field: str
    message: str
    #: what kind of issue: "cell" for a problem of the cell itself, DUPLICATE for one shared
    #: with other rows (the table finds those, not the row)
    code: str = "cell"

    @property
    def duplicate(self) -> bool:
        return self.code == DUPLICATE


_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#]\S*)?", re.IGNORECASE)


def url_problem(text: str) -> str | None:
    """Why ``text`` is not an absolute http(s) URL, or None when it is one."""
    if _PLAIN_URL.fullmatch(text):  # the common case, without urlsplit's cost
        return None
    if any(ch.isspace() for ch in text):
        return "not an absolute http(s) URL: it contains spaces"
    try:
        parts = urlsplit(text)
    except ValueError:
        return "not an absolute http(s) URL"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "not an absolute http(s) URL"
    return None


_REQUIRED = tuple((f.key, f"{f.title} is required") for f in REQUIRED_COLUMNS)
_REQUIRED_KEYS = frozenset(key for key, _ in _REQUIRED)
_ORDER = {f.key: i for i, f in enumerate(COLUMN_FIELDS)}


def _column_order(issue: Issue) -> int:
    return _ORDER.get(issue.field, len(_ORDER))


def validate_row(row: EventRow, zone: ZoneInfo) -> list[Issue]:
    """Everything wrong with one row on its own (duplicates need the table: validate_rows).

    Runs for every row of a 100k-row import and on every edit: it looks only where a problem can
    be (required keys, unusable cells, the URL, the two dates), with the common case first.
    """
    issues: list[Issue] = []
    values = row.values
    if not values.keys() >= _REQUIRED_KEYS:
        bad = row.bad
        issues.extend(
            # an unusable cell is reported for what it is, not as a missing value
            Issue(key, message)
            for key, message in _REQUIRED
            if key not in values and key not in bad
        )
    if row.bad:
        issues.extend(Issue(key, cell.reason) for key, cell in row.bad.items())
    url = values.get("eventUrl")
    if url is not None and not _PLAIN_URL.fullmatch(url):  # type: ignore[arg-type]
        problem = url_problem(url)  # type: ignore[arg-type]
        if problem:
            issues.append(Issue("eventUrl", problem))
    start = values.get("startDateTime")
    end = values.get("endDateTime")
    if start is not None or end is not None:
        check_order(
            ("startDateTime", start),  # type: ignore[arg-type]
            ("endDateTime", end),  # type: ignore[arg-type]
            wall_clock(zone),
            issues,
            "the event ends before it starts",
        )
    if "" in row.custom:
        issues.append(
            Issue(custom_header(""), "this custom property column has no name (custom:NAME)")
        )
    if len(issues) > 1:
        issues.sort(key=_column_order)
    return issues


def check_order(
    first: tuple[str, datetime | None],
    second: tuple[str, datetime | None],
    clock: WallClock,
    issues: list[Issue],
    message: str,
) -> None:
    """Issues for two date-times of a row: each must be an instant in the table's zone (not in
    a clock change's gap, not past the edge of time), and the second not before the first
    (``message`` on the second's column when it is)."""
    (_, start), (end_key, end) = first, second
    if (
        start is not None
        and end is not None
        and start.tzinfo is None
        and end.tzinfo is None
        and clock.ordinary_day(start)
        and clock.ordinary_day(end)
        and not is_edge_of_time(start)
        and not is_edge_of_time(end)
    ):
        # both wall-clock times on days without a clock change: compare them as they are
        if end < start:
            issues.append(Issue(end_key, message))
        return
    exact: list[datetime] = []
    for key, value in (first, second):
        if value is None:
            continue
        placed = clock.exact(value)
        if isinstance(placed, str):
            issues.append(Issue(key, placed))
        else:
            exact.append(placed)
    if len(exact) == 2 and exact[1] < exact[0]:
        issues.append(Issue(end_key, message))


def identity(row: EventRow) -> tuple[str, str] | None:
    """(externalAccountId, externalEventId) when the row has both, else None."""
    account, event = (row.values.get(key) for key in IDENTITY_KEYS)
    if isinstance(account, str) and isinstance(event, str):
        return account, event
    return None


def duplicate_issues(rows: Iterable[EventRow]) -> dict[RowId, Issue]:
    """An issue on every row whose (externalAccountId, externalEventId) another row shares."""
    account_key, event_key = IDENTITY_KEYS

    def key_of(row: EventRow) -> tuple[object, object] | None:
        values = row.values
        account, event = values.get(account_key), values.get(event_key)
        # a missing id is reported on its own
        return None if account is None or event is None else (account, event)

    return shared_issues(
        rows,
        key_of,
        "externalEventId",
        lambda key: f"duplicate event: {key[0]!r}/{key[1]!r}",  # type: ignore[index]
    )


def shared_issues(
    rows: Iterable[EventRow],
    key_of: Callable[[EventRow], Hashable | None],
    field: str | Callable[[EventRow], str],
    describe: Callable[[Hashable], str],
) -> dict[RowId, Issue]:
    """A DUPLICATE issue (on ``field``, or the column ``field(row)`` names) on every row whose
    key another row shares, naming the others: "``describe(key)`` is also on row 7, row 9"."""
    first: dict[Hashable, EventRow] = {}
    shared: dict[Hashable, list[EventRow]] = {}
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        seen = first.setdefault(key, row)
        if seen is not row:
            shared.setdefault(key, [seen]).append(row)
    found: dict[RowId, Issue] = {}
    for key, group in shared.items():
        for row in group:
            others = [_row_label(other) for other in group if other is not row]
            listed = ", ".join(others[:5]) + (
                f" and {len(others) - 5} more" if len(others) > 5 else ""
            )
            column = field if isinstance(field, str) else field(row)
            found[row.row_id] = Issue(column, f"{describe(key)} is also on {listed}", DUPLICATE)
    return found


def _row_label(row: EventRow) -> str:
    return f"row {row.source_row}" if row.source_row is not None else "a new row"


def validate_rows(rows: Iterable[EventRow], zone: ZoneInfo) -> dict[RowId, list[Issue]]:
    """Issues of every event row that has any (rows without issues are left out); any kind of
    table: core.checks.checks_for(table).rows(...)."""
    return collect_issues(rows, lambda row: validate_row(row, zone), duplicate_issues)


def collect_issues(
    rows: Iterable[EventRow],
    row_issues: Callable[[EventRow], list[Issue]],
    duplicates: Callable[[list[EventRow]], dict[RowId, Issue]],
) -> dict[RowId, list[Issue]]:
    """Each row's own issues, then the ones rows share, for every row that has any."""
    rows = list(rows)
    result: dict[RowId, list[Issue]] = {}
    for row in rows:
        issues = row_issues(row)
        if issues:
            result[row.row_id] = issues
    for row_id, issue in duplicates(rows).items():
        result.setdefault(row_id, []).append(issue)
    return result
