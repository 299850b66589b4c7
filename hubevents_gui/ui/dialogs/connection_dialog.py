"""The connection dialog: sandbox or HubSpot, the token (tested, then kept in the OS keyring),
and the advanced settings (base URL, API version, batch size, concurrency)."""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hubevents_gui import credentials
from hubevents_gui.hubspot.sandbox import DEFAULT_TOKEN
from hubevents_gui.hubspot.settings import (
    API_VERSIONS,
    HUBSPOT_URL,
    MAX_BATCH_SIZE,
    MAX_CONCURRENCY,
    NEWEST_VERSION,
    SANDBOX_URL,
    ConnectionSettings,
)
from hubevents_gui.hubspot.token_check import (
    ConnectionCheckError,
    TokenFormatError,
    check_token,
    clean_token,
)
from hubevents_gui.ui.accessible import describe, describe_buttons
from hubevents_gui.ui.connection import Connection
from hubevents_gui.ui.controller import Controller
from hubevents_gui.ui.status_style import StatusStyle

log = logging.getLogger("hubevents")


class ConnectionDialog(QDialog):
    def __init__(
        self, controller: Controller, reason: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self.setWindowTitle("Connection")
        self.controller = controller
        current = controller.connection
        layout = QVBoxLayout(self)

        self.reason = QLabel(reason)
        self.reason.setObjectName("connectionReason")
        self.reason.setWordWrap(True)
        self.palette_style = StatusStyle()
        self.reason.setStyleSheet(self.palette_style.note_css("error"))
        self.reason.setVisible(bool(reason))
        layout.addWidget(self.reason)

        self.sandbox = QRadioButton(
            "Sandbox: a HubSpot simulator on this computer (nothing leaves it)"
        )
        self.sandbox.setObjectName("connectionSandbox")
        self.hubspot = QRadioButton("HubSpot: send to your portal with a private-app token")
        self.hubspot.setObjectName("connectionHubSpot")
        describe(self.sandbox, "Try everything without a token: rows go to a simulator", tip=False)
        describe(self.hubspot, "Send rows to the HubSpot portal the token belongs to", tip=False)
        group = QButtonGroup(self)
        group.addButton(self.sandbox)
        group.addButton(self.hubspot)
        layout.addWidget(self.sandbox)
        layout.addWidget(self.hubspot)

        token_box = QGroupBox("HubSpot token")
        token_box.setObjectName("connectionTokenBox")
        form = QFormLayout(token_box)
        row = QHBoxLayout()
        self.token = QLineEdit()
        self.token.setObjectName("connectionToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("pat-na1-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
        if current.token and not current.sandbox:
            self.token.setText(current.token)
        describe(self.token, "The private-app token from HubSpot's settings", name="HubSpot token")
        row.addWidget(self.token, 1)
        self.reveal = QCheckBox("Show")
        self.reveal.setObjectName("connectionRevealToken")
        self.reveal.toggled.connect(
            lambda on: self.token.setEchoMode(
                QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
            )
        )
        describe(self.reveal, "Show the token's characters", name="Show token")
        row.addWidget(self.reveal)
        self.test = QPushButton("Test connection")
        self.test.setObjectName("connectionTest")
        self.test.clicked.connect(self._test)
        describe(self.test, "Ask HubSpot whether the token works, and for which portal")
        row.addWidget(self.test)
        form.addRow("Token:", row)
        self.result_label = QLabel(
            "Paste a private-app token with the crm.objects.marketing_events.write scope."
        )
        self.result_label.setObjectName("connectionResult")
        self.result_label.setWordWrap(True)
        form.addRow("", self.result_label)
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("connectionKeyringNote")
        self.keyring_note.setWordWrap(True)
        if not credentials.secure_backend():
            self.keyring_note.setText(
                "This computer has no secure keyring: the token will be kept in memory for this "
                "session only, and asked for again next time."
            )
            self.keyring_note.setStyleSheet(self.palette_style.note_css("warning"))
        else:
            self.keyring_note.setText("The token is kept in the system keyring, never in files.")
        form.addRow("", self.keyring_note)
        self.clear = QPushButton("Clear saved token")
        self.clear.setObjectName("connectionClearToken")
        self.clear.clicked.connect(self._clear)
        describe(self.clear, "Forget the token kept in the system keyring")
        form.addRow("", self.clear)
        layout.addWidget(token_box)
        self.token_box = token_box

        advanced = QGroupBox("Advanced")
        advanced.setObjectName("connectionAdvanced")
        grid = QFormLayout(advanced)
        self.base_url = QLineEdit(current.settings.base_url)
        self.base_url.setObjectName("connectionBaseUrl")
        grid.addRow("Base URL:", self.base_url)
        describe(self.base_url, "Where requests go: https://api.hubapi.com unless told otherwise")
        self.api_version = QComboBox()
        self.api_version.setObjectName("connectionApiVersion")
        self.api_version.setEditable(True)
        self.api_version.addItems(list(API_VERSIONS))
        self.api_version.setCurrentText(current.settings.api_version)
        grid.addRow("API version:", self.api_version)
        describe(self.api_version, "The HubSpot API version to send to", name="API version")
        self.batch_size = QSpinBox()
        self.batch_size.setObjectName("connectionBatchSize")
        self.batch_size.setRange(1, MAX_BATCH_SIZE)
        self.batch_size.setValue(current.settings.batch_size)
        grid.addRow("Rows per request:", self.batch_size)
        describe(self.batch_size, "How many rows each request to HubSpot carries")
        self.concurrency = QSpinBox()
        self.concurrency.setObjectName("connectionConcurrency")
        self.concurrency.setRange(1, MAX_CONCURRENCY)
        self.concurrency.setValue(current.settings.concurrency)
        grid.addRow("Requests at once:", self.concurrency)
        describe(self.concurrency, "How many requests are in flight together")
        layout.addWidget(advanced)
        self.advanced = advanced

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setObjectName("connectionButtons")
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("connectionSave")
        describe_buttons(
            buttons,
            {
                QDialogButtonBox.StandardButton.Save: "Use this connection",
                QDialogButtonBox.StandardButton.Cancel: "Keep the connection as it was",
            },
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        (self.sandbox if current.sandbox and not reason else self.hubspot).setChecked(True)
        self.sandbox.toggled.connect(self._mode_changed)
        self._mode_changed()
        # the check's thread hands its answer over in plain Python, never through a Qt object:
        # a QObject it held would be destroyed on that thread when the check ends after the
        # dialog, or destroyed under it by PySide at exit while it still runs
        self._answers: queue.SimpleQueue[dict[str, Any] | str] = queue.SimpleQueue()
        self._answer_poll = QTimer(self)
        self._answer_poll.setInterval(30)
        self._answer_poll.timeout.connect(self._take_answer)
        self.checked_info: dict[str, Any] | None = None
        self.note: str | None = None
        self.resize(560, self.sizeHint().height())

    @Slot()
    def _mode_changed(self) -> None:
        hubspot = self.hubspot.isChecked()
        self.token_box.setEnabled(hubspot)
        self.base_url.setEnabled(hubspot)

    def connection(self) -> Connection:
        settings = ConnectionSettings(
            base_url=self.base_url.text().strip() or HUBSPOT_URL,
            api_version=self.api_version.currentText().strip() or NEWEST_VERSION,
            batch_size=self.batch_size.value(),
            concurrency=self.concurrency.value(),
        )
        return Connection(
            sandbox=self.sandbox.isChecked(),
            settings=settings,
            token=self.token.text().strip() or None,
        )

    @Slot()
    def _test(self) -> None:
        connection = self.connection()
        if connection.sandbox:
            token, transport = DEFAULT_TOKEN, self.controller.sandbox_transport()
        else:
            problem = self._token_problem(connection)
            if problem or not connection.token:
                self.result_label.setText(problem or "Paste a token first.")
                return
            token, transport = connection.token, None
        base_url = SANDBOX_URL if connection.sandbox else connection.settings.base_url
        settings = ConnectionSettings(base_url=base_url, timeout=15)
        self.test.setEnabled(False)
        self.result_label.setText("Testing…")
        answers = self._answers

        def check() -> None:
            # every way this can end sends one answer: the dialog never stays at "Testing..."
            try:
                answers.put(check_token(settings, token, transport))
            except ConnectionCheckError as exc:
                answers.put(str(exc))
            except Exception as exc:
                log.exception("the connection check failed")
                answers.put(f"the check failed unexpectedly ({type(exc).__name__})")

        # a daemon thread that nobody waits for: closing the dialog never blocks on it, and
        # an answer that comes after the dialog is gone is left in a queue nobody reads
        threading.Thread(target=check, name="hubevents-check-token", daemon=True).start()
        self._answer_poll.start()

    @Slot()
    def _take_answer(self) -> None:
        try:
            answer = self._answers.get_nowait()
        except queue.Empty:
            return
        self._answer_poll.stop()
        self._on_checked(answer)

    @Slot(object)
    def _on_checked(self, info: dict[str, Any] | str) -> None:
        self.test.setEnabled(True)
        if isinstance(info, str):
            self.checked_info = None
            self.result_label.setText(self.palette_style.error_html(f"Not connected: {info}"))
            return
        self.checked_info = info
        write = "yes" if info["can_write"] else "<b>no</b> (add crm.objects.marketing_events.write)"
        self.result_label.setText(
            f"Connected: portal {info['portal_id']}, app {info['app_id']}, write scope: {write}."
        )
        connection = self.connection()
        if not connection.sandbox and info["can_write"]:
            self.note = self.controller.set_connection(connection, save_token=True)
            if self.note is None:  # the note above the token already says when it cannot be
                self.result_label.setText(
                    self.result_label.text() + " The token is saved in the system keyring."
                )

    @Slot()
    def _clear(self) -> None:
        self.controller.clear_token()
        self.token.clear()
        self.sandbox.setChecked(True)
        self.result_label.setText("The saved token was removed.")

    def _token_problem(self, connection: Connection) -> str | None:
        """Why the pasted token cannot be one (said here, before anything is sent), or None."""
        if connection.sandbox or not connection.token:
            return None
        try:
            clean_token(connection.token)
        except TokenFormatError as exc:
            return self.palette_style.error_html(f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
        return None

    def accept(self) -> None:
        connection = self.connection()
        if not connection.sandbox and not connection.token:
            self.result_label.setText("Paste a token, or choose the sandbox.")
            return
        problem = self._token_problem(connection)
        if problem:
            self.result_label.setText(problem)
            return
        self.note = self.controller.set_connection(connection, save_token=not connection.sandbox)
        super().accept()
