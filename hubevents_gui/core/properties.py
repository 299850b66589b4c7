"""The account's marketing-event property definitions, and what a custom column's values must be.

HubSpot silently drops a custom property whose name the account does not define, and a value
that does not fit its property (text in a number, an option the list does not have) is at best
dropped too. Knowing the definitions (read by hubspot.reader) lets the app say so before
anything is sent: once per column for an undefined name, once per cell for a misfit value.
These are warnings: the row can still be sent, and its other fields still arrive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from hubevents_gui.core.fields import custom_header
from hubevents_gui.core.rows import EventRow, RowId
from hubevents_gui.core.validation import Issue

#: the code of an issue about a custom property's definition (a warning: the row is sendable)
PROPERTY = "property"


@dataclass(frozen=True, slots=True)
class PropertyDefinition:
    name: str
    label: str
    #: string, number, date, datetime, enumeration, bool (HubSpot's ``type``)
    type: str
    #: how HubSpot edits it: text, number, select, radio, checkbox (several options), ...
    field_type: str = ""
    #: the values an enumeration takes (its options' ``value``)
    options: tuple[str, ...] = ()
    #: HubSpot computes it: a value sent is ignored
    read_only: bool = False


PropertyDefinitions = Mapping[str, PropertyDefinition]


def undefined_message(name: str) -> str:
    return f"HubSpot has no marketing-event property '{name}': its values would be dropped"


def read_only_message(name: str) -> str:
    return f"HubSpot computes the property '{name}' itself: its values would be ignored"


def column_warnings(
    custom_names: Iterable[str], definitions: PropertyDefinitions
) -> dict[str, str]:
    """custom:NAME column key -> why its values would not arrive, for the columns that have one."""
    warnings: dict[str, str] = {}
    for name in custom_names:
        definition = definitions.get(name)
        if definition is None:
            warnings[custom_header(name)] = undefined_message(name)
        elif definition.read_only:
            warnings[custom_header(name)] = read_only_message(name)
    return warnings


def cell_warnings(
    rows: Iterable[EventRow], definitions: PropertyDefinitions
) -> dict[RowId, list[Issue]]:
    """Row -> the custom cells whose value does not fit its defined property's type."""
    warnings: dict[RowId, list[Issue]] = {}
    for row in rows:
        for name, text in row.custom.items():
            definition = definitions.get(name)
            problem = value_problem(definition, text) if definition is not None else None
            if problem:
                issue = Issue(custom_header(name), problem, PROPERTY)
                warnings.setdefault(row.row_id, []).append(issue)
    return warnings


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_EPOCH_MS = re.compile(r"\d{1,15}")
_TRUE_FALSE = frozenset({"true", "false"})


def value_problem(definition: PropertyDefinition, text: str) -> str | None:
    """Why ``text`` does not fit ``definition``, in the user's words, or None when it does."""
    value = text.strip()
    kind = definition.type
    label = f"'{definition.label or definition.name}'"
    if kind == "number":
        if not _NUMBER.fullmatch(value):
            return f"'{text}' is not a number: HubSpot's property {label} holds numbers"
    elif kind == "bool":
        if value.casefold() not in _TRUE_FALSE:
            return f"'{text}' is not true or false: HubSpot's property {label} is a checkbox"
    elif kind == "enumeration":
        return _option_problem(definition, value, label)
    elif kind in ("date", "datetime") and not _is_date(value, kind):
        shape = "2026-03-10" if kind == "date" else "2026-03-10T16:00:00Z"
        return f"'{text}' is not a {kind.replace('datetime', 'date-time')} like {shape}: " + (
            f"HubSpot's property {label} holds one"
        )
    return None


def _option_problem(definition: PropertyDefinition, value: str, label: str) -> str | None:
    if not definition.options:
        return None  # an enumeration whose options HubSpot did not list: nothing to hold it to
    # checkbox enumerations take several options, separated by semicolons
    chosen = value.split(";") if definition.field_type == "checkbox" else [value]
    unknown = [part for part in chosen if part.strip() not in definition.options]
    if not unknown:
        return None
    shown = ", ".join(f"'{option}'" for option in definition.options[:8])
    more = f" and {len(definition.options) - 8} more" if len(definition.options) > 8 else ""
    return (
        f"'{unknown[0].strip()}' is not one of the options of HubSpot's property {label}: "
        f"{shown}{more}"
    )


def _is_date(value: str, kind: str) -> bool:
    if _EPOCH_MS.fullmatch(value):
        return True  # HubSpot also takes milliseconds since 1970
    try:
        if kind == "date":
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
