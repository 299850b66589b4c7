"""Sheets of events the app writes (pulled from HubSpot) read back as they were written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from hubevents_gui.core.event_sheet import write_event_sheet
from hubevents_gui.core.result_files import ResultsError
from hubevents_gui.core.sheets import guess_mapping, needs_confirmation, open_sheet, read_table

HEADERS = [
    "External Account ID",
    "External Event ID",
    "Event Name",
    "Organizer",
    "Start",
    "Cancelled",
    "custom:region",
    "HubSpot ID",
]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_written_events_read_back_with_their_types_and_no_mapping_to_confirm(
    tmp_path: Path, suffix: str
) -> None:
    berlin = timezone(timedelta(hours=1))
    start = datetime(2026, 3, 10, 17, 0, tzinfo=berlin)
    shown = start if suffix == ".csv" else start.replace(tzinfo=None)
    rows: list[list[object]] = [
        ["acc", "007", "=SUM(A1)", "Acme", shown, True, "EMEA", "1000001"],
        ["acc", "E2", "Plain", "Acme", None, False, None, "1000002"],
    ]
    path = tmp_path / f"pulled{suffix}"
    write_event_sheet(path, HEADERS, rows)
    raw = open_sheet(path)
    assert not needs_confirmation(raw, guess_mapping(raw.headers))
    table = read_table(path)
    first, second = table.rows
    assert first.values["externalEventId"] == "007"  # identifiers keep their zeros
    assert first.values["eventName"] == "=SUM(A1)"  # text, never a formula
    assert first.values["eventCancelled"] is True
    assert second.values["eventCancelled"] is False
    assert first.custom == {"region": "EMEA"}
    read_start = first.values["startDateTime"]
    assert isinstance(read_start, datetime)
    if suffix == ".csv":
        assert read_start.astimezone(UTC) == start.astimezone(UTC)
    else:
        assert read_start == datetime(2026, 3, 10, 17, 0)
    assert table.extra_headers == ["HubSpot ID"]


def test_only_workbooks_and_csv_files(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match=r"\.xlsx or \.csv"):
        write_event_sheet(tmp_path / "pulled.ods", HEADERS, [])
