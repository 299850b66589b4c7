"""The table's columns: the field table's, then custom properties, the file's carried columns,
and the outcome columns. Derived from an EventTable; no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hubevents_gui.core.fields import (
    CUSTOM_KEY_PREFIX,
    EVENT_FIELDS,
    EXTRA_KEY_PREFIX,
    Field,
    FieldTable,
)
from hubevents_gui.core.rows import EventTable


class ColumnKind(Enum):
    FIELD = "field"
    CUSTOM = "custom"
    EXTRA = "extra"
    STATUS = "status"
    HUBSPOT_ID = "hubspot id"
    MESSAGE = "message"


@dataclass(frozen=True)
class Column:
    kind: ColumnKind
    key: str
    header: str
    field: Field | None = None
    #: for EXTRA columns: the position in EventRow.extras
    extra_index: int = -1

    @property
    def editable(self) -> bool:
        return self.kind is ColumnKind.FIELD or self.kind is ColumnKind.CUSTOM

    @property
    def title(self) -> str:
        """The header as the user sees it (required fields marked)."""
        required = self.field is not None and self.field.required
        return self.header + (" *" if required else "")

    @property
    def tooltip(self) -> str:
        if self.field is not None:
            need = "required" if self.field.required else "optional"
            return f"{self.field.key}: {self.field.kind.value}, {need}"
        if self.kind is ColumnKind.CUSTOM:
            name = self.key[len(CUSTOM_KEY_PREFIX) :]
            if self.header.casefold().startswith("contact"):
                return f"contact property {name!r}, sent as text for contacts HubSpot creates"
            return f"custom property {name!r}, sent as text"
        if self.kind is ColumnKind.EXTRA:
            return "from your file; not sent to HubSpot, kept in result files"
        return "what happened to the row in the last upsert"


def custom_column(name: str, fields: FieldTable = EVENT_FIELDS) -> Column:
    """A property column: ``custom:NAME`` in an event table, ``contact:NAME`` in an attendee
    one (keyed custom:NAME in both)."""
    return Column(ColumnKind.CUSTOM, CUSTOM_KEY_PREFIX + name, fields.property_header(name))


def outcome_columns(fields: FieldTable) -> tuple[Column, ...]:
    return (
        Column(ColumnKind.STATUS, "status", "Status"),
        Column(ColumnKind.HUBSPOT_ID, "hubspotId", fields.id_title),
        Column(ColumnKind.MESSAGE, "message", "Message"),
    )


def build_columns(table: EventTable) -> list[Column]:
    fields = table.fields
    columns = [Column(ColumnKind.FIELD, f.key, f.title, f) for f in fields.columns]
    columns += [custom_column(name, fields) for name in table.custom_names]
    columns += [
        Column(ColumnKind.EXTRA, f"{EXTRA_KEY_PREFIX}{i}", header, extra_index=i)
        for i, header in enumerate(table.extra_headers)
    ]
    columns += outcome_columns(fields)
    return columns


def custom_column_position(table: EventTable) -> int:
    """Where the next custom property column goes: after the others."""
    return len(table.fields.columns) + len(table.custom_names)
