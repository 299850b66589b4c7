"""Reading HubSpot's copy from the window: the events to open as a table, and a preview of what
sending the rows would do. Each read runs on a worker thread with a reader of its own; what it
found comes back to the GUI thread by queued signal, as plain data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from hubevents_gui.core.properties import PropertyDefinition, cell_warnings, column_warnings
from hubevents_gui.core.rows import RowId
from hubevents_gui.core.sheets import RawSheet
from hubevents_gui.core.validation import Issue
from hubevents_gui.ui.tasks import Task, TaskError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import httpx
    from PySide6.QtCore import SignalInstance

    from hubevents_gui.core.rows import EventRow, EventTable
    from hubevents_gui.hubspot.action_plan import Action, ActionPlan
    from hubevents_gui.hubspot.diff import RowPlan
    from hubevents_gui.hubspot.quota import Quota
    from hubevents_gui.hubspot.reader import HubSpotReader
    from hubevents_gui.hubspot.wire import JsonObject
    from hubevents_gui.ui.connection import Connection
    from hubevents_gui.ui.document import TableDocument
    from hubevents_gui.ui.preview_marks import PreviewMarks
    from hubevents_gui.ui.settings import AppSettings

#: the name a table downloaded from HubSpot goes by (in the title, and for its results file)
HUBSPOT_SOURCE = "HubSpot events"


@dataclass
class PlannedAction:
    """An action on events, read and planned, waiting for the user's yes."""

    action: Action
    plan: ActionPlan
    #: "portal 12345678 in HubSpot": where it would act (from the token check)
    portal: str
    #: the rows it was planned for
    rows: list[EventRow]


@dataclass
class Pulled:
    raw: RawSheet
    events: int
    others: int
    unresolved: int
    requests: int


@dataclass
class Previewed:
    plans: dict[RowId, RowPlan]
    #: the upsert input each plan was made from
    inputs: dict[RowId, JsonObject]
    definitions: dict[str, PropertyDefinition] | None
    #: why the definitions are unknown ("" when they were read)
    definitions_missing: str
    requests: int
    columns: dict[str, str]
    cells: dict[RowId, list[Issue]]


class Host(Protocol):
    """What the reads need of the controller (which owns them)."""

    connection: Connection
    document: TableDocument
    settings: AppSettings
    marks: PreviewMarks
    quota: Quota
    definitions: dict[str, PropertyDefinition] | None
    auth_required: SignalInstance
    quota_changed: SignalInstance

    def sandbox_transport(self) -> httpx.BaseTransport: ...

    @property
    def busy(self) -> bool: ...

    def sendable(self, row_ids: list[RowId] | None = None) -> tuple[list[EventRow], int]: ...

    def start_task(self, task: Task) -> Task: ...


