"""`hubevents attendance`: the sample attendee sheet on the sandbox, sheet-wide event and state,
dry runs, the counters read back, results files and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hubevents_gui.core.package_data import sample_path
from hubevents_gui.core.sheets import read_table
from hubevents_gui.hubspot.sandbox import Sandbox, SandboxServer
from tests.helpers import write_csv
from tests.test_cli_upsert import SAMPLE, run

ATTENDEES = sample_path("attendees")


def test_the_sample_is_recorded_counted_completed_and_written_back(tmp_path: Path) -> None:
    assert run("upsert", str(SAMPLE), "--sandbox")[0] == 1  # the events first (2 invalid)
    results = tmp_path / "attendees-results.xlsx"
    code, _, err = run(
        "attendance", str(ATTENDEES), "--sandbox", "--timezone", "Europe/Berlin",
        "--complete", "--results", str(results),
    )  # fmt: skip
    assert code == 1  # six rows are invalid and one event is not in HubSpot
    assert "19 recorded, 0 failed, 1 not sent, 6 invalid" in err
    assert "HubSpot holds no event acme-events/WEB-2025-099 for this app" in err
    assert (
        "acme-events/WEB-2026-001: 4 registered, 3 attended, 1 cancelled, 2 no-shows; completed"
        in err
    )
    rows = list(load_workbook(results).active.iter_rows(values_only=True))
    assert rows[0][-3:] == ("Status", "HubSpot Contact ID", "Message")
    statuses = [r[-3] for r in rows[1:]]
    assert statuses.count("recorded") == 19
    assert statuses.count("invalid") == 6
    by_id = [r for r in rows[1:] if str(r[1]) == "101"]
    assert [r[-3:-1] for r in by_id] == [("recorded", "101")]
    # the results open again as the same attendee sheet, with the user's columns as they were
    again = read_table(results)
    source = read_table(ATTENDEES)
    assert [r.values for r in again.rows] == [r.values for r in source.rows]
    # a pull shows the counters beside each event
    pulled = tmp_path / "pulled.xlsx"
    assert run("pull", "--sandbox", "--out", str(pulled))[0] == 0
    sheet = load_workbook(pulled).active
    assert sheet is not None
    header, *events = list(sheet.iter_rows(values_only=True))
    web = dict(zip(header, next(e for e in events if e[1] == "WEB-2026-001"), strict=True))
    assert (web["Registrants"], web["Attendees"], web["Cancellations"]) == (4, 3, 1)
    # sent again, nothing changes: the same contacts and times are recorded once
    code, _, err = run("attendance", str(ATTENDEES), "--sandbox", "--timezone", "Europe/Berlin")
    assert "acme-events/WEB-2026-001: 4 registered, 3 attended, 1 cancelled, 2 no-shows" in err


def test_event_and_state_for_the_whole_sheet_and_a_dry_run(tmp_path: Path) -> None:
    zoom = write_csv(
        tmp_path / "zoom-export.csv",
        [["Email", "First Name", "Join Time", "Leave Time"],
         ["ann@example.com", "Ann", "2026-03-10 16:00", "2026-03-10 16:45"],
         ["bo@example.com", "Bo", "2026-03-10 16:05", "2026-03-10 16:20"]],
    )  # fmt: skip
    code, out, err = run(
        "attendance", str(zoom), "--event", "WEB-2026-001", "--account", "acme-events",
        "--state", "attended", "--timezone", "UTC", "--dry-run",
    )  # fmt: skip
    assert code == 0, err
    (request,) = [json.loads(line) for line in out.splitlines()]
    assert request["path"].endswith("/attendance/WEB-2026-001/attend/email-create")
    assert request["query"] == {"externalAccountId": "acme-events"}
    assert [i["properties"] for i in request["body"]["inputs"]] == [
        {"joinedAt": "2026-03-10T16:00:00.000Z", "leftAt": "2026-03-10T16:45:00.000Z"},
        {"joinedAt": "2026-03-10T16:05:00.000Z", "leftAt": "2026-03-10T16:20:00.000Z"},
    ]
    assert "2 rows in 1 request" in err


def test_a_sheet_of_events_or_a_bad_state_exits_2() -> None:
    code, _, err = run("attendance", str(SAMPLE), "--sandbox")
    assert code == 2
    assert "missing required column 'Email' or 'Contact ID'" in err
    code, _, err = run("upsert", str(ATTENDEES), "--sandbox")
    assert code == 2
    assert "record it with hubevents attendance" in err


def test_validate_checks_an_attendee_sheets_events_when_connected() -> None:
    assert run("upsert", str(SAMPLE), "--sandbox")[0] == 1
    code, out, err = run("validate", str(ATTENDEES), "--sandbox")
    assert code == 1
    assert (
        "warning: Attendees!C27 (External Event ID): HubSpot holds no event "
        "acme-events/WEB-2025-099 for this app" in out
    )
    assert "lifecyclestage" not in out + err  # a contact property, not an event's
    code, out, _ = run("validate", str(ATTENDEES), "--json")
    row3 = json.loads(out)["rows"][1]
    assert row3["input"]["subscriberState"] == "attend"
    assert row3["input"]["email"] == "priya.shah@northwind.example"


def test_invalid_rows_are_named_before_sending_with_the_sheets_own_values(tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path / "a.csv",
        [["Email", "State"], ["a@b.com", "attended"], ["A@B.com ", "attended"], ["c@d", "x"]],
    )
    code, _, err = run(
        "attendance", str(sheet), "--event", "WEB-2026-001", "--account", "acme-events",
        "--dry-run",
    )  # fmt: skip
    assert code == 1
    assert "hubevents: 3 invalid rows will not be sent:" in err
    assert "a!A2 (Email): the same contact: a@b.com attended for acme-events/WEB-2026-001" in err
    assert "a!A4 (Email): 'c@d' is not an email address" in err


def test_a_refused_token_exits_2_before_anything_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HS_TOKEN", "pat-na1-revoked-secret")
    with SandboxServer(Sandbox.demo()) as server:
        code, out, err = run(
            "attendance", str(ATTENDEES), "--base-url", server.base_url, "--token-env",
            "HS_TOKEN", "--complete",
        )  # fmt: skip
    assert code == 2
    assert "cannot read the rows' events from HubSpot: HTTP 401" in err
    assert "pat-na1-revoked-secret" not in err + out
