"""The non-GUI parts import and run with PySide6 blocked: Qt never enters core, hubspot or cli."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from hubevents_gui.core.package_data import sample_path
from tests.conftest import REPO

BLOCK_QT = textwrap.dedent(
    """
    import importlib.abc, sys

    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
                raise ImportError(f"Qt is blocked in this test: {name}")
            return None

    sys.meta_path.insert(0, BlockQt())
    import pkgutil, importlib
    import hubevents_gui
    names = ["hubevents_gui.credentials"]
    for package in ("hubevents_gui.core", "hubevents_gui.hubspot", "hubevents_gui.cli"):
        module = importlib.import_module(package)
        names += [package]
        found = pkgutil.walk_packages(module.__path__, package + ".")
        names += [m.name for m in found if not m.name.endswith("__main__")]
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    from hubevents_gui.cli import main
    code = main(["validate", sys.argv[1], "--timezone", "UTC"])
    assert not any(m.startswith("PySide6") for m in sys.modules)
    print("imported", len(names), "modules; validate exit", code)
    assert len(names) > 30, names  # every module of the packages, subpackages included
    """
)


def test_core_hubspot_and_cli_run_without_qt() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_QT, str(sample_path("events"))],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "validate exit 1" in done.stdout


def test_the_window_starts_without_loading_the_network_or_workbook_libraries() -> None:
    """httpx (0.1 s) loads with the first request and openpyxl (0.1 s) with the first file
    that needs it, not while the user waits for the window to appear."""
    code = textwrap.dedent(
        """
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        import hubevents_gui.app
        print(sorted(m for m in ("httpx", "openpyxl") if m in sys.modules))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
