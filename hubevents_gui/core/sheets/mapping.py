"""Which column is which field: guessed from the headers, checked before anything is read."""

from __future__ import annotations

from collections.abc import Sequence

from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS, is_attendee_sheet
from hubevents_gui.core.fields import (
    COUNTER_HEADERS,
    EVENT_FIELDS,
    FieldTable,
    custom_header,
    normalize_header,
)
from hubevents_gui.core.sheets.raw import RawSheet, Target, describe_file


def fields_for(headers: Sequence[str]) -> FieldTable:
    """What kind of table a sheet with ``headers`` is: attendees when they name a contact (Email
    or Contact ID) and a State, else events."""
    return ATTENDEE_FIELDS if is_attendee_sheet(headers) else EVENT_FIELDS


def guess_mapping(headers: Sequence[str], fields: FieldTable | None = None) -> list[Target]:
    """Each header's target by its name: a field key, "custom:NAME" for a property column
    (``custom:NAME`` in an event sheet, ``contact:NAME`` in an attendee one), or None (carried).
    ``fields``: the kind of table (by default, what the headers say: fields_for)."""
    fields = fields or fields_for(headers)
    mapping: list[Target] = []
    for header in headers:
        custom = fields.property_name(header)
        if custom is not None:
            mapping.append(custom_header(custom))
            continue
        found = fields.field_for_header(header) if header else None
        mapping.append(found.key if found else None)
    return mapping


#: columns the app itself writes beside the events (result files, pulled files): carried as
#: they are, never a reason to ask how to map the sheet
APP_COLUMNS = frozenset(
    normalize_header(h)
    for h in (
        "Status",
        "HubSpot ID",
        "HubSpot Contact ID",
        "Message",
        *(title for _, title in COUNTER_HEADERS),
    )
)


def needs_confirmation(
    raw: RawSheet, mapping: Sequence[Target], fields: FieldTable | None = None
) -> bool:
    """Whether the user must confirm ``mapping``: a column it does not place (other than the
    app's own), or a problem."""
    unplaced = any(
        target is None and normalize_header(header) not in APP_COLUMNS
        for header, target in zip(raw.headers, mapping, strict=False)
    )
    return unplaced or bool(mapping_problems(raw, mapping, fields))


def header_label(raw: RawSheet, column: int) -> str:
    header = raw.headers[column] if column < len(raw.headers) else ""
    return f"'{header}'" if header else f"column {raw.column_name(column)} (no header)"


def mapping_problems(
    raw: RawSheet,
    mapping: Sequence[Target],
    fields: FieldTable | None = None,
    given: Sequence[str] = (),
) -> list[str]:
    """Why a mapping cannot be used: duplicate headers or targets, missing required columns
    (those the sheet does not take from ``given``, the keys given once for all rows)."""
    fields = fields or fields_for(raw.headers)
    where = f"{describe_file(raw.file)}" + (f", sheet {raw.sheet!r}" if raw.sheet else "")
    problems: list[str] = []
    seen_headers: dict[str, int] = {}
    for column, header in enumerate(raw.headers):
        folded = normalize_header(header) or header
        target = mapping[column] if column < len(mapping) else None
        if not header or target is None:
            continue  # two carried columns of one name are harmless: both come back as they were
        if folded in seen_headers and mapping[seen_headers[folded]] == target:
            first = seen_headers[folded]
            problems.append(
                f"{where}: columns {raw.column_name(first)} and {raw.column_name(column)} "
                f"are both headed '{header}'; rename one"
            )
        else:
            seen_headers[folded] = column
    seen_targets: dict[str, int] = {}
    for column, target in enumerate(mapping):
        if target is None:
            continue
        if target in seen_targets:
            first = seen_targets[target]
            if normalize_header(raw.headers[first]) != normalize_header(raw.headers[column]):
                problems.append(
                    f"{where}: columns {raw.column_name(first)} ({header_label(raw, first)}) and "
                    f"{raw.column_name(column)} ({header_label(raw, column)}) are both "
                    f"{_target_title(fields, target)}; keep one"
                )
        else:
            seen_targets[target] = column
    missing = [
        f"'{f.title}'" for f in fields.required if f.key not in seen_targets and f.key not in given
    ]
    missing += [
        " or ".join(f"'{fields.by_key[key].title}'" for key in group)
        for group in fields.required_any
        if not any(key in seen_targets for key in group)
    ]
    if missing:
        titled = [h for h in raw.headers if h]
        # a header can be a whole line of text (a file that is not a table): shown short
        found = ", ".join(f"'{_short(h)}'" for h in titled[:_SHOWN]) or "none"
        if len(titled) > _SHOWN:
            found += f" and {len(titled) - _SHOWN:,} more"
        names = ", ".join(missing)
        problems.append(
            f"{where}: missing required column{'s' if len(missing) > 1 else ''} {names}; "
            f"the headers found in row {raw.header_row} are: {found}"
        )
    return problems


_SHOWN = 20


def _short(header: str, most: int = 60) -> str:
    return header if len(header) <= most else header[: most - 1] + "…"


def _target_title(fields: FieldTable, target: str) -> str:
    found = fields.by_key.get(target)
    if found is not None:
        return f"'{found.title}'"
    return f"{fields.property_noun} '{target.partition(':')[2]}'"
