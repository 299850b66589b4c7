"""The sandbox's state file and the ``hubevents sandbox`` command's checks before it serves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from hubevents_gui.cli import main
from hubevents_gui.cli.args import build_parser
from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN, Sandbox, SandboxServer, StateError
from tests.hubspot.test_sandbox import UPSERT, client, event

HEADERS = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
APP = 424242  # the default token's app


def test_state_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    with SandboxServer(Sandbox(state_file=state)) as first:
        created = httpx.post(first.base_url + UPSERT, json={"inputs": [event(1)]}, headers=HEADERS)
        created_event = created.json()["results"][0]
    assert json.loads(state.read_text())["events"]
    with SandboxServer(Sandbox(state_file=state)) as second:
        again = httpx.post(
            second.base_url + UPSERT,
            json={"inputs": [event(1, eventName="Again")]},
            headers=HEADERS,
        ).json()["results"][0]
    assert again["id"] == created_event["id"]
    assert again["createdAt"] == created_event["createdAt"]


def test_a_failed_save_is_a_500_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "box"
    folder.mkdir()
    state = folder / "state.json"
    sandbox = Sandbox(state_file=state)
    with client(sandbox) as http:
        first = http.post(UPSERT, json={"inputs": [event(1)]}).json()["results"][0]
        shutil.rmtree(folder)  # the folder goes away while the sandbox runs
        failed = http.post(UPSERT, json={"inputs": [event(1, eventName="Renamed"), event(2)]})
        assert failed.status_code == 500
        body = failed.json()
        assert body["status"] == "error"
        assert str(state) in body["message"]
        assert "nothing was changed" in body["message"]
        # the answers and the state agree: neither the update nor the new event happened
        assert sandbox.event(APP, "acme", "E1") == {
            k: v for k, v in first.items() if k != "objectId"
        }
        assert sandbox.event(APP, "acme", "E2") is None
        folder.mkdir()
        retried = http.post(UPSERT, json={"inputs": [event(2)]}).json()["results"][0]
    assert int(retried["id"]) == int(first["id"]) + 1  # no id was spent on the failed batch
    saved = json.loads(state.read_text())
    assert [e["event"]["eventName"] for e in saved["events"]] == ["Event 1", "Event 2"]


def test_a_save_that_fails_midway_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.json"
    sandbox = Sandbox(state_file=state)

    def full(_source: str, _target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with client(sandbox) as http:
        failed = http.post(UPSERT, json={"inputs": [event(1)]})
    assert failed.status_code == 500
    assert "No space left on device" in failed.json()["message"]
    assert list(tmp_path.iterdir()) == []
    assert not sandbox.events


def test_temporary_files_a_kill_left_are_removed_at_the_next_start(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"next_id": 7, "events": []}))
    leftovers = [tmp_path / ".state.json.k3x_9q2a.tmp", tmp_path / ".state.json.00000000.tmp"]
    others = [tmp_path / "notes.tmp", tmp_path / ".other.json.k3x_9q2a.tmp", tmp_path / "x.json"]
    for path in leftovers + others:
        path.write_text("{")
    Sandbox(state_file=state)
    assert sorted(tmp_path.iterdir()) == sorted([state, *others])


WRONG_SHAPES = [
    ("", "is not JSON"),
    ("[" * 100_000, "is not JSON"),
    ("[]", 'needs "next_id" and "events"'),
    ('{"next_id": 1}', 'needs "next_id" and "events"'),
    ('{"next_id": "7", "events": []}', '"next_id" must be a whole number'),
    ('{"next_id": true, "events": []}', '"next_id" must be a whole number'),
    ('{"next_id": 1, "events": {}}', '"events" must be a list'),
    ('{"next_id": 1, "events": [1]}', "events[0] is not an object"),
    (
        '{"next_id": 1, "events": [{"appId": "1", "externalAccountId": "a", '
        '"externalEventId": "e", "event": {"id": "5"}}]}',
        'events[0] needs a whole number "appId"',
    ),
    (
        '{"next_id": 1, "events": [{"appId": 1, "externalAccountId": "a", '
        '"externalEventId": "e", "event": {"id": "five"}}]}',
        '"id" of digits',
    ),
    (
        '{"next_id": 1, "events": [{"appId": 1, "externalAccountId": "a", '
        '"externalEventId": "e", "event": {"id": "5", "customProperties": [3]}}]}',
        '"customProperties"',
    ),
]


@pytest.mark.parametrize(("content", "reason"), WRONG_SHAPES)
def test_a_state_file_of_the_wrong_shape_is_refused_naming_it(
    tmp_path: Path, content: str, reason: str
) -> None:
    state = tmp_path / "state.json"
    state.write_text(content)
    with pytest.raises(StateError) as raised:
        Sandbox(state_file=state)
    assert raised.value.path == state
    assert reason in raised.value.reason


def unusable_state(tmp_path: Path, kind: str) -> Path:
    state = tmp_path / "state.json"
    if kind == "folder missing":
        return tmp_path / "missing" / "state.json"
    if kind == "a folder":
        state.mkdir()
    elif kind == "not UTF-8":
        state.write_bytes(b"\xff\xfe{")
    else:
        state.write_text("[]")
    return state


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("folder missing", "does not exist"),
        ("a folder", "cannot be read"),
        ("not UTF-8", "UTF-8"),
        ("wrong shape", "next_id"),
    ],
)
def test_the_command_refuses_a_state_file_it_cannot_use_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, words: str
) -> None:
    state = unusable_state(tmp_path, kind)
    code = main(["sandbox", "--state", str(state)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"hubevents: --state {state}: ")
    assert words in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--port", "70000"], "--port"),
        (["--port", "-1"], "--port"),
        (["--port", "http"], "--port"),
        (["--latency", "nan"], "--latency"),
        (["--latency", "inf"], "--latency"),
        (["--latency", "-1"], "--latency"),
        (["--latency", "0.3-0.1"], "--latency"),
        (["--latency", "0.1-nan"], "--latency"),
        (["--rate-limit", "0"], "--rate-limit"),
        (["--rate-limit", "-5"], "--rate-limit"),
        (["--rate-interval-ms", "0"], "--rate-interval-ms"),
        (["--batch-cap", "0"], "--batch-cap"),
        (["--daily-limit", "0"], "--daily-limit"),
        (["--dropped", "nan"], "--dropped"),
        (["--server-errors", "lots"], "--server-errors"),
    ],
)
def test_bad_arguments_exit_2_naming_the_flag(
    args: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        build_parser().parse_args(["sandbox", *args])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert f"error: argument {flag}: " in err
    assert "Traceback" not in err


def test_good_arguments_are_taken() -> None:
    args = build_parser().parse_args(
        ["sandbox", "--port", "0", "--latency", "1e-3-2e-2", "--rate-limit", "1"]
    )
    assert (args.port, args.latency, args.rate_limit) == (0, (0.001, 0.02), 1)
    assert build_parser().parse_args(["sandbox", "--latency", "0.05"]).latency == 0.05
    assert build_parser().parse_args(["sandbox", "--port", "65535"]).port == 65535


def test_hubevents_sandbox_command_serves_until_stopped(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    command = [
        sys.executable,
        "-m",
        "hubevents_gui.cli",
        "sandbox",
        "--state",
        str(state),
        "--token",
        "pat-test:7",
        "--rate-limit",
        "5",
        "--rate-interval-ms",
        "1000",
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:")
            response = httpx.post(
                base_url + UPSERT,
                json={"inputs": [event(1)]},
                headers={"Authorization": "Bearer pat-test"},
            )
            assert response.status_code == 200
            assert response.headers["X-HubSpot-RateLimit-Max"] == "5"
            info = httpx.post(
                base_url + "/oauth/v2/private-apps/get/access-token-info",
                json={"tokenKey": "pat-test"},
            ).json()
            assert info["appId"] == 7
        finally:
            process.terminate()
    assert json.loads(state.read_text())["events"][0]["externalEventId"] == "E1"
