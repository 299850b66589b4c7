"""Choosing the event (and state) for the rows of an attendee sheet that do not name one: from
the events the window knows (the event table, HubSpot's events), or by typing the ids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hubevents_gui.core.attendee_fields import STATE, STATE_TITLES, state_of
from hubevents_gui.core.known_events import KnownEvent
from hubevents_gui.core.rows import Value
from hubevents_gui.ui.accessible import describe, describe_buttons

_TYPED = "Type the ids below"
_OWN_STATE = "Each row's own State"


class EventChoiceDialog(QDialog):
    #: the user asked for HubSpot's events (the window reads them and calls add_events)
    read_requested = Signal()

    def __init__(
        self,
        known: Sequence[KnownEvent],
        current: Mapping[str, Value],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("eventChoiceDialog")
        self.setWindowTitle("Event for the attendee sheet")
        self.known: list[KnownEvent] = []
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Rows that leave External Event ID, External Account ID or State blank take these. "
            "Rows that name their own keep them."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.events = QComboBox(self)
        self.events.setObjectName("eventChoiceList")
        describe(self.events, "An event HubSpot holds, or the ids typed below", name="Known events")
        self.events.addItem(_TYPED, None)
        self.events.currentIndexChanged.connect(self._on_event_chosen)
        form.addRow("&Event:", self.events)
        self.account_edit = QLineEdit(str(current.get("externalAccountId", "")), self)
        self.account_edit.setObjectName("eventChoiceAccount")
        form.addRow("External &Account ID:", self.account_edit)
        describe(self.account_edit, "The account id of the event the rows are for")
        self.event_edit = QLineEdit(str(current.get("externalEventId", "")), self)
        self.event_edit.setObjectName("eventChoiceEvent")
        form.addRow("External Event &ID:", self.event_edit)
        describe(self.event_edit, "The event id of the event the rows are for")
        self.state = QComboBox(self)
        self.state.setObjectName("eventChoiceState")
        self.state.addItem(_OWN_STATE, None)
        for title in STATE_TITLES.values():
            self.state.addItem(title, title)
        chosen = current.get(STATE)
        if isinstance(chosen, str) and (state := state_of(chosen)) is not None:
            self.state.setCurrentIndex(self.state.findData(STATE_TITLES[state]))
        form.addRow("&State:", self.state)
        describe(self.state, "The state given to every row, or each row's own", name="State")
        layout.addLayout(form)
        self.read_button = QPushButton("Read HubSpot's Events", self)
        self.read_button.setObjectName("eventChoiceReadHubSpot")
        self.read_button.setToolTip("List the events this app holds in HubSpot (or the sandbox)")
        self.read_button.clicked.connect(self._on_read)
        self.note = QLabel(self)
        self.note.setObjectName("eventChoiceNote")
        self.note.setWordWrap(True)
        layout.addWidget(self.read_button)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.setObjectName("eventChoiceButtons")
        describe_buttons(
            buttons,
            {
                QDialogButtonBox.StandardButton.Ok: "Give the rows this event",
                QDialogButtonBox.StandardButton.Cancel: "Leave the rows as they are",
            },
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.add_events(known)
        self.resize(560, self.sizeHint().height())

    def add_events(self, events: Sequence[KnownEvent], note: str = "") -> None:
        """Offer more events (each once); select the one the ids name, if any."""
        have = {event.key for event in self.known}
        for event in events:
            if event.key not in have:
                have.add(event.key)
                self.known.append(event)
                self.events.addItem(event.label, len(self.known) - 1)
        self.note.setText(note)
        wanted = (self.account_edit.text().strip(), self.event_edit.text().strip())
        for index, event in enumerate(self.known):
            if event.key == wanted:
                self.events.blockSignals(True)
                self.events.setCurrentIndex(self.events.findData(index))
                self.events.blockSignals(False)

    def values(self) -> dict[str, Value]:
        """The sheet-wide values chosen (blank fields left out)."""
        values: dict[str, Value] = {}
        account, event = self.account_edit.text().strip(), self.event_edit.text().strip()
        if account:
            values["externalAccountId"] = account
        if event:
            values["externalEventId"] = event
        state = self.state.currentData()
        if isinstance(state, str):
            values[STATE] = state
        return values

    @Slot(int)
    def _on_event_chosen(self, position: int) -> None:
        index = self.events.itemData(position)
        if isinstance(index, int):
            event = self.known[index]
            self.account_edit.setText(event.account)
            self.event_edit.setText(event.event_id)

    @Slot()
    def _on_read(self) -> None:
        self.read_button.setEnabled(False)
        self.note.setText("Reading HubSpot's events…")
        self.read_requested.emit()

    def read_failed(self, message: str) -> None:
        self.read_button.setEnabled(True)
        self.note.setText(message)
