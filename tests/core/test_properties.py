"""What a custom column's values must be, by the account's property definitions."""

from __future__ import annotations

import pytest

from hubevents_gui.core.properties import (
    PropertyDefinition,
    cell_warnings,
    column_warnings,
    value_problem,
)
from hubevents_gui.core.rows import EventRow, RowId

REGION = PropertyDefinition("region", "Region", "enumeration", "select", ("EMEA", "AMER"))
TOPICS = PropertyDefinition("topics", "Topics", "enumeration", "checkbox", ("ai", "data"))


def test_an_undefined_column_is_named_once_with_what_would_happen() -> None:
    warnings = column_warnings(["region", "legacy_tag"], {"region": REGION})
    assert warnings == {
        "custom:legacy_tag": "HubSpot has no marketing-event property 'legacy_tag': "
        "its values would be dropped"
    }


@pytest.mark.parametrize(
    ("definition", "text", "fits"),
    [
        (PropertyDefinition("n", "Seats", "number"), "850", True),
        (PropertyDefinition("n", "Seats", "number"), "-1.5e3", True),
        (PropertyDefinition("n", "Seats", "number"), "about 850", False),
        (PropertyDefinition("b", "VIP", "bool", "booleancheckbox"), "TRUE", True),
        (PropertyDefinition("b", "VIP", "bool", "booleancheckbox"), "yes", False),
        (PropertyDefinition("d", "Launch", "date"), "2026-03-10", True),
        (PropertyDefinition("d", "Launch", "date"), "1773100800000", True),
        (PropertyDefinition("d", "Launch", "date"), "10/03/2026", False),
        (PropertyDefinition("t", "At", "datetime"), "2026-03-10T16:00:00Z", True),
        (REGION, "EMEA", True),
        (REGION, "Europe", False),
        (TOPICS, "ai;data", True),
        (TOPICS, "ai;cooking", False),
        (PropertyDefinition("s", "Note", "string"), "anything", True),
    ],
)
def test_values_are_held_to_their_property_type(
    definition: PropertyDefinition, text: str, fits: bool
) -> None:
    assert (value_problem(definition, text) is None) is fits


def test_a_misfit_names_the_value_the_property_and_its_options() -> None:
    problem = value_problem(REGION, "Europe")
    assert problem == (
        "'Europe' is not one of the options of HubSpot's property 'Region': 'EMEA', 'AMER'"
    )
    row = EventRow(RowId(3), 4, custom={"region": "Europe", "unknown": "x"})
    issues = cell_warnings([row], {"region": REGION})
    assert [(i.field, i.code) for i in issues[RowId(3)]] == [("custom:region", "property")]
