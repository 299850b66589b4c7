"""Renders the README's screenshots offscreen into resources/screenshots: the empty window, the
main window after a sandbox run in the light and the dark theme, the About box, the user
guide, the connection dialog and the column-mapping dialog. Run: python scripts/screenshots.py
(QT_SCALE_FACTOR=2 renders them at 200 %, into resources/screenshots/200)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
# the autosave journal and run history of this staged session stay out of the user's data
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="hubevents-shots-")

from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "resources" / "screenshots"
if os.environ.get("QT_SCALE_FACTOR", "1") not in ("", "1"):
    OUT = OUT / f"{round(float(os.environ['QT_SCALE_FACTOR']) * 100)}"


def spin(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    app = QApplication(sys.argv[:1])
    from hubevents_gui.app import create_window
    from hubevents_gui.core.package_data import sample_path
    from hubevents_gui.core.sheets import guess_mapping, open_sheet
    from hubevents_gui.ui.dialogs.about_dialog import AboutDialog
    from hubevents_gui.ui.dialogs.connection_dialog import ConnectionDialog
    from hubevents_gui.ui.dialogs.guide_dialog import GuideDialog
    from hubevents_gui.ui.dialogs.mapping_dialog import MappingDialog
    from hubevents_gui.ui.settings import AppSettings
    from hubevents_gui.ui.theme import Theme

    sample = sample_path("events")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        settings = AppSettings(Path(folder) / "settings.ini")
        settings.timezone = "Europe/Berlin"
        raw = open_sheet(sample)
        settings.remember_mapping(raw.headers, guess_mapping(raw.headers))
        empty = create_window(settings, sandbox=True)
        empty.resize(1100, 640)
        empty.show()
        spin(app, 1.0)
        empty.grab().save(str(OUT / "empty-window.png"))
        empty.setWindowModified(False)
        empty.close()

        window = create_window(settings, sandbox=True, file=sample)
        window.resize(1360, 760)
        window.show()
        spin(app, 1.5)
        valid, _ = window.controller.sendable()
        window.controller.upsert(valid[:20])
        spin(app, 2.5)
        model = window.model
        # one row edited after its upsert, to show that state too
        name = model.document.column_of("eventName")
        assert name is not None
        model.setData(model.index(2, name), "Acme Summit New York 2026")
        start = model.document.column_of("startDateTime")
        assert start is not None
        window.table.setCurrentIndex(model.index(0, start))
        window.table.horizontalScrollBar().setValue(0)
        spin(app, 0.5)
        window.grab().save(str(OUT / "main-window.png"))
        window.set_theme(Theme.DARK)
        spin(app, 0.5)
        window.grab().save(str(OUT / "main-window-dark.png"))
        window.set_theme(Theme.LIGHT)
        spin(app, 0.3)

        about = AboutDialog(window)
        about.show()
        spin(app, 0.3)
        about.grab().save(str(OUT / "about.png"))
        about.reject()
        guide = GuideDialog(window)
        guide.show()
        spin(app, 0.3)
        guide.grab().save(str(OUT / "user-guide.png"))
        guide.close()

        dialog = ConnectionDialog(window.controller, parent=window)
        dialog.hubspot.setChecked(True)
        dialog.token.setText("pat-na1-00000000-0000-0000-0000-000000000000")
        dialog.result_label.setText("Connected: portal 12345678, app 424242, write scope: yes.")
        dialog.show()
        spin(app, 0.3)
        dialog.grab().save(str(OUT / "connection-dialog.png"))
        dialog.reject()

        raw = open_sheet(sample)
        guess = guess_mapping(raw.headers)
        mapping = MappingDialog(raw, guess, raw.peek(3), window)
        mapping.show()
        spin(app, 0.3)
        mapping.grab().save(str(OUT / "mapping-dialog.png"))
        mapping.reject()
        window.setWindowModified(False)
        window.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
