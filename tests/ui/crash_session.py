"""Run as a child process by test_recovery: works in the app, then dies without warning.

    python -m tests.ui.crash_session edits|run SETTINGS_FILE OUT_JSON

The state it saw just before it killed itself goes to OUT_JSON for the test to compare.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtWidgets import QApplication, QMessageBox

from hubevents_gui.app import create_window
from hubevents_gui.core.package_data import sample_path
from hubevents_gui.hubspot.sandbox import Faults, Sandbox, SandboxConfig
from hubevents_gui.ui import commands
from hubevents_gui.ui.settings import AppSettings
from tests.ui.state import table_state

SAMPLE = sample_path("events")


def spin(app: QApplication, seconds: float, until: object = None) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is not None and until():  # type: ignore[operator]
            return
        time.sleep(0.01)


def main() -> None:
    mode, settings_file, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    app = QApplication([])
    # the user answers Yes to "Delete rows?"
    QMessageBox.question = lambda *_a, **_k: QMessageBox.StandardButton.Yes  # type: ignore[method-assign]
    window = create_window(AppSettings(settings_file), sandbox=True, file=SAMPLE)
    window.show()
    model = window.model
    spin(app, 20, until=lambda: bool(model.document.rows))
    if mode == "edits":
        name = model.document.column_of("eventName")
        url = model.document.column_of("eventUrl")
        assert name is not None
        assert url is not None
        model.setData(model.index(0, name), "Renamed before the crash")
        model.setData(model.index(23, url), "https://acme.example/fixed")
        window.rows.add_row()
        model.setData(model.index(model.rowCount() - 1, name), "A row added by hand")
        window.table.selectRow(3)
        window.rows.delete_rows()
        commands.add_custom_column(model.document, "language")
    else:
        window.controller.sandbox = Sandbox(SandboxConfig(faults=Faults(latency=3.0)))
        connection = window.controller.connection
        connection.settings = replace(connection.settings, batch_size=1, concurrency=1)
        valid, _ = window.controller.sendable()
        window.controller.upsert(valid)
        spin(app, 20, until=lambda: any(s.done for s in model.document.states.values()))
    assert window.autosaver is not None
    assert window.autosaver.flush()  # everything so far is in the journal, committed
    window.controller.history.flush()  # and every outcome so far in the run history
    out.write_text(json.dumps(table_state(model)))
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main()
