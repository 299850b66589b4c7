"""hubevents-gui's arguments: Qt's own options pass through to Qt, the app's are its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hubevents_gui import __version__, app


@pytest.mark.parametrize(
    ("argv", "qt", "ours"),
    [
        (["-platform", "offscreen", "x.xlsx"], ["-platform", "offscreen"], ["x.xlsx"]),
        (["-style", "Fusion", "-reverse", "--sandbox"], ["-style", "Fusion", "-reverse"],
         ["--sandbox"]),
        (["--style=Fusion", "--debug"], ["-style", "Fusion"], ["--debug"]),
        # a Qt option with its value missing is left to argparse, which says so
        (["-style"], [], ["-style"]),
        (["--sandbox", "events.csv"], [], ["--sandbox", "events.csv"]),
        # after --, a file named like a Qt option is a file
        (["-style", "Fusion", "--", "-reverse"], ["-style", "Fusion"], ["--", "-reverse"]),
    ],
)  # fmt: skip
def test_qt_options_are_passed_through(argv: list[str], qt: list[str], ours: list[str]) -> None:
    assert app.split_qt_arguments(argv) == (qt, ours)


def test_version_with_qt_options_says_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        app.main(["-platform", "offscreen", "-style", "Fusion", "--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.strip() == f"hubevents-gui {__version__}"


@pytest.mark.skipif(sys.platform == "win32", reason="no SIGINT to send a process on Windows")
def test_ctrl_c_closes_the_window_as_its_close_button_does() -> None:
    """Not a KeyboardInterrupt in whichever slot runs (an autosave), nor an error box."""
    started = subprocess.Popen(
        [sys.executable, "-c", "from hubevents_gui.app import main; raise SystemExit(main("
         "['--sandbox', '--debug', '--quit-after', '60000', '-platform', 'offscreen']))"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        log = Path(os.environ["XDG_DATA_HOME"]) / "hubevents" / "logs" / "hubevents.log"
        while time.monotonic() < deadline:
            if log.exists() and "started" in log.read_text(encoding="utf-8"):
                break
            time.sleep(0.1)
        time.sleep(1.0)  # the window shown, its timers going
        started.send_signal(signal.SIGINT)
        _out, err = started.communicate(timeout=30)
    finally:
        started.kill()
    assert started.returncode == 0, err
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
    assert "window closed, exit status 0" in log.read_text(encoding="utf-8")
