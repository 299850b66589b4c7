"""Rows to the JSON HubSpot's upsert takes, and its results back to rows (attribution)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hubevents_gui.core.fields import COLUMN_FIELDS, IDENTITY_KEYS, Kind
from hubevents_gui.core.rows import EventRow, Outcome, RowId, RowStatus
from hubevents_gui.core.zones import wall_clock

JsonObject = dict[str, Any]


_DATE_KEYS = tuple(f.key for f in COLUMN_FIELDS if f.kind is Kind.DATETIME)


def to_input(row: EventRow, zone: ZoneInfo) -> JsonObject:
    """One ``MarketingEventCreateRequestParams`` for a row that passed validation.

    Date-times in UTC with milliseconds and Z, booleans as JSON booleans, customProperties always
    present (``[]`` when none) as ``{name, value}`` string pairs, empty optional fields left out.
    A row's values hold only sendable values (see core.rows.EventRow), so the body starts as a
    copy of them and only the date-times change.
    """
    if row.bad:
        raise ValueError(f"row {row.source_row} has cells that cannot be sent: validate it first")
    body: JsonObject = dict(row.values)
    clock = None
    for key in _DATE_KEYS:
        value = body.get(key)
        if value is not None:
            clock = clock or wall_clock(zone)
            body[key] = clock.utc_text(value)
    custom = row.custom
    body["customProperties"] = (
        [{"name": name, "value": value} for name, value in custom.items()] if custom else []
    )
    return body


def inputs_for(rows: Iterable[EventRow], zone: ZoneInfo) -> list[JsonObject]:
    """to_input for many rows that passed validation (without pausing for garbage collection)."""
    return [to_input(row, zone) for row in rows]


# --------------------------------------------------------------------------- attribution

#: what HubSpot echoes back of an input (results carry no external ids)
ECHO_FIELDS = tuple(f.key for f in COLUMN_FIELDS if f.key not in IDENTITY_KEYS)
_DATE_FIELDS = frozenset(_DATE_KEYS)

EchoKey = tuple[tuple[str, object], ...]


def normal_value(field: str, value: object) -> object:
    """A value as compared across the wire: date-times as instants (HubSpot may reformat them)."""
    if field in _DATE_FIELDS and isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return round(parsed.timestamp() * 1000)
    return value


def echo_key(body: JsonObject) -> EchoKey:
    """The fields of an input that its result echoes, normalised: two inputs with the same key
    cannot be told apart by their results, so they never share a batch."""
    return tuple((f, normal_value(f, body[f])) for f in ECHO_FIELDS if f in body)


def _matches(key: EchoKey, result: JsonObject) -> bool:
    return all(normal_value(f, result.get(f)) == value for f, value in key)


def instant(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


def attribute(
    inputs: Sequence[tuple[RowId, JsonObject]], results: Sequence[JsonObject]
) -> tuple[dict[RowId, JsonObject], list[RowId]]:
    """Match results to inputs by what they echo, never by order.

    Returns (row id -> its result, row ids left unmatched or ambiguous). A result is given to an
    input only when it is the one input it can belong to; matches then narrow the rest (an input
    taken cannot be another result's candidate) until nothing changes.
    """
    keys = {row_id: echo_key(body) for row_id, body in inputs}
    by_name: dict[tuple[object, object], list[RowId]] = {}
    for row_id, body in inputs:
        by_name.setdefault((body.get("eventName"), body.get("eventOrganizer")), []).append(row_id)
    candidates: list[set[RowId]] = []
    for result in results:
        bucket = by_name.get((result.get("eventName"), result.get("eventOrganizer")), [])
        candidates.append({row_id for row_id in bucket if _matches(keys[row_id], result)})
    matched: dict[RowId, JsonObject] = {}
    progress = True
    while progress:
        progress = False
        for index, options in enumerate(candidates):
            if len(options) == 1:
                (row_id,) = options
                matched[row_id] = results[index]
                candidates[index] = set()
                for other in candidates:
                    other.discard(row_id)
                progress = True
    unmatched = [row_id for row_id, _ in inputs if row_id not in matched]
    return matched, unmatched


def dropped_properties(sent: JsonObject, result: JsonObject) -> tuple[str, ...]:
    """The custom properties ``sent`` carried that ``result`` does not echo, in the order sent.

    HubSpot keeps an event and silently drops a property the account does not define; its
    answer then lacks the name. An answer without a ``customProperties`` list says nothing about
    them (nothing is reported dropped); names are compared exactly, values are not looked at
    (HubSpot may reformat them).
    """
    names = [p.get("name") for p in sent.get("customProperties") or () if isinstance(p, dict)]
    if not names:
        return ()
    echoed = result.get("customProperties")
    if not isinstance(echoed, list):
        return ()
    kept = {p.get("name") for p in echoed if isinstance(p, dict)}
    return tuple(dict.fromkeys(str(n) for n in names if n is not None and n not in kept))


def outcome_of(row_id: RowId, result: JsonObject, sent: JsonObject | None = None) -> Outcome:
    """Created or updated (createdAt == updatedAt means created), with the HubSpot id; with
    ``sent`` (the input the result answers), the custom properties HubSpot dropped."""
    hubspot_id = result.get("objectId") or result.get("id")
    created, updated = instant(result.get("createdAt")), instant(result.get("updatedAt"))
    status = RowStatus.CREATED if created is not None and created == updated else RowStatus.UPDATED
    dropped = dropped_properties(sent, result) if sent is not None else ()
    return Outcome(
        row_id, status, str(hubspot_id) if hubspot_id is not None else None, dropped=dropped
    )
