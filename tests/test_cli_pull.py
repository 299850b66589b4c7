"""`hubevents pull`, `upsert --preview` and `--changed-only` against the sandbox's portal, which
keeps what earlier commands sent (in the test's data folder)."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from hubevents_gui.cli import main
from hubevents_gui.core.package_data import sample_path
from hubevents_gui.hubspot.sandbox import Sandbox, SandboxConfig, SandboxServer, TokenInfo
from hubevents_gui.hubspot.settings import WRITE_SCOPE
from tests.helpers import HEADER, write_xlsx

SAMPLE = sample_path("events")
FULL = [*HEADER, "Event Type", "Start", "Cancelled", "custom:region"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def events_file(path: Path, rows: list[list[Any]]) -> Path:
    return write_xlsx(path, [FULL, *rows])


def three(tmp_path: Path) -> Path:
    # the same external event id under two accounts, and a third event
    return events_file(
        tmp_path / "three.xlsx",
        [
            [
                "acc-b",
                "E1",
                "Second account",
                "Acme",
                "WEBINAR",
                datetime(2026, 3, 10, 16),
                False,
                "EMEA",
            ],
            [
                "acc-a",
                "E1",
                "First account",
                "Acme",
                "WORKSHOP",
                datetime(2026, 4, 1, 9),
                True,
                "AMER",
            ],
            ["acc-a", "E0", "Earlier", "Acme", "", None, False, ""],
        ],
    )


def requests_of(err: str) -> int:
    found = re.search(r"(\d+) requests?\b", err.splitlines()[-1])
    assert found, err
    return int(found.group(1))


def test_pull_writes_this_apps_events_sorted_with_the_apps_own_headers(tmp_path: Path) -> None:
    assert run("upsert", str(three(tmp_path)), "--sandbox", "--timezone", "UTC")[0] == 0
    out = tmp_path / "pulled.xlsx"
    code, _, err = run("pull", "--sandbox", "--timezone", "UTC", "--out", str(out))
    assert code == 0, err
    assert "3 events of this app written" in err
    assert re.search(r"[1-9]\d* events? of other apps left out", err)  # the demo's partner app
    assert requests_of(err) <= 4  # token info, one page, one search
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:4] == HEADER
    # the participation counters come last, read-only (carried when the sheet is opened again)
    assert header[-5:] == ["HubSpot ID", "Registrants", "Attendees", "Cancellations", "No-shows"]
    assert "custom:region" in header
    keys = [(r[0], r[1]) for r in rows[1:]]
    assert keys == [("acc-a", "E0"), ("acc-a", "E1"), ("acc-b", "E1")]
    first = dict(zip(header, rows[2], strict=True))
    assert first["Start"] == datetime(2026, 4, 1, 9)
    assert first["Cancelled"] is True
    assert first["Completed"] is None or first["Completed"] is False
    assert first["Event Type"] == "WORKSHOP"
    assert first["custom:region"] == "AMER"
    assert first["HubSpot ID"]
    assert (first["Registrants"], first["No-shows"]) == (0, 0)


def test_pull_then_reimport_then_changed_only_sends_no_upsert(tmp_path: Path) -> None:
    assert run("upsert", str(three(tmp_path)), "--sandbox", "--timezone", "UTC")[0] == 0
    pulled = tmp_path / "pulled.xlsx"
    assert run("pull", "--sandbox", "--timezone", "Europe/Berlin", "--out", str(pulled))[0] == 0
    results = tmp_path / "results.xlsx"
    code, _, err = run(
        "upsert",
        str(pulled),
        "--sandbox",
        "--timezone",
        "Europe/Berlin",
        "--changed-only",
        "--results",
        str(results),
    )
    assert code == 0, err
    assert "0 created, 0 updated, 3 unchanged" in err
    assert "0 requests" in err.splitlines()[-1] or "; 0 requests" in err
    sheet = load_workbook(results).active
    assert sheet is not None
    statuses = [r[-3] for r in list(sheet.iter_rows(values_only=True))[1:]]
    assert statuses == ["unchanged"] * 3


def test_preview_lists_exactly_the_edited_rows_with_old_and_new_values(tmp_path: Path) -> None:
    rows = [
        [
            "acc",
            f"E{n}",
            f"Event {n}",
            "Acme",
            "WEBINAR",
            datetime(2026, 5, n + 1, 9),
            False,
            "EMEA",
        ]
        for n in range(8)
    ]
    assert (
        run(
            "upsert", str(events_file(tmp_path / "v1.xlsx", rows)), "--sandbox", "--timezone", "UTC"
        )[0]
        == 0
    )
    rows[1][2] = "Renamed"
    rows[4][5] = datetime(2026, 5, 5, 10)
    rows[6][7] = "APAC"
    rows.append(["acc", "NEW", "Brand new", "Acme", "", None, False, ""])
    edited = events_file(tmp_path / "v2.xlsx", rows)
    code, out, err = run(
        "upsert", str(edited), "--sandbox", "--timezone", "UTC", "--preview", "--json"
    )
    assert code == 0, err
    preview = json.loads(out)
    actions = {r["row"]: r["action"] for r in preview["rows"]}
    assert actions == {
        2: "unchanged",
        3: "update",
        4: "unchanged",
        5: "unchanged",
        6: "update",
        7: "unchanged",
        8: "update",
        9: "unchanged",
        10: "create",
    }
    changes = {r["row"]: r.get("changes") for r in preview["rows"] if r["action"] == "update"}
    assert changes[3] == {"eventName": {"old": "Event 1", "new": "Renamed"}}
    assert changes[6] == {
        "startDateTime": {"old": "2026-05-05T09:00:00.000Z", "new": "2026-05-05T10:00:00.000Z"}
    }
    assert changes[8] == {"custom:region": {"old": "EMEA", "new": "APAC"}}
    summary = preview["summary"]
    assert (summary["create"], summary["update"], summary["unchanged"]) == (1, 3, 5)
    assert summary["upsert_requests"] == 1
    assert summary["changed_only_upsert_requests"] == 1
    assert summary["read_requests"] >= 2
    # a preview sends nothing: the next one is the same
    assert (
        json.loads(
            run("upsert", str(edited), "--sandbox", "--timezone", "UTC", "--preview", "--json")[1]
        )["summary"]["update"]
        == 3
    )


def test_preview_in_words_names_the_cells_and_the_columns(tmp_path: Path) -> None:
    rows = [["acc", "E1", "Event", "Acme", "WEBINAR", None, False, "EMEA"]]
    run("upsert", str(events_file(tmp_path / "a.xlsx", rows)), "--sandbox")
    rows[0][4] = "WORKSHOP"
    code, out, _ = run(
        "upsert", str(events_file(tmp_path / "b.xlsx", rows)), "--sandbox", "--preview"
    )
    assert code == 0
    assert "Sheet1!B2: update" in out
    assert '    Event Type: "WEBINAR" -> "WORKSHOP"' in out
    assert "0 to create, 1 to update, 0 unchanged, 0 conflicts, 0 invalid" in out


def test_json_without_preview_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("upsert", str(three(tmp_path)), "--sandbox", "--json")
    assert code == 2
    assert "--json" in err


def test_the_sample_previews_a_conflict_and_the_property_hubspot_would_drop() -> None:
    code, out, _ = run("upsert", str(SAMPLE), "--sandbox", "--preview")
    assert code == 1  # the sample's two invalid rows
    assert (
        "warning: HubSpot has no marketing-event property 'legacy_tag': its values would be "
        "dropped" in out
    )
    conflict = next(line for line in out.splitlines() if ": conflict" in line)
    assert conflict.startswith("Events!B15: conflict: Partner Webinars already has an event")
    assert "22 to create, 0 to update, 0 unchanged, 1 conflicts, 2 invalid" in out
    # the same external event id under another account is no conflict: row 2 is a create
    assert "Events!B2: create" in out


def test_changed_only_leaves_a_conflict_unsent_and_says_why(tmp_path: Path) -> None:
    results = tmp_path / "results.xlsx"
    code, _, err = run(
        "upsert", str(SAMPLE), "--sandbox", "--changed-only", "--results", str(results)
    )
    assert code == 1
    assert "22 created, 0 updated, 0 failed, 1 not sent, 2 invalid" in err
    assert "Events!B15: not sent: Partner Webinars already has an event" in err


def test_without_readable_definitions_the_preview_says_so_and_still_plans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = SandboxConfig(tokens={"no-schemas": TokenInfo(424242, scopes=(WRITE_SCOPE,))})
    with SandboxServer(Sandbox(config)) as server:
        monkeypatch.setenv("HUBEVENTS_TEST_TOKEN", "no-schemas")
        code, out, err = run(
            "upsert",
            str(SAMPLE),
            "--base-url",
            server.base_url,
            "--token-env",
            "HUBEVENTS_TEST_TOKEN",
            "--preview",
        )
    assert code == 1, err
    assert "legacy_tag" not in out.split("Events!")[0]  # no warning: nothing to hold it to
    assert "note: HubSpot did not give its property definitions (HTTP 403" in out
    assert "23 to create" in out


def test_validate_with_a_connection_warns_of_dropped_columns_and_misfit_values(
    tmp_path: Path,
) -> None:
    path = write_xlsx(
        tmp_path / "v.xlsx",
        [[*HEADER, "custom:region", "custom:legacy_tag"], ["a", "1", "n", "o", "Europe", "x"]],
    )
    code, out, _ = run("validate", str(path), "--sandbox")
    assert code == 0
    assert "warning: HubSpot has no marketing-event property 'legacy_tag'" in out
    assert "warning: Sheet1!E2 (custom:region): 'Europe' is not one of the options" in out
    assert "legacy_tag" not in run("validate", str(path))[1]  # no connection, no reading


def test_a_damaged_sandbox_portal_is_one_sentence_naming_its_file_once(tmp_path: Path) -> None:
    from hubevents_gui.cli.connect import sandbox_state

    state = sandbox_state()
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text('{"broken', encoding="utf-8")
    code, _, err = run("pull", "--sandbox", "--out", str(tmp_path / "pulled.xlsx"))
    assert code == 2
    assert err.count(str(state)) == 1, err
    assert "is not JSON" in err
    assert "delete the file to start afresh" in err