class HubSpotReads(QObject):
    #: a line of progress ("read 1,000 events")
    progress = Signal(str)
    pulled = Signal(object)
    previewed = Signal(object)
    #: this app's events, as list[KnownEvent] (for an attendee sheet's event)
    events_listed = Signal(list)
    #: the run of an action on events, planned and waiting to be confirmed (a PlannedAction)
    action_planned = Signal(object)
    #: one sentence naming the HTTP status, or the network's failure
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, controller: Host, parent: QObject) -> None:
        super().__init__(parent)
        self.controller = controller
        #: tests put HubSpot's answers here; otherwise the sandbox's, or the network
        self.transport: httpx.BaseTransport | None = None
        self._task: Task | None = None
        #: the table the preview under way reads HubSpot's copy for
        self._previewing: TableDocument | None = None
        #: the signal that hands back the result of the read under way
        self._delivers: SignalInstance | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel.set()

    def _reader(self, cancel: threading.Event) -> HubSpotReader | None:
        """A reader for the controller's connection (the engine's settings, token and
        transport), or None after asking for a token."""
        from hubevents_gui.hubspot.reader import HubSpotReader
        from hubevents_gui.hubspot.token_check import TokenFormatError

        controller = self.controller
        connection = controller.connection
        if not connection.sandbox and not connection.token:
            controller.auth_required.emit("Paste a HubSpot token (or choose the sandbox).")
            return None
        token, transport = connection.wire(controller.sandbox_transport)
        try:
            return HubSpotReader(
                connection.engine_settings(),
                token,
                transport=self.transport or transport,
                cancel=cancel,
                # reads count against the same quota the status bar shows
                on_response=controller.quota.observe,
            )
        except TokenFormatError as exc:  # a token that cannot be sent
            self.controller.auth_required.emit(f"The token cannot be used: {exc}.")
            return None

    # ------------------------------------------------------------------ open from HubSpot

    def open_events(self) -> bool:
        """Read every event this app owns; ``pulled`` hands back the sheet to open."""
        from hubevents_gui.hubspot.holdings import read_holdings
        from hubevents_gui.hubspot.pulled import pulled_sheet

        begun = self.begin()
        if begun is None:
            return False
        cancel, reader = begun
        zone = self.controller.document.zone
        folder = Path(self.controller.settings.last_folder)

        def work(_task: Task) -> Pulled | None:
            with reader:
                holdings = read_or_none(lambda: read_holdings(reader, None, self.progress.emit))
            if holdings is None:
                return None
            headers, rows = pulled_sheet(holdings, zone)
            raw = RawSheet(
                file=folder / HUBSPOT_SOURCE,
                sheet=None,
                headers=headers,
                header_row=1,
                first_column=0,
                rows=iter(enumerate(rows, start=2)),
            )
            return Pulled(
                raw, len(rows), len(holdings.others), len(holdings.unresolved), holdings.requests
            )

        return self.start(work, cancel, delivers=self.pulled)

    # ------------------------------------------------------------------ preview

    def preview(self) -> bool:
        """Read HubSpot's copy of the valid rows' events and plan each row; ``previewed``."""
        from hubevents_gui.hubspot.diff import plan_rows
        from hubevents_gui.hubspot.holdings import read_holdings
        from hubevents_gui.hubspot.wire import inputs_for

        controller = self.controller
        begun = self.begin()
        if begun is None:
            return False
        cancel, reader = begun
        valid, _invalid = controller.sendable()
        document = controller.document
        self._previewing = document  # its marks are set, whichever table is shown by then
        # the inputs are made here, from the rows as they are now: edits made during the read
        # are caught by comparing inputs when the marks are set
        items = list(zip([r.row_id for r in valid], inputs_for(valid, document.zone), strict=True))
        wanted = [(str(b["externalAccountId"]), str(b["externalEventId"])) for _, b in items]

        def work(_task: Task) -> Previewed | None:
            with reader:

                def read() -> Previewed:
                    definitions, missing = reader.property_definitions()
                    holdings = read_holdings(reader, wanted, self.progress.emit)
                    plans = plan_rows(items, holdings, definitions)
                    return Previewed(
                        plans, dict(items), definitions, missing, reader.requests, {}, {}
                    )

                return read_or_none(read)

        return self.start(work, cancel, done=self._on_previewed)

    @Slot(object)
    def _on_previewed(self, result: Previewed | None) -> None:
        self._finished()
        if result is None:
            self.cancelled.emit()
            return
        controller = self.controller
        if result.definitions is not None:
            controller.definitions = result.definitions
            document = self._previewing or controller.document
            result.columns = column_warnings(document.table.custom_names, result.definitions)
            rows = [r for i in result.plans if (r := document.row(i)) is not None]
            result.cells = cell_warnings(rows, result.definitions)
        controller.marks.set(result.plans, result.inputs, result.columns, result.cells)
        self.previewed.emit(result)

    # ------------------------------------------------------------------ events to choose

    def list_events(self) -> bool:
        """Read this app's events; ``events_listed`` hands them back as KnownEvents."""
        from hubevents_gui.core.known_events import KnownEvent
        from hubevents_gui.hubspot.holdings import known_events, read_holdings

        begun = self.begin()
        if begun is None:
            return False
        cancel, reader = begun

        def work(_task: Task) -> list[KnownEvent] | None:
            with reader:
                holdings = read_or_none(lambda: read_holdings(reader, None, self.progress.emit))
            if holdings is None:
                return None
            return list(known_events(holdings).values())

        return self.start(work, cancel, delivers=self.events_listed)

    # ------------------------------------------------------------------ acting on events

    def plan_action(
        self, action: Action, rows: list[EventRow], table: EventTable, zone: ZoneInfo
    ) -> bool:
        """The token check (which portal, which app) and the reads an action needs (the times
        to complete, the object ids to archive); ``action_planned`` hands back the plan."""
        from hubevents_gui.hubspot.action_plan import Action, plan_action

        begun = self.begin()
        if begun is None:
            return False
        cancel, reader = begun
        batch_size = self.controller.connection.engine_settings().batch_size
        where = "the sandbox" if self.controller.connection.sandbox else "HubSpot"

        def work(_task: Task) -> PlannedAction | None:
            with reader:

                def read() -> PlannedAction:
                    token = reader.token_info()
                    app = token.get("appId")
                    if action is Action.DELETE and app is None:
                        raise TaskError(
                            "HubSpot's token check names no app, and deleting by external ids "
                            "needs it: choose Delete Events of Any App by Object ID instead"
                        )
                    app_id = int(app) if isinstance(app, int | str) else None
                    plan = plan_action(
                        action, rows, table, zone, batch_size, reader=reader, app_id=app_id
                    )
                    portal = f"portal {token.get('hubId', '(unknown)')} in {where}"
                    return PlannedAction(action, plan, portal, rows)

                return read_or_none(read)

        return self.start(work, cancel, delivers=self.action_planned)

    # ------------------------------------------------------------------ one read

    def begin(self) -> tuple[threading.Event, HubSpotReader] | None:
        """The cancel and the reader of a new read; None while a read or a run is under way,
        or after asking for a token."""
        if self.controller.busy:
            return None
        cancel = threading.Event()
        reader = self._reader(cancel)
        return None if reader is None else (cancel, reader)

    def start(
        self,
        work: Callable[[Task], object],
        cancel: threading.Event,
        *,
        done: Callable[..., None] | None = None,
        delivers: SignalInstance | None = None,
    ) -> bool:
        """Start ``work``; its result goes to ``done``, or is emitted by ``delivers`` (None
        from the work: it was cancelled, and ``cancelled`` says so)."""
        task = Task(work)
        task.cancel = cancel
        self._delivers = delivers
        task.succeeded.connect(done or self._on_read)  # slots of this object: the GUI thread
        task.failed.connect(self._on_failed)
        self._task = self.controller.start_task(task)
        return True

    @Slot(object)
    def _on_read(self, result: object) -> None:
        self._finished()
        if result is None:
            self.cancelled.emit()
        elif self._delivers is not None:
            self._delivers.emit(result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._finished()
        self.failed.emit(message)

    def _finished(self) -> None:
        """A read is over: the status bar's quota shows what its answers said."""
        self._task = None
        controller = self.controller
        controller.quota_changed.emit(controller.quota.snapshot())


T = TypeVar("T")


def read_or_none(read: Callable[[], T]) -> T | None:
    """What ``read`` returns; None when it was cancelled; a failure as one sentence."""
    from hubevents_gui.hubspot.reader import ReadCancelledError, ReadError

    try:
        return read()
    except ReadCancelledError:
        return None
    except ReadError as exc:
        raise TaskError(f"Cannot read from HubSpot: {exc}") from None
