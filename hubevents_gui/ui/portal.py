"""Which portal the window acts on, from the token check and the account's details, read off
the GUI thread whenever the connection changes; the banner shows it and destructive actions
name it."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot

from hubevents_gui.ui.controller import Controller
from hubevents_gui.ui.tasks import Task


def portal_text(info: dict[str, object], details: dict[str, object]) -> str:
    """ "portal 12345678 (SANDBOX, na1)": the portal's id and what HubSpot says it is (the API
    gives no portal name)."""
    portal = details.get("portalId") or info.get("hubId")
    if portal is None:
        return ""
    kind = [str(v) for v in (details.get("accountType"), details.get("dataHostingLocation")) if v]
    return f"portal {portal}" + (f" ({', '.join(kind)})" if kind else "")


class PortalCheck(QObject):
    #: the portal's text ("" while unknown: no token, or the check failed)
    changed = Signal(str)

    def __init__(self, controller: Controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self.text = ""
        #: the connection the text is for (an answer for an earlier one is dropped)
        self._asked = 0
        self._cancel = threading.Event()
        controller.connection_changed.connect(self.check)

    @Slot()
    def check(self) -> None:
        """Read which portal the connection's token is for (quietly: no dialog on failure)."""
        from hubevents_gui.hubspot.reader import HubSpotReader
        from hubevents_gui.hubspot.token_check import TokenFormatError

        self._asked += 1
        asked = self._asked
        self._cancel.set()  # the check of the connection before stops retrying
        self._set("")
        connection = self.controller.connection
        if self.controller.shut_down or (not connection.sandbox and not connection.token):
            return
        token, transport = connection.wire(self.controller.sandbox_transport)
        cancel = self._cancel = threading.Event()  # closing the window stops its retries
        try:
            reader = HubSpotReader(
                connection.engine_settings(), token, transport=transport, cancel=cancel
            )
        except TokenFormatError:
            return

        def work(_task: Task) -> tuple[int, str]:
            with reader:
                return asked, portal_text(reader.token_info(), reader.account_details())

        task = Task(work)
        task.cancel = cancel
        task.succeeded.connect(self._on_read)  # a slot of this object: on the GUI thread
        self.controller.start_task(task)

    @Slot(object)
    def _on_read(self, result: tuple[int, str]) -> None:
        asked, text = result
        if asked == self._asked:  # not an answer for a connection since changed
            self._set(text)

    def _set(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.changed.emit(text)
