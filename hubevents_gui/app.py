"""Composition root of the desktop app: arguments, QApplication, excepthook, wiring, show."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from hubevents_gui import __version__
from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS
from hubevents_gui.core.fields import EVENT_FIELDS
from hubevents_gui.core.logs import close_logging, setup_logging
from hubevents_gui.core.package_data import (
    PackageDataMissingError,
    SampleCopyError,
    sample_copies,
)
from hubevents_gui.core.redaction import redact_all
from hubevents_gui.core.zones import ZoneError, load_zone, local_zone_name
from hubevents_gui.ui.autosave import Autosaver, PendingSession, pending_sessions
from hubevents_gui.ui.controller import Controller
from hubevents_gui.ui.desktop import open_folder, versions_line
from hubevents_gui.ui.document import TableDocument
from hubevents_gui.ui.help import trust_sample_columns
from hubevents_gui.ui.icons import app_icon
from hubevents_gui.ui.main_window import MainWindow
from hubevents_gui.ui.settings import AppSettings

log = logging.getLogger("hubevents")


#: how often Python threads hand over the GIL. The window calls into Python for every cell it
#: paints, and each call must win the GIL back from the import and upsert threads: at the
#: default 5 ms a repaint could wait a second or more; at 0.1 ms the longest pause while
#: sending 10k rows measured 56 ms (benchmarks/bench_gui.py)
GUI_SWITCH_INTERVAL = 0.0001


def configure_interpreter() -> None:
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)


#: Qt's own options (QApplication and QGuiApplication), passed through to Qt: those taking a
#: value, and those that stand alone
QT_VALUE_OPTIONS = frozenset({
    "-platform", "-platformpluginpath", "-platformtheme", "-plugin", "-qwindowgeometry",
    "-qwindowicon", "-qwindowtitle", "-style", "-stylesheet", "-session", "-display",
    "-geometry", "-title", "-name", "-qmljsdebugger",
})  # fmt: skip
QT_FLAG_OPTIONS = frozenset({"-reverse", "-widgetcount", "-nograb", "-dograb", "-sync"})


def split_qt_arguments(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """``argv`` as (Qt's options with their values, the app's own arguments). Qt's take one
    dash (``-style Fusion``, ``-reverse``); ``--style`` is taken as Qt's too."""
    qt: list[str] = []
    ours: list[str] = []
    items = iter(argv)
    for item in items:
        if item == "--":  # what follows is the app's: a file may be named -reverse
            ours += [item, *items]
            break
        single = "-" + item[2:] if item.startswith("--") else item
        name, has_value, given = single.partition("=")
        if name in QT_VALUE_OPTIONS:
            value = given if has_value else next(items, None)
            if value is None:
                ours.append(item)  # argparse says what is missing
            else:
                qt += [name, value]
        elif single in QT_FLAG_OPTIONS:
            qt.append(single)
        else:
            ours.append(item)
    return qt, ours


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubevents-gui",
        description="The hubevents desktop app. Qt's own options (-platform, -style, -reverse, "
        "...) are passed through to Qt.",
    )
    opened = parser.add_mutually_exclusive_group()
    opened.add_argument("file", nargs="?", type=Path, help="a spreadsheet to open")
    opened.add_argument(
        "--sample",
        action="store_true",
        help="open the sample events sheet (a copy in the data folder, yours to edit)",
    )
    parser.add_argument(
        "--sandbox", action="store_true", help="work against the built-in HubSpot simulator"
    )
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add hubevents to this Linux desktop's applications menu and offer it for "
        ".xlsx, .ods and .csv files (for this user only), then exit",
    )
    parser.add_argument(
        "--debug", action="store_true", help="log everything, not only warnings and errors"
    )
    parser.add_argument("--settings", type=Path, help=argparse.SUPPRESS)  # tests and benchmarks
    # smoke tests of the wheel and the bundle: start, open, quit cleanly after this many ms
    parser.add_argument("--quit-after", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"hubevents-gui {__version__}")
    return parser


def create_window(settings: AppSettings, *, sandbox: bool, file: Path | None = None) -> MainWindow:
    """The window with its document and controller, as the app and the tests build it."""
    try:
        zone = load_zone(settings.timezone)
    except ZoneError:
        zone = load_zone(local_zone_name())
    documents = [TableDocument(zone, fields=fields) for fields in (EVENT_FIELDS, ATTENDEE_FIELDS)]
    for document in documents:
        document.day_first = settings.day_first
    controller = Controller(settings, documents[0], sandbox=sandbox, attendees=documents[1])
    pending, damaged = pending_sessions()
    # one window recovers a session of each kind (one per tab): the others wait, locks
    # released, for the next start
    recovered: dict[str, PendingSession] = {}
    for session in pending:
        kind = session.session.table.fields.name
        if kind in recovered:
            session.held.release()
        else:
            recovered[kind] = session
    window = MainWindow(controller, settings, [Autosaver(d) for d in documents])
    # what lives as long as the window is owned by it on Qt's side too, so it goes with the
    # window on the GUI thread; orphans are left to the cyclic garbage collector, which runs on
    # whichever thread allocates (an SQLite writer, an upsert worker) and crashed there
    for document in documents:
        document.setParent(controller)
    controller.setParent(window)
    # each timer below names the object it works on: it is cancelled if that object goes first
    if damaged:
        QTimer.singleShot(
            0,
            window,
            lambda: QMessageBox.warning(window, "Unsaved work damaged", "\n\n".join(damaged)),
        )
    more = len(pending) - len(recovered)
    offers = list(recovered.values())
    for number, offer in enumerate(offers):
        last = number == len(offers) - 1
        QTimer.singleShot(
            0,
            window,
            lambda offer=offer, last=last: window.opening.offer_recovery(
                offer.session,
                then_open=file if last else None,
                done=offer.held.remove,
                more=more if last else 0,
            ),
        )
    if not pending and file is not None:
        QTimer.singleShot(0, controller, lambda: controller.open_file(file))
    notice = controller.start_notice
    if notice is not None:
        # the last session sent to HubSpot and this one cannot: said at start, with the dialog
        # to fix it, rather than found out from the banner
        QTimer.singleShot(0, window, lambda: window.running.edit_connection(notice))
    return window


