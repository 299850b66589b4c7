"""Sheet rows against HubSpot's copy: what an upsert of each row would do.

Fields are compared as HubSpot stores and echoes them: date-times as instants (HubSpot writes
them in its own UTC form), booleans with HubSpot's default of false, custom properties by name.
Only what a row sends is compared: an upsert leaves the fields a row does not send as they are,
and a custom property the account does not define is dropped, so it changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from hubevents_gui.core.fields import custom_header
from hubevents_gui.core.properties import PropertyDefinition
from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.hubspot.holdings import Holdings, RemoteEvent
from hubevents_gui.hubspot.wire import ECHO_FIELDS, JsonObject, normal_value

_BOOLEANS = frozenset({"eventCancelled", "eventCompleted"})


class Action(Enum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    #: another app owns an event with these external ids: this app would create a second one
    CONFLICT = "conflict"
    INVALID = "invalid"

    @property
    def sends(self) -> bool:
        """Whether a changed-only run sends the row."""
        return self in (Action.CREATE, Action.UPDATE)


@dataclass(frozen=True, slots=True)
class Change:
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class RowPlan:
    row_id: RowId
    action: Action
    #: column key (field key or custom:NAME) -> HubSpot's value and the row's
    changes: dict[str, Change] = field(default_factory=dict)
    #: the HubSpot event it would update, or the other app's event it conflicts with
    object_id: str | None = None
    #: for a conflict: which app owns the event
    other_app: str | None = None


def plan_rows(
    items: Sequence[tuple[RowId, JsonObject]],
    holdings: Holdings,
    definitions: Mapping[str, PropertyDefinition] | None = None,
) -> dict[RowId, RowPlan]:
    """Each row's action, from its upsert input (wire.to_input) and what HubSpot holds."""
    plans: dict[RowId, RowPlan] = {}
    for row_id, body in items:
        key = (str(body["externalAccountId"]), str(body["externalEventId"]))
        current = holdings.own.get(key)
        if current is None:
            other = holdings.other_app_with(key)
            if other is not None:
                plans[row_id] = RowPlan(
                    row_id, Action.CONFLICT, object_id=other.object_id, other_app=other.app_name
                )
            else:
                plans[row_id] = RowPlan(row_id, Action.CREATE)
            continue
        changes = changes_of(body, current, definitions)
        action = Action.UPDATE if changes else Action.UNCHANGED
        plans[row_id] = RowPlan(row_id, action, changes, current.object_id)
    return plans


def changes_of(
    body: JsonObject,
    current: RemoteEvent,
    definitions: Mapping[str, PropertyDefinition] | None = None,
) -> dict[str, Change]:
    """The fields an upsert of ``body`` would change in ``current``, with old and new values."""
    changes: dict[str, Change] = {}
    for key in ECHO_FIELDS:
        if key not in body:
            continue
        new, old = body[key], current.fields.get(key)
        if old is None and key in _BOOLEANS:
            old_seen: object = False  # HubSpot's default
        else:
            old_seen = old
        if normal_value(key, new) != normal_value(key, old_seen):
            changes[key] = Change(old, new)
    for prop in body.get("customProperties") or []:
        name, new = str(prop["name"]), str(prop.get("value", ""))
        definition = definitions.get(name) if definitions is not None else None
        if definitions is not None and (definition is None or definition.read_only):
            continue  # HubSpot would drop it: it changes nothing (the warning says so)
        old_text = current.custom.get(name)
        if not _same_property(definition, old_text, new):
            changes[custom_header(name)] = Change(old_text, new)
    return changes


def _same_property(definition: PropertyDefinition | None, old: str | None, new: str) -> bool:
    if old is None:
        return new == ""
    if old == new:
        return True
    kind = definition.type if definition is not None else None
    if kind == "number":
        try:
            return float(old) == float(new)
        except ValueError:
            return False
    if kind == "bool":
        return old.strip().casefold() == new.strip().casefold()
    if kind == "enumeration" and definition is not None and definition.field_type == "checkbox":
        return _options(old) == _options(new)
    return False


def _options(text: str) -> list[str]:
    return sorted(part.strip() for part in text.split(";"))


def counts(plans: Mapping[RowId, RowPlan]) -> dict[Action, int]:
    """How many rows each action has (every action present, 0 where none)."""
    tally = dict.fromkeys(Action, 0)
    for plan in plans.values():
        tally[plan.action] += 1
    return tally


def left_alone_outcomes(plans: Mapping[RowId, RowPlan]) -> list[Outcome]:
    """What a changed-only run says of the rows it does not send."""
    outcomes = []
    for plan in plans.values():
        if plan.action is Action.UNCHANGED:
            message = "HubSpot already holds this event as it is: not sent"
            outcomes.append(Outcome(plan.row_id, RowStatus.UNCHANGED, plan.object_id, message))
        elif plan.action is Action.CONFLICT:
            message = (
                f"not sent: {plan.other_app} already has an event with these external ids "
                f"(HubSpot ID {plan.object_id}); sending would make a second one"
            )
            outcomes.append(Outcome(plan.row_id, RowStatus.NOT_SENT, message=message))
    return outcomes
