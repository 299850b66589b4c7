"""One journal per window: a running window's journal is never taken by another."""

from __future__ import annotations

from pathlib import Path

from hubevents_gui.core.session_files import claim_new, claim_orphans


def test_a_held_journal_is_no_orphan_and_a_released_one_is(tmp_path: Path) -> None:
    first, second = claim_new(tmp_path), claim_new(tmp_path)
    assert first.path != second.path
    for held in (first, second):
        held.path.write_bytes(b"journal")
    assert claim_orphans(tmp_path) == []  # both windows are alive
    first.release()  # its window died
    (orphan,) = claim_orphans(tmp_path)
    assert orphan.path == first.path
    assert claim_orphans(tmp_path) == []  # claimed now: a second start does not offer it too
    orphan.remove()
    second.remove()
    assert list(tmp_path.iterdir()) == []