def _excepthook(window: MainWindow | None, log_file: Path | None) -> object:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if window is not None:
            show_unexpected_error(window, f"{kind.__name__}: {value}", log_file)

    return hook


def show_unexpected_error(window: MainWindow, what: str, log_file: Path | None) -> None:
    """The box an unexpected error shows: what, that the table is still open, and (when there
    is a log file) a button that opens the log folder."""
    box = QMessageBox(window)
    box.setObjectName("unexpectedErrorBox")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Unexpected error")
    box.setText(f"Something went wrong: {redact_all(what)}")
    logged = f"\n\nThe details are in {log_file}." if log_file is not None else ""
    box.setInformativeText(f"Your table is still open; save the results to keep your work.{logged}")
    opener = None
    if log_file is not None:
        opener = box.addButton("Open Log Folder", QMessageBox.ButtonRole.ActionRole)
        opener.setObjectName("openLogFolder")
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if opener is not None and box.clickedButton() is opener:
        assert log_file is not None
        open_folder(log_file.parent)


def close_on_signals(window: MainWindow) -> None:
    """Ctrl+C in the terminal (or SIGTERM) closes the window as its close button does, asking
    about unsaved work; a second one ends the program at once. Without this, Python raises
    KeyboardInterrupt in whichever slot happens to run (an autosave, say)."""
    import signal

    def close(signum: int, _frame: object) -> None:
        signal.signal(signum, signal.SIG_DFL)
        QTimer.singleShot(0, window, window.close)

    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), close)
    # Python runs a signal's handler between bytecodes: a timer lets it while Qt waits
    ticker = QTimer(window)
    ticker.setInterval(200)
    ticker.timeout.connect(lambda: None)
    ticker.start()


def install_desktop_entry() -> int:
    from hubevents_gui.core.desktop_entry import install_desktop_entry as install

    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        print("hubevents-gui: --install-desktop-entry is for Linux desktops", file=sys.stderr)
        return 2
    try:
        installed = install()
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        why = (exc.strerror or str(exc)).lower()
        print(f"hubevents-gui: cannot install the desktop entry: {why}{where}", file=sys.stderr)
        return 1
    print(f"Installed {installed.entry}, starting {installed.command}")
    print(f"and its icon in {len(installed.icons)} sizes under {installed.icons[0].parents[2]}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    qt_arguments, ours = split_qt_arguments(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(ours)
    if args.install_desktop_entry:
        return install_desktop_entry()
    if args.sample:
        try:
            args.file = sample_copies()[0]
        except (SampleCopyError, PackageDataMissingError) as exc:
            print(f"hubevents-gui: the sample cannot be opened: {exc}", file=sys.stderr)
            return 2
    configure_interpreter()
    log_file = setup_logging(debug=args.debug)
    app = QApplication.instance() or QApplication([*sys.argv[:1], *qt_arguments])
    assert isinstance(app, QApplication)
    log.info("hubevents-gui %s started: %s", __version__, versions_line())
    app.setApplicationName("hubevents")
    app.setOrganizationName("hubevents")
    app.setApplicationDisplayName("hubevents")
    app.setApplicationVersion(__version__)
    # Wayland and the taskbar match the window to hubevents.desktop (its name and icon)
    app.setDesktopFileName("hubevents")
    app.setWindowIcon(app_icon())
    settings = AppSettings(args.settings)
    if args.sample:
        trust_sample_columns(settings)
    window = create_window(settings, sandbox=args.sandbox, file=args.file)
    window.controller.serve_sandbox_apart()
    sys.excepthook = _excepthook(window, log_file)  # type: ignore[assignment]
    close_on_signals(window)
    window.show()
    QTimer.singleShot(300, window.controller, window.controller.warm_up)
    if args.quit_after is not None:
        QTimer.singleShot(args.quit_after, window, window.close)
    code = int(app.exec())
    log.info("window closed, exit status %d", code)
    # the window and what it owns go now, on the GUI thread while the QApplication exists: not
    # when the collector happens upon them at exit, on whichever thread is running then
    sys.excepthook = sys.__excepthook__  # it shows its box on the window
    shiboken6.delete(window)
    settings.close()
    close_logging()
    return code
