"""One run's record in the run history, for the command line and the window alike.

Started before anything is sent (each row with its planned batch, from the very batches the
engine sends), each outcome recorded as it arrives, finished with the run's tally. Every call
only queues a write: it is safe from the engine's worker threads and never waits for disk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from hubevents_gui.core.history import RunHistory, SnapshotKey
from hubevents_gui.core.rows import EventRow, EventTable, Outcome, RowId
from hubevents_gui.core.tally import Tally

Batches = Sequence[Sequence[tuple[RowId, dict[str, Any]]]]


class Finished(Protocol):
    """What a run's report gives its record (hubspot.report.RunReport)."""

    @property
    def counts(self) -> Tally: ...

    @property
    def requests(self) -> int: ...

    @property
    def stopped_text(self) -> str: ...


Report = TypeVar("Report", bound=Finished)


class RunRecorder:
    def __init__(
        self,
        history: RunHistory,
        where: str,
        batches: Batches,
        table: EventTable,
        rows: Sequence[EventRow],
        *,
        kind: str = "",
        undoes: str = "",
        snapshots: Mapping[SnapshotKey, dict[str, Any] | None] | None = None,
    ) -> None:
        """``rows`` are the rows sent (a list of the caller's, not the live table's rows);
        ``kind``, ``undoes``, ``snapshots``: as RunHistory.start_run takes them."""
        self.history = history
        source = {row.row_id: row.source_row for row in rows}
        self.run_id = history.start_run(
            where,
            str(table.file or ""),
            table.sheet or "",
            [
                (row_id, source.get(row_id), number, body)
                for number, batch in enumerate(batches)
                for row_id, body in batch
            ],
            kind=kind,
            undoes=undoes,
            snapshots=snapshots,
        )

    def record(self, outcomes: Sequence[Outcome]) -> None:
        if outcomes:
            self.history.record_outcomes(self.run_id, outcomes)

    def finish(self, tally: Tally, requests: int, stopped: str) -> None:
        self.history.finish_run(self.run_id, tally, requests, stopped)

    def finish_after(self, run: Callable[[], Report], close: Callable[[], None]) -> Report:
        """``run`` (the engine's run of this record's batches), then ``close`` (the engine's)
        whatever happens; the record finished with the report, or as failed when it raises."""
        try:
            report = run()
        except BaseException:
            self.finish(Tally(), 0, "failed")
            raise
        finally:
            close()
        self.finish(report.counts, report.requests, report.stopped_text)
        return report
