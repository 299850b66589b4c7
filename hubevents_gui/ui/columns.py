"""The table's columns: the field table's, then custom properties, the file's carried columns,
and the outcome columns. Derived from an EventTable; no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from hubevents_gui.core.fields import COLUMN_FIELDS, CUSTOM_KEY_PREFIX, EXTRA_KEY_PREFIX, Field
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
            return f"custom property {self.key[len(CUSTOM_KEY_PREFIX) :]!r}, sent as text"
        if self.kind is ColumnKind.EXTRA:
            return "from your file; not sent to HubSpot, kept in result files"
        return "what happened to the row in the last upsert"


def custom_column(name: str) -> Column:
    key = CUSTOM_KEY_PREFIX + name
    return Column(ColumnKind.CUSTOM, key, key)


OUTCOME_COLUMNS = (
    Column(ColumnKind.STATUS, "status", "Status"),
    Column(ColumnKind.HUBSPOT_ID, "hubspotId", "HubSpot ID"),
    Column(ColumnKind.MESSAGE, "message", "Message"),
)


def build_columns(table: EventTable) -> list[Column]:
    columns = [Column(ColumnKind.FIELD, f.key, f.title, f) for f in COLUMN_FIELDS]
    columns += [custom_column(name) for name in table.custom_names]
    columns += [
        Column(ColumnKind.EXTRA, f"{EXTRA_KEY_PREFIX}{i}", header, extra_index=i)
        for i, header in enumerate(table.extra_headers)
    ]
    columns += OUTCOME_COLUMNS
    return columns


def custom_column_position(table: EventTable) -> int:
    """Where the next custom property column goes: after the others."""
    return len(COLUMN_FIELDS) + len(table.custom_names)
