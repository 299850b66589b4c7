"""The run history as read back: every run's counts add up to its rows, killed runs included;
its state in words is a success only when HubSpot has every row; the export keeps text text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from hubevents_gui.core.history import INTERRUPTED, RunHistory, RunSummary
from hubevents_gui.core.result_files import ResultsError
from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Tally
from hubevents_gui.hubspot.report import StopReason


def summary(
    created: int = 0,
    updated: int = 0,
    failed: int = 0,
    not_sent: int = 0,
    *,
    no_answer: int = 0,
    stopped: str = "",
    finished: float | None = 2.0,
) -> RunSummary:
    rows = created + updated + failed + not_sent + no_answer
    return RunSummary(
        "id", 1.0, finished, "sandbox", "e.xlsx", "Events", rows, created, updated, failed,
        not_sent, 1, stopped, no_answer,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("run", "state"),
    [
        (summary(created=20, updated=3), "complete"),
        (summary(failed=23), "failed"),
        (summary(not_sent=23), "not sent"),
        (summary(created=10, failed=13), "finished with failures"),
        (summary(created=10, not_sent=13), "partly sent"),
        (summary(created=3, not_sent=20, stopped="cancelled"), "cancelled"),
        (summary(created=3, not_sent=20, stopped="interrupted"), "interrupted"),
        (summary(not_sent=23, stopped="token rejected (401)"), "stopped: token rejected (401)"),
        (summary(9, not_sent=9, stopped="daily limit reached"), "stopped: daily limit reached"),
        (summary(created=5, no_answer=18, finished=None, stopped="interrupted"), "interrupted"),
    ],
)  # fmt: skip
def test_a_runs_state_says_what_happened(run: RunSummary, state: str) -> None:
    assert run.state == state


@settings(max_examples=200, deadline=None)
@given(
    counts=st.tuples(*[st.integers(0, 5)] * 5),
    stopped=st.sampled_from([reason.value for reason in StopReason] + [""]),
    finished=st.sampled_from([2.0, None]),
)
def test_only_a_run_hubspot_has_whole_reads_as_complete(
    counts: tuple[int, int, int, int, int], stopped: str, finished: float | None
) -> None:
    created, updated, failed, not_sent, no_answer = counts
    run = summary(*counts[:4], no_answer=no_answer, stopped=stopped, finished=finished)
    assert (run.state == "complete") == (created + updated == run.rows)
    if run.state != "complete" and (stopped or finished is None):
        assert stopped in run.state or run.state == INTERRUPTED  # the recorded reason shows
    words = {"created": created, "updated": updated, "failed": failed, "not sent": not_sent}
    words["with no answer"] = no_answer
    listed = run.counts_text.split(": ", 1)[1] if ": " in run.counts_text else ""
    said = {
        part.split(" ", 1)[1]: int(part.split(" ", 1)[0]) for part in listed.split(", ") if part
    }
    assert said == {word: count for word, count in words.items() if count}
    assert sum(said.values()) == run.rows  # the summary line adds up


def test_the_engines_stop_words_are_the_ones_the_history_knows() -> None:
    from hubevents_gui.core.run_summary import CANCELLED

    assert (StopReason.CANCELLED.value, StopReason.INTERRUPTED.value) == (CANCELLED, INTERRUPTED)


def _killed_run(history: RunHistory) -> str:
    """12 rows in 3 batches: 5 created, 1 not sent, then the process was killed."""
    rows = [
        (RowId(i), i + 2, i // 5, {"externalEventId": f"E-{i}", "eventName": f"Event {i}"})
        for i in range(12)
    ]
    run_id = history.start_run("sandbox", "/x/events.xlsx", "Events", rows)
    created = [Outcome(RowId(i), RowStatus.CREATED, hubspot_id=str(900 + i)) for i in range(5)]
    history.record_outcomes(run_id, created)
    history.record_outcomes(run_id, [Outcome(RowId(5), RowStatus.NOT_SENT, message="not sent")])
    history.flush()
    return run_id


def test_a_killed_run_accounts_for_every_row(tmp_path: Path) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    run_id = _killed_run(history)
    history.close()
    (run,) = RunHistory(tmp_path / "history.sqlite").runs()
    assert run.id == run_id
    assert (run.created, run.updated, run.failed, run.not_sent, run.no_answer) == (5, 0, 0, 1, 6)
    assert run.state == "interrupted"
    assert run.summary_text == "Interrupted. 12 rows: 5 created, 1 not sent, 6 with no answer."


def test_a_finished_run_whose_tally_falls_short_counts_the_rest_as_no_answer(
    tmp_path: Path,
) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    run_id = history.start_run(
        "sandbox", "e.xlsx", "Events", [(RowId(i), i + 2, 0, {}) for i in range(4)]
    )
    history.finish_run(run_id, Tally(failed=1), 1, "")
    history.close()
    (run,) = history.runs()
    assert run.summary_text == "Failed. 4 rows: 1 failed, 3 with no answer."


def test_the_export_names_unanswered_rows_and_keeps_text_that_looks_like_a_formula(
    tmp_path: Path,
) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    rows = [(RowId(0), 2, 0, {"externalEventId": "=1+1", "eventName": "#N/A"})]
    rows.append((RowId(1), 3, 0, {"externalEventId": "E-1", "eventName": "Webinar"}))
    run_id = history.start_run("sandbox", "e.xlsx", "Events", rows)
    history.record_outcomes(run_id, [Outcome(RowId(0), RowStatus.FAILED, message="=bad")])
    history.close()
    target = tmp_path / "run.xlsx"
    history.export(run_id, target)
    sheet = load_workbook(target).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert (first["externalEventId"].value, first["externalEventId"].data_type) == ("=1+1", "s")
    assert (first["eventName"].value, first["eventName"].data_type) == ("#N/A", "s")
    assert (first["Message"].value, first["Message"].data_type) == ("=bad", "s")
    second = {h: c.value for h, c in zip(header, sheet[3], strict=True)}
    assert second["Status"] == "no answer"
    assert str(second["Message"]).startswith("no answer before the run ended")


def test_an_export_that_cannot_be_written_says_so_naming_the_file(tmp_path: Path) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    run_id = _killed_run(history)
    history.close()
    with pytest.raises(ResultsError) as caught:
        history.export(run_id, tmp_path / "missing" / "run.xlsx")
    assert str(caught.value).startswith("'run.xlsx' cannot be written: ")
    assert not (tmp_path / "missing").exists()


def test_a_row_whose_custom_properties_hubspot_dropped_keeps_saying_so_in_the_history(
    tmp_path: Path,
) -> None:
    history = RunHistory(tmp_path / "history.sqlite")
    rows = [(RowId(0), 2, 0, {"externalEventId": "E-0", "eventName": "Webinar"})]
    run_id = history.start_run("sandbox", "e.xlsx", "Events", rows)
    outcome = Outcome(RowId(0), RowStatus.CREATED, "77", dropped=("legacy_tag",))
    history.record_outcomes(run_id, [outcome])
    history.close()
    (row,) = RunHistory(tmp_path / "history.sqlite").rows(run_id)
    assert row.status == "created"
    assert row.message == "HubSpot dropped custom properties: legacy_tag"


def test_an_attendee_run_counts_recorded_rows_in_a_history_from_before_attendees(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "history.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE runs (id TEXT PRIMARY KEY, started REAL, finished REAL, connection TEXT,"
        " file TEXT, sheet TEXT, rows INTEGER, created INTEGER, updated INTEGER, failed INTEGER,"
        " not_sent INTEGER, requests INTEGER, stopped TEXT);"
        "INSERT INTO runs VALUES ('old', 1.0, 2.0, 'sandbox', 'e.xlsx', 'Events', 2, 2, 0, 0, 0,"
        " 1, '');"
    )
    old.commit()
    old.close()
    history = RunHistory(path)
    assert [r.summary_text for r in history.runs()] == ["Complete. 2 rows: 2 created."]
    run = history.start_run(
        "sandbox", "a.xlsx", "Attendees", [(RowId(1), 2, 0, {}), (RowId(2), 3, 0, {})]
    )
    history.record_outcomes(run, [Outcome(RowId(1), RowStatus.RECORDED, "901")])
    history.finish_run(run, Tally(recorded=1, failed=1), 1, "")
    history.close()
    newest = history.runs()[0]
    assert newest.summary_text == "Finished with failures. 2 rows: 1 recorded, 1 failed."


def test_an_action_run_counts_its_outcomes_in_a_history_from_before_actions(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "history.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE runs (id TEXT PRIMARY KEY, started REAL, finished REAL, connection TEXT,"
        " file TEXT, sheet TEXT, rows INTEGER, created INTEGER, updated INTEGER, failed INTEGER,"
        " not_sent INTEGER, requests INTEGER, stopped TEXT, recorded INTEGER DEFAULT 0);"
        "INSERT INTO runs VALUES ('old', 1.0, 2.0, 'sandbox', 'a.xlsx', 'Attendees', 2, 0, 0, 0,"
        " 0, 1, '', 2);"
    )
    old.commit()
    old.close()
    history = RunHistory(path)
    assert [r.summary_text for r in history.runs()] == ["Complete. 2 rows: 2 recorded."]
    rows: list[tuple[RowId, int, int, dict[str, object]]] = [
        (RowId(n), n + 1, 0, {}) for n in (1, 2, 3)
    ]
    run = history.start_run("sandbox", "e.xlsx", "Events", rows)
    history.record_outcomes(
        run, [Outcome(RowId(1), RowStatus.DELETED), Outcome(RowId(2), RowStatus.CANCELLED)]
    )
    history.finish_run(run, Tally(deleted=1, cancelled=1, failed=1), 1, "")
    killed = history.start_run("sandbox", "e.xlsx", "Events", rows[:2])
    history.record_outcomes(killed, [Outcome(RowId(1), RowStatus.COMPLETED)])
    history.close()
    texts = {r.id: r.summary_text for r in history.runs()}
    assert texts[run] == "Finished with failures. 3 rows: 1 cancelled, 1 deleted, 1 failed."
    assert texts[killed] == "Interrupted. 2 rows: 1 completed, 1 with no answer."
    assert history.confirmed_batches(run) == {0: (2, 3)}


def test_a_recorded_run_that_raises_is_recorded_as_failed_and_its_engine_closed(
    tmp_path: Path,
) -> None:
    from dataclasses import dataclass

    from hubevents_gui.core.recorder import RunRecorder
    from hubevents_gui.core.rows import EventTable

    @dataclass
    class Report:
        counts: Tally
        requests: int
        stopped_text: str

    history = RunHistory(tmp_path / "history.sqlite")
    table = EventTable(tmp_path / "e.xlsx", "Events", [])
    closed: list[str] = []
    batches: list[list[tuple[RowId, dict[str, object]]]] = [[(RowId(0), {}), (RowId(1), {})]]
    good = RunRecorder(history, "sandbox", batches, table, [])
    report = good.finish_after(lambda: Report(Tally(created=2), 1, ""), lambda: closed.append("a"))
    assert report.counts.created == 2

    def broken() -> Report:
        raise RuntimeError("the engine broke")

    bad = RunRecorder(history, "sandbox", batches, table, [])
    with pytest.raises(RuntimeError):
        bad.finish_after(broken, lambda: closed.append("b"))
    assert closed == ["a", "b"]  # the engine closed either way
    history.close()
    states = {run.id: run.summary_text for run in history.runs()}
    assert states[good.run_id].startswith("Complete")
    assert states[bad.run_id] == "Stopped: failed. 2 rows: 2 with no answer."
