"""`hubevents history` and `hubevents undo` end to end against the sandbox over loopback: an
upsert that creates some events and changes others is undone (the changed ones read back with
their prior values exactly, the created ones deleted, the rest untouched); an event another app
edited between run and undo is left alone and named; an undone run cannot be undone again."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubevents_gui.cli import main
from hubevents_gui.hubspot.sandbox import Sandbox, SandboxConfig, SandboxServer, TokenInfo
from tests.helpers import write_xlsx

APP = 5
HEADER = ["External Account ID", "External Event ID", "Event Name", "Organizer", "Event Type",
          "custom:region"]  # fmt: skip


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    monkeypatch.setenv("HS_TOKEN", "pat-na1-test")
    config = SandboxConfig(tokens={"pat-na1-test": TokenInfo(app_id=APP)}, rate_limit=None)
    with SandboxServer(Sandbox(config)) as running:
        yield running


def upsert(server: SandboxServer, path: Path, *extra: str) -> tuple[int, str, str]:
    return run("upsert", str(path), "--base-url", server.base_url, "--token-env", "HS_TOKEN",
               *extra)  # fmt: skip


def undo_run(server: SandboxServer, run_id: str, *extra: str) -> tuple[int, str, str]:
    return run("undo", run_id, "--base-url", server.base_url, "--token-env", "HS_TOKEN", *extra)


def held(server: SandboxServer) -> dict[str, dict[str, Any]]:
    """The app's events by external event id, without HubSpot's bookkeeping."""
    skip = {"updatedAt", "createdAt"}
    return {
        key[2]: {k: v for k, v in event.items() if k not in skip}
        for key, event in server.sandbox.events.items()
        if key[0] == APP
    }


def newest_run() -> dict[str, Any]:
    code, out, _ = run("history", "--json")
    assert code == 0
    runs: list[dict[str, Any]] = json.loads(out)
    return runs[0]


def test_an_upsert_is_undone_and_an_event_edited_since_is_left_alone(
    server: SandboxServer, tmp_path: Path
) -> None:
    first = write_xlsx(tmp_path / "first.xlsx", [
        HEADER,
        ["acme", "E1", "Spring webinar", "Acme", "WEBINAR", "EMEA"],
        ["acme", "E2", "Summer fair", "Acme", None, None],
        ["acme", "E3", "Autumn talk", "Acme", "CONFERENCE", "APAC"],
        ["acme", "E4", "Winter party", "Acme", None, None],
    ])  # fmt: skip
    assert upsert(server, first)[0] == 0
    before = held(server)
    second = write_xlsx(tmp_path / "second.xlsx", [
        HEADER,
        ["acme", "E1", "Spring webinar (moved)", "Acme Inc", "WORKSHOP", "AMER"],
        ["acme", "E2", "Summer fair", "Acme", "FAIR", "EMEA"],
        ["acme", "E3", "Autumn talk, again", "Acme", "CONFERENCE", "APAC"],
        ["acme", "N1", "New one", "Acme", None, None],
        ["acme", "N2", "New two", "Acme", "WEBINAR", None],
    ])  # fmt: skip
    code, _, err = upsert(server, second)
    assert code == 0, err
    assert "before the run" in err
    assert "so the run can be undone" in err
    wrong = newest_run()
    assert (wrong["created"], wrong["updated"], wrong["undoable"]) == (2, 3, True)
    # another app edits E3 between the run and the undo
    server.sandbox.events[(APP, "acme", "E3")]["eventName"] = "Autumn talk (edited by hand)"
    edited = held(server)["E3"]

    code, out, err = undo_run(server, wrong["id"])  # stdin is no terminal here
    assert code == 2
    assert "--yes" in err
    code, out, _ = undo_run(server, wrong["id"], "--dry-run")
    assert code == 0
    assert "2 events the run created will be deleted, 2 it changed put back, 1 left alone" in out
    assert "left alone: acme / E3: changed since the run (Event Name)" in out
    assert sorted(held(server)) == ["E1", "E2", "E3", "E4", "N1", "N2"]

    code, out, err = undo_run(server, wrong["id"], "--yes")
    assert code == 0, err
    assert "hubevents: 2 events deleted of 2" in err  # through the sandbox's events/delete
    after = held(server)
    # E2 had no Event Type and no region before: both are cleared as an upsert clears them
    assert after["E2"].pop("eventType") == ""
    assert after["E2"].pop("customProperties") == [{"name": "region", "value": ""}]
    assert before["E2"].pop("customProperties") == []
    assert after["E2"] == before["E2"]
    assert after["E1"] == before["E1"]
    assert after["E4"] == before["E4"]
    assert after["E3"] == edited
    assert sorted(after) == ["E1", "E2", "E3", "E4"]

    undone, undoing = newest_run(), wrong["id"]
    assert (undone["kind"], undone["undoes"]) == ("undo", undoing)
    code, out, _ = run("history")
    assert f"{undone['id']}" in out
    assert f"undo of {undoing}" in out
    code, out, _ = run("history", "--json")
    states = {r["id"]: (r["state"], r["undone_by"]) for r in json.loads(out)}
    assert states[undoing] == ("undone", undone["id"])
    code, _, err = undo_run(server, undoing, "--yes")
    assert code == 2
    assert f"run {undoing} was already undone" in err
    code, _, err = undo_run(server, undone["id"], "--yes")
    assert code == 2
    assert "is itself an undo" in err


def test_a_run_on_another_connection_or_unknown_is_refused(
    server: SandboxServer, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "one.xlsx", [HEADER, ["acme", "E1", "n", "o", None, None]])
    assert upsert(server, path)[0] == 0
    code, _, err = run("undo", newest_run()["id"], "--sandbox", "--yes")
    assert code == 2
    assert "give the same connection options" in err
    code, _, err = run("undo", "nope", "--sandbox")
    assert (code, "the run history has no run nope" in err) == (2, True)
