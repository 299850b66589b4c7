"""Composition root of the desktop app: arguments, QApplication, the main window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from hubevents_gui import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hubevents-gui", description="The hubevents desktop app.")
    parser.add_argument("file", nargs="?", help="a spreadsheet to open")
    parser.add_argument(
        "--sandbox", action="store_true", help="work against the built-in HubSpot simulator"
    )
    parser.add_argument("--version", action="version", version=f"hubevents-gui {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setObjectName("mainWindow")
    window.setWindowTitle("hubevents")
    label = QLabel(args.file or "Open a spreadsheet of events to begin.")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(label)
    window.resize(900, 600)
    window.show()
    return int(app.exec())
