"""`hubevents upsert` and the daily quota: a run that needs more requests than are left today is
refused before anything is sent, and the summary says what is left."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import respx

from hubevents_gui.hubspot.quota import USAGE_PATH
from tests.helpers import HEADER, write_xlsx
from tests.test_cli_upsert import SAMPLE, run

BASE = "https://api.test"


def usage(left: int, limit: int = 250_000) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "results": [
                {
                    "name": "api-calls-daily",
                    "usageLimit": limit,
                    "currentUsage": limit - left,
                    "collectedAt": "2027-01-15T08:00:00Z",
                    "fetchStatus": "SUCCESS",
                    "resetsAt": "2027-01-16T05:00:00Z",
                }
            ]
        },
    )


@respx.mock
def test_a_run_needing_more_requests_than_are_left_today_sends_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HS_TOKEN", "pat-na1-test")
    usage_route = respx.get(BASE + USAGE_PATH).mock(return_value=usage(left=2))
    upsert = respx.post(url__startswith=BASE).mock(return_value=httpx.Response(500))
    path = write_xlsx(
        tmp_path / "three.xlsx", [HEADER, *[["a", n, f"n{n}", "o"] for n in range(3)]]
    )
    code, _, err = run(
        "upsert", str(path), "--base-url", BASE, "--token-env", "HS_TOKEN", "--batch-size", "1"
    )
    assert code == 1
    assert usage_route.call_count == 1
    assert not upsert.called
    assert err.strip().splitlines()[-1] == (
        "hubevents: this run needs 3 requests but HubSpot allows only 2 more today (the daily "
        "count is shared by every app of the account; it starts again at 2027-01-16 05:00 UTC); "
        "nothing was sent"
    )


@respx.mock
def test_a_run_that_fits_goes_and_the_summary_says_what_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HS_TOKEN", "pat-na1-test")
    respx.get(BASE + USAGE_PATH).mock(return_value=usage(left=3))

    def echo(request: httpx.Request) -> httpx.Response:
        import json

        inputs = json.loads(request.content)["inputs"]
        results = [{**body, "objectId": str(n), "id": str(n)} for n, body in enumerate(inputs)]
        return httpx.Response(
            200,
            json={"status": "COMPLETE", "results": results},
            headers={
                "X-HubSpot-RateLimit-Daily": "250000",
                "X-HubSpot-RateLimit-Daily-Remaining": "249000",
                "X-HubSpot-RateLimit-Max": "190",
                "X-HubSpot-RateLimit-Remaining": "189",
                "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            },
        )

    respx.post(url__regex=r".*/upsert$").mock(side_effect=echo)
    # HubSpot's copy before the run (kept to undo it): the token's app, an empty portal
    respx.post(url__regex=r".*/access-token-info$").mock(
        return_value=httpx.Response(200, json={"appId": 7})
    )
    respx.get(url__regex=r"/marketing-events/[^/?]+\?limit=").mock(
        return_value=httpx.Response(200, json={"results": []})
    )
    path = write_xlsx(
        tmp_path / "three.xlsx", [HEADER, *[["a", n, f"n{n}", "o"] for n in range(3)]]
    )
    code, _, err = run(
        "upsert", str(path), "--base-url", BASE, "--token-env", "HS_TOKEN", "--batch-size", "1"
    )
    assert code == 0, err
    assert (
        "HubSpot requests left: 249,000 of 250,000 today, 189 of 190 in this 10-second window\n"
        in err
    )


def test_the_sandbox_summary_shows_the_sandbox_figures() -> None:
    code, _, err = run("upsert", str(SAMPLE), "--sandbox")
    assert code == 1  # the sample's two invalid rows
    assert re.search(
        r"^Sandbox requests left: 249,99\d of 250,000 today, \d+ of 100 in this 10-second "
        r"window$",
        err,
        re.MULTILINE,
    ), err


def test_a_dry_run_reads_no_quota(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "one.xlsx", [HEADER, ["a", 1, "n", "o"]])
    with respx.mock(assert_all_called=False) as mock:
        code, _, err = run("upsert", str(path), "--dry-run", "--base-url", BASE)
        assert not mock.calls
    assert code == 0
    assert "requests left" not in err
