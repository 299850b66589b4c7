"""Counting outcomes, plurals, and the garbage collector's one switchboard."""

from __future__ import annotations

import gc
import threading

from hubevents_gui.core import collector
from hubevents_gui.core.rows import Outcome, RowId, RowStatus
from hubevents_gui.core.tally import Tally
from hubevents_gui.core.words import plural


def test_a_tally_counts_each_final_status_once() -> None:
    tally = Tally()
    tally.add_outcomes(
        Outcome(RowId(i), status)
        for i, status in enumerate(
            [RowStatus.CREATED, RowStatus.CREATED, RowStatus.UPDATED, RowStatus.FAILED]
            + [RowStatus.NOT_SENT] * 3
        )
    )
    assert (tally.created, tally.updated, tally.failed, tally.not_sent) == (2, 1, 1, 3)
    assert tally.done == 7
    assert tally.stored == 3
    copy = tally.copy()
    copy.add(RowStatus.CREATED)
    assert tally.created == 2  # a copy is its own


def test_a_tally_reads_the_history_spelling_of_statuses() -> None:
    counts = {"created": 4, "updated": 1, "failed": 2, "not sent": 5, "pending": 9}
    assert Tally.of(counts) == Tally(4, 1, 2, 5)


FAILED = RowStatus.FAILED


def test_actions_on_events_are_counted_as_done_and_said_with_their_words() -> None:
    tally = Tally()
    tally.add_outcomes(
        Outcome(RowId(i), status)
        for i, status in enumerate(
            (RowStatus.DELETED, RowStatus.DELETED, RowStatus.CANCELLED, RowStatus.COMPLETED, FAILED)
        )
    )
    assert (tally.deleted, tally.cancelled, tally.completed, tally.not_sent) == (2, 1, 1, 0)
    assert tally.stored == 4
    assert tally.text(action=RowStatus.DELETED) == "2 deleted, 1 failed"
    assert tally.copy() == tally
    assert Tally.of({"deleted": 3, "cancelled": 1}) == Tally(deleted=3, cancelled=1)
    assert all(s.done for s in (RowStatus.CANCELLED, RowStatus.COMPLETED, RowStatus.DELETED))


def test_plurals() -> None:
    assert plural(1, "row") == "1 row"
    assert plural(0, "row") == "0 rows"
    assert plural(2, "invalid row") == "2 invalid rows"
    assert plural(3, "match", "matches") == "3 matches"


def test_pauses_nest_across_threads_and_the_collector_comes_back_once() -> None:
    assert gc.isenabled()
    collector.pause()
    other = threading.Thread(target=collector.pause)
    other.start()
    other.join()
    collector.resume()
    assert not gc.isenabled()  # the other thread's pause still holds
    collector.resume()
    assert gc.isenabled()
    collector.resume()  # one too many changes nothing
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_pause_does_not_turn_on_a_collector_that_was_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_freeze_moves_what_is_alive_out_of_the_collectors_sight() -> None:
    before = gc.get_freeze_count()
    # objects the collector tracks: a dict of only strings and ints is not tracked at all, and
    # the count then grew only when earlier tests had left enough other objects behind
    kept = [{"row": [n]} for n in range(1000)]
    assert all(gc.is_tracked(row) for row in kept)
    collector.freeze()
    assert gc.get_freeze_count() >= before + len(kept)


def test_an_outcome_says_its_status_code_once() -> None:
    from hubevents_gui.core.rows import Outcome, RowId, RowStatus

    retried = Outcome(
        RowId(1), RowStatus.FAILED, message="HTTP 502: simulated 502 (gave up)", http_status=502
    )
    assert retried.summary == "HTTP 502: simulated 502 (gave up)"
    plain = Outcome(RowId(2), RowStatus.FAILED, message="bad date", http_status=400)
    assert plain.summary == "HTTP 400: bad date"
