"""The sandbox's attendance endpoints: recording by email (creating contacts) and by contact id,
completing an event, the counters and the breakdown, their refusals, limits and state file."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from hubevents_gui.core.package_data import SAMPLES, sample_path
from hubevents_gui.hubspot.sandbox import (
    DEFAULT_TOKEN,
    Faults,
    Sandbox,
    SandboxServer,
    StateError,
)
from tests.hubspot.test_sandbox import (
    OTHER_APP,
    READ_ONLY,
    UPSERT,
    FakeClock,
    checked,
    client,
    event,
    make_sandbox,
)

BASE = "/marketing/v3/marketing-events"
DATED = "/marketing/marketing-events/2026-09"
BY_EMAIL = BASE + "/attendance/E1/{state}/email-create?externalAccountId=acme"
BY_VID = BASE + "/attendance/E1/{state}/create?externalAccountId=acme"
COUNTERS = BASE + "/participations/acme/E1"
BREAKDOWN = BASE + "/participations/acme/E1/breakdown"
COMPLETE = BASE + "/events/E1/complete?externalAccountId=acme"
AT = 1_772_616_600_000  # 2026-03-04T09:30:00Z, the start of event(1)


def by_email(email: str, at: int = AT, **properties: str) -> dict[str, Any]:
    return {
        "email": email,
        "interactionDateTime": at,
        "properties": properties,
        "contactProperties": {"firstname": "Ada", "lastname": "Lovelace"},
    }


def by_vid(vid: int, at: int = AT, **properties: str) -> dict[str, Any]:
    return {"vid": vid, "interactionDateTime": at, "properties": properties}


def with_event(http: httpx.Client, **extra: Any) -> str:
    """Create event E1 of account acme; its object id."""
    created = http.post(UPSERT, json={"inputs": [event(1, **extra)]})
    object_id: str = created.json()["results"][0]["objectId"]
    return object_id


def record(
    http: httpx.Client, state: str, *inputs: dict[str, Any], url: str | None = None
) -> httpx.Response:
    if url is None:
        url = (BY_EMAIL if "email" in inputs[0] else BY_VID).format(state=state)
    return http.post(url, json={"inputs": list(inputs)})


def test_email_create_creates_the_contact_and_echoes_the_email_as_sent() -> None:
    with client(make_sandbox()) as http:
        with_event(http)
        answer = record(http, "register", by_email("  Ada@Example.COM "), by_email("b@example.com"))
        assert answer.status_code == 200
        body = checked(answer, "BatchResponseSubscriberEmailResponse")
        assert body["status"] == "COMPLETE"
        assert body["numErrors"] == 0
        assert body["errors"] == []
        assert {"requestedAt", "startedAt", "completedAt"} <= body.keys()
        vids = {r["email"]: r["vid"] for r in body["results"]}
        assert set(vids) == {"  Ada@Example.COM ", "b@example.com"}
        assert vids["  Ada@Example.COM "] != vids["b@example.com"]
        # the same contact in other case and spacing: no new contact, its first names kept
        again = record(
            http, "attend", {**by_email("ada@example.com"), "contactProperties": {"firstname": "X"}}
        ).json()
        assert again["results"] == [{"email": "ada@example.com", "vid": vids["  Ada@Example.COM "]}]
        items = http.get(BREAKDOWN).json()["results"]
    ada = next(i for i in items if i["associations"]["contact"]["email"] == "Ada@Example.COM")
    assert ada["associations"]["contact"] == {
        "contactId": str(vids["  Ada@Example.COM "]),
        "email": "Ada@Example.COM",
        "firstname": "Ada",
        "lastname": "Lovelace",
    }


def test_an_unknown_vid_fails_only_its_own_input() -> None:
    sandbox = Sandbox.demo(make_sandbox().config)  # the demo portal's contacts: vids 101-104
    with client(sandbox) as http:
        with_event(http)
        answer = record(http, "register", by_vid(101), by_vid(999_999), by_vid(102))
        assert answer.status_code == 207
        body = checked(answer, "BatchResponseSubscriberVidResponse")
        assert sorted(r["vid"] for r in body["results"]) == [101, 102]
        assert body["numErrors"] == 1
        (error,) = body["errors"]
        assert error["category"] == "OBJECT_NOT_FOUND"
        assert error["context"] == {"ids": ["999999"]}
        assert "999999" in error["message"]
        assert http.get(COUNTERS).json()["registered"] == 2


def test_a_malformed_email_fails_only_its_own_input() -> None:
    with client(make_sandbox()) as http:
        with_event(http)
        body = record(http, "register", by_email("not-an-email"), by_email("c@example.com")).json()
    assert [r["email"] for r in body["results"]] == ["c@example.com"]
    assert body["errors"][0]["context"] == {"emails": ["not-an-email"]}


@pytest.mark.parametrize("prefix", [BASE, DATED, "/marketing/marketing-events/v3"])
def test_by_object_id_under_every_prefix(prefix: str) -> None:
    with client(make_sandbox()) as http:
        object_id = with_event(http)
        url = f"{prefix}/{object_id}/attendance/attend/email-create"
        created = record(http, "attend", by_email("d@example.com"), url=url).json()
        vid = created["results"][0]["vid"]
        again = record(
            http, "cancel", by_vid(vid), url=f"{prefix}/{object_id}/attendance/cancel/create"
        )
        assert again.status_code == 200
        assert again.json()["results"] == [{"vid": vid}]
        counters = checked(http.get(f"{prefix}/participations/{object_id}"), "AttendanceCounters")
        assert counters == {"attended": 1, "registered": 0, "cancelled": 1, "noShows": 0}
        assert http.get(f"{prefix}/participations/acme/E1").json() == counters
        assert http.get(f"{prefix}/participations/{object_id}/breakdown").json()["total"] == 1


def test_an_unknown_event_is_a_404_and_other_apps_events_are_unknown() -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        with_event(http)
    with client(sandbox, OTHER_APP) as other:
        for answer in (
            record(other, "register", by_email("e@example.com")),
            other.get(COUNTERS),
            other.get(BREAKDOWN),
            other.post(COMPLETE, json={"startDateTime": "2026-03-04T09:30:00Z"}),
            record(
                other,
                "register",
                by_email("e@example.com"),
                url=BASE + "/9999/attendance/register/email-create",
            ),
        ):
            assert answer.status_code == 404
            body = answer.json()
            assert body["status"] == "error"
            assert body["category"] == "OBJECT_NOT_FOUND"
            assert body["correlationId"]
            assert "E1" in body["message"] or "9999" in body["message"]


@pytest.mark.parametrize("state", ["maybe", "REGISTERED", "attended"])
def test_a_state_the_spec_does_not_spell_is_a_400_naming_it(state: str) -> None:
    with client(make_sandbox()) as http:
        with_event(http)
        answer = record(http, state, by_email("f@example.com"))
    assert answer.status_code == 400
    body = answer.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert repr(state) in body["message"]
    assert "register, attend, cancel" in body["message"]


@pytest.mark.parametrize(
    ("second", "where"),
    [
        ({"interactionDateTime": AT, "properties": {}, "contactProperties": {}}, "inputs[1].email"),
        (
            {**by_email("g@example.com"), "interactionDateTime": "2026-03-04"},
            "inputs[1].interactionDateTime",
        ),
        (
            {**by_email("g@example.com"), "interactionDateTime": 1.5e12},
            "inputs[1].interactionDateTime",
        ),
        (
            {**by_email("g@example.com"), "properties": {"joinedAt": "9:30"}},
            "inputs[1].properties.joinedAt",
        ),
        ({**by_email("g@example.com"), "contactProperties": None}, "inputs[1].contactProperties"),
    ],
)
def test_a_malformed_input_is_a_400_naming_it_and_records_nothing(
    second: dict[str, Any], where: str
) -> None:
    with client(make_sandbox()) as http:
        with_event(http)
        answer = record(http, "attend", by_email("h@example.com"), second)
        assert answer.status_code == 400
        body = answer.json()
        assert body["category"] == "VALIDATION_ERROR"
        assert where in body["message"]
        assert body["errors"][0]["in"] == where
        assert http.get(COUNTERS).json()["attended"] == 0


def test_a_missing_vid_is_a_400_naming_the_input() -> None:
    with client(make_sandbox()) as http:
        with_event(http)
        answer = record(
            http,
            "register",
            {"interactionDateTime": AT, "properties": {}},
            url=BY_VID.format(state="register"),
        )
    assert answer.status_code == 400
    assert "inputs[0].vid" in answer.json()["message"]


def test_the_same_contact_state_and_time_twice_records_once(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    clock = FakeClock()
    sandbox = Sandbox(make_sandbox().config, state_file=state_file, clock=clock, monotonic=clock)
    with client(sandbox) as http:
        with_event(http)
        first = record(http, "register", by_email("i@example.com")).json()
        saved = state_file.read_text()
        clock.now += 60
        second = record(http, "register", by_email("I@example.com")).json()
        assert second["results"][0]["vid"] == first["results"][0]["vid"]
        assert state_file.read_text() == saved  # nothing to record: nothing written
        # a later cancellation is another interaction: kept beside the registration
        record(http, "cancel", by_email("i@example.com", at=AT + 3_600_000))
        counters = http.get(COUNTERS).json()
        (item,) = http.get(BREAKDOWN).json()["results"]
    assert counters == {"attended": 0, "registered": 1, "cancelled": 1, "noShows": 0}
    assert item["properties"] == {"attendanceState": "CANCELLED", "occurredAt": AT + 3_600_000}


def test_complete_then_counters_and_a_paged_breakdown() -> None:
    with client(make_sandbox()) as http:
        with_event(http)  # starts 2026-03-04T09:30Z, no end: not over until completed
        record(
            http,
            "attend",
            by_email(
                "j@example.com", joinedAt="2026-03-04T09:30:00Z", leftAt="2026-03-04T10:15:00Z"
            ),
            by_email(
                "k@example.com",
                joinedAt="2026-03-04T10:30:00+01:00",
                leftAt="2026-03-04T12:00:00+01:00",
            ),
        )
        record(http, "register", *(by_email(f"r{n}@example.com") for n in range(3)))
        record(http, "cancel", by_email("r0@example.com", at=AT + 1))
        assert http.get(COUNTERS).json() == {
            "attended": 2,
            "registered": 3,
            "cancelled": 1,
            "noShows": 0,
        }
        answer = http.post(
            COMPLETE,
            json={"startDateTime": "2026-03-04T09:30:00Z", "endDateTime": "2026-03-04T11:00:00Z"},
        )
        assert answer.status_code == 200
        completed = checked(answer, "MarketingEventDefaultResponse")
        assert completed["eventCompleted"] is True
        assert completed["endDateTime"] == "2026-03-04T11:00:00.000Z"
        assert completed["eventName"] == "Event 1"
        counters = checked(http.get(COUNTERS), "AttendanceCounters")
        assert counters == {"attended": 2, "registered": 3, "cancelled": 1, "noShows": 2}
        pages = []
        after = None
        while True:
            page = checked(
                http.get(BREAKDOWN, params={"limit": 2, **({"after": after} if after else {})}),
                "CollectionResponseWithTotalParticipationBreakdown",
            )
            pages.append(page)
            if "paging" not in page:
                break
            after = page["paging"]["next"]["after"]
        no_shows = http.get(BREAKDOWN, params={"state": "no_show"}).json()
        bad = http.get(BREAKDOWN, params={"state": "MAYBE"})
    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    assert {p["total"] for p in pages} == {5}
    items = {
        i["associations"]["contact"]["email"]: i["properties"] for p in pages for i in p["results"]
    }
    assert items["j@example.com"] == {
        "attendanceState": "ATTENDED",
        "occurredAt": AT,
        "attendanceDurationSeconds": 2700,
        "attendancePercentage": "50.00",
    }
    assert items["k@example.com"]["attendanceDurationSeconds"] == 5400  # 09:30Z to 11:00Z
    assert items["k@example.com"]["attendancePercentage"] == "100.00"
    assert items["r0@example.com"]["attendanceState"] == "CANCELLED"
    assert items["r1@example.com"] == {"attendanceState": "NO_SHOW", "occurredAt": AT}
    assert no_shows["total"] == 2
    assert {i["associations"]["contact"]["email"] for i in no_shows["results"]} == {
        "r1@example.com",
        "r2@example.com",
    }
    assert bad.status_code == 400
    assert "'MAYBE'" in bad.json()["message"]


def test_a_registrant_of_an_event_that_has_ended_is_a_no_show() -> None:
    with client(make_sandbox()) as http:  # the clock is in 2026-05, the event ended in March
        with_event(http, endDateTime="2026-03-04T11:00:00Z")
        record(http, "register", by_email("l@example.com"))
        assert http.get(COUNTERS).json()["noShows"] == 1


def test_event_reads_count_the_attendance() -> None:
    with client(make_sandbox()) as http:
        object_id = with_event(http)
        record(http, "register", by_email("u@example.com"), by_email("v@example.com"))
        record(http, "attend", by_email("u@example.com"))
        record(http, "cancel", by_email("v@example.com", at=AT + 1))
        answers = [
            http.get(BASE + "/events/E1", params={"externalAccountId": "acme"}).json(),
            http.get(f"{BASE}/{object_id}").json(),
            http.get(BASE).json()["results"][0],
        ]
    for answer in answers:
        assert (
            answer["registrants"],
            answer["attendees"],
            answer["cancellations"],
            answer["noShows"],
        ) == (2, 1, 1, 0)


def test_complete_needs_both_times_in_order() -> None:
    with client(make_sandbox()) as http:
        with_event(http)
        missing = http.post(COMPLETE, json={"startDateTime": "2026-03-04T09:30:00Z"})
        backwards = http.post(
            COMPLETE,
            json={"startDateTime": "2026-03-04T09:30:00Z", "endDateTime": "2026-03-04T08:00:00Z"},
        )
    assert missing.status_code == 400
    assert "endDateTime" in missing.json()["message"]
    assert backwards.status_code == 400
    assert "before" in backwards.json()["message"]


def test_writes_need_the_write_scope_and_reads_the_read_scope() -> None:
    sandbox = make_sandbox()
    with client(sandbox) as http:
        with_event(http)
    with client(sandbox, READ_ONLY) as reader:
        assert record(reader, "register", by_email("m@example.com")).status_code == 403
        assert reader.post(COMPLETE, json={}).status_code == 403
        assert reader.get(COUNTERS).status_code == 200
        assert reader.get(BREAKDOWN).status_code == 200


def test_the_rate_limit_and_faults_apply_to_attendance_routes() -> None:
    clock = FakeClock()
    sandbox = make_sandbox(clock, rate_limit=2, rate_interval_ms=1000)
    with client(sandbox) as http:
        with_event(http)
        ok = record(http, "register", by_email("n@example.com"))
        limited = record(http, "register", by_email("n@example.com"))
        read_limited = http.get(COUNTERS)
    assert ok.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    assert limited.status_code == 429
    assert limited.json()["policyName"] == "TEN_SECONDLY_ROLLING"
    assert "Retry-After" in limited.headers
    assert read_limited.status_code == 429
    failing = make_sandbox(rate_limit=None, faults=Faults(server_errors=1.0))
    with client(failing) as http:
        assert http.get(COUNTERS).status_code in (502, 503, 504)
        assert record(http, "attend", by_email("o@example.com")).status_code in (502, 503, 504)


def test_contacts_and_participations_survive_a_reopened_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox-state.json"
    config = make_sandbox().config
    with client(Sandbox(config, state_file=state_file)) as http:
        with_event(http)
        vid = record(
            http, "attend", by_email("p@example.com", joinedAt="2026-03-04T09:30:00Z")
        ).json()["results"][0]["vid"]
        record(http, "register", by_email("q@example.com"))
        before = http.get(BREAKDOWN).json()
    stored = json.loads(state_file.read_text())
    assert {c["email"] for c in stored["contacts"]} == {"p@example.com", "q@example.com"}
    with client(Sandbox(config, state_file=state_file)) as http:
        assert http.get(BREAKDOWN).json() == before
        assert http.get(COUNTERS).json() == {
            "attended": 1,
            "registered": 1,
            "cancelled": 0,
            "noShows": 0,
        }
        again = record(http, "attend", by_email("P@EXAMPLE.COM")).json()["results"][0]["vid"]
        new = record(http, "attend", by_email("s@example.com")).json()["results"][0]["vid"]
    assert again == vid
    assert new not in (vid, vid + 1)  # ids are not given twice after a restart


def test_a_state_file_from_before_contacts_opens_and_a_damaged_one_is_named(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"next_id": 5, "events": []}))
    assert Sandbox(state_file=old).all_events() == []
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps({"next_id": 5, "events": [], "contacts": [{"vid": "x"}]}))
    with pytest.raises(StateError, match=r"contacts\[0\]"):
        Sandbox(state_file=damaged)


def test_attendance_over_loopback() -> None:
    with SandboxServer(Sandbox.demo(make_sandbox(rate_limit=None).config)) as running:
        headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
        with httpx.Client(base_url=running.base_url, headers=headers) as http:
            with_event(http)
            by_id = record(http, "register", by_vid(101))
            email = record(http, "attend", by_email("t@example.com"))
            counters = http.get(COUNTERS)
    assert by_id.json()["results"] == [{"vid": 101}]
    assert email.json()["results"][0]["email"] == "t@example.com"
    assert counters.json() == {"attended": 1, "registered": 1, "cancelled": 0, "noShows": 0}


# ---------------------------------------------------------------- the sample attendee sheet

REPO = Path(__file__).resolve().parents[2]


def sheet_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in workbook}
    finally:
        workbook.close()


def attendee_rows() -> list[dict[str, object]]:
    header, *rows = sheet_values(sample_path("attendees"))["Attendees"]
    return [dict(zip(map(str, header), row, strict=True)) for row in rows]


def test_the_sample_attendees_are_of_the_sample_events_but_one() -> None:
    header = sheet_values(sample_path("attendees"))["Attendees"][0]
    assert list(header) == [
        "Email", "Contact ID", "External Event ID", "External Account ID", "State",
        "Interaction Time", "Joined At", "Left At", "First Name", "Last Name", "Company",
        "Job Title", "contact:lifecyclestage", "Notes",
    ]  # fmt: skip
    events_header, *events = sheet_values(sample_path("events"))["Events"]
    account, event_id = (
        events_header.index("External Account ID"),
        events_header.index("External Event ID"),
    )
    sample_events = {(e[account], e[event_id]) for e in events}
    missing = [
        r
        for r in attendee_rows()
        if (r["External Account ID"], r["External Event ID"]) not in sample_events
    ]
    assert [r["External Event ID"] for r in missing] == ["WEB-2025-099"]  # the deliberate one
    attended = [r for r in attendee_rows() if r["State"] in ("attended", "attend")]
    assert all(isinstance(r["Joined At"], datetime) for r in attended)
    assert all(isinstance(r["Left At"], datetime) for r in attended)


def test_the_sample_contact_id_row_names_a_demo_contact() -> None:
    (row,) = [r for r in attendee_rows() if r["Contact ID"]]
    assert row["Email"] is None
    sandbox = Sandbox.demo(make_sandbox().config)
    with client(sandbox) as http:
        with_event(http)
        answer = record(http, "register", by_vid(int(str(row["Contact ID"]))))
    assert answer.status_code == 200


def test_make_sample_reproduces_both_sample_sheets(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_sample.py"), str(tmp_path)],
        check=True,
        timeout=60,
    )
    for kind, name in SAMPLES.items():
        assert sheet_values(tmp_path / name) == sheet_values(sample_path(kind)), name
