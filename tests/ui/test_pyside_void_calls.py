"""Guard against PySide6 6.12.0 on Python 3.11, which loses a reference to None on every void Qt
call and aborts the interpreter ("Fatal Python error: none_dealloc") after a few thousand.

pyproject.toml keeps that pair apart with an environment marker; this proves the installed pair
survives. It runs in a child process so that an abort is reported as a failure, not a crash.
"""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = 100_000

SCRIPT = f"""
import sys
from PySide6 import __version__ as pyside
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
widget = QWidget()
before = sys.getrefcount(None)
for i in range({CALLS}):
    widget.resize(100 + i % 7, 50)  # a void method
print(pyside, "ok", sys.getrefcount(None) - before)
"""


def test_100k_void_qt_calls_survive() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, f"the interpreter died: {done.stderr[-2000:]}"
    _version, ok, drift = done.stdout.split()
    assert ok == "ok"
    # on the broken pair None's count falls by one per call; a sound one barely moves
    assert abs(int(drift)) < CALLS // 100
