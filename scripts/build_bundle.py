"""Builds the bundle that needs no Python: a one-folder PyInstaller build, dist/hubevents/, with
the hubevents-gui and hubevents executables (and on macOS dist/hubevents.app), from
packaging/hubevents.spec; on Linux also dist/hubevents-<version>-linux-<machine>.tar.gz.

Needs the bundle extra: pip install -e '.[bundle]'. Run: python scripts/build_bundle.py
It prints the bundle's size and the Qt libraries it holds (only those the app uses), and
scripts/smoke_test.py bundle then tries it as a user would."""

from __future__ import annotations

import importlib.util
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "dist"
BUNDLE = DIST / "hubevents"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def qt_libraries(folder: Path) -> list[str]:
    """The Qt libraries in the bundle, by module (Qt6Core, Qt6Gui, ...)."""
    found = set()
    for path in folder.rglob("*"):
        name = path.name
        for prefix in ("libQt6", "Qt6", "QtCore", "QtGui", "QtWidgets", "QtSvg"):
            if name.startswith(prefix) and path.is_file() and not name.endswith(".py"):
                found.add(name.split(".")[0].removeprefix("lib"))
    return sorted(found)


def tarball(version: str) -> Path:
    machine = platform.machine().lower() or "unknown"
    target = DIST / f"hubevents-{version}-linux-{machine}.tar.gz"
    with tarfile.open(target, "w:gz") as archive:
        archive.add(BUNDLE, arcname=f"hubevents-{version}")
    return target


def main() -> int:
    if importlib.util.find_spec("PyInstaller") is None:
        print("PyInstaller is missing: pip install -e '.[bundle]'", file=sys.stderr)
        return 2
    from hubevents_gui import __version__

    shutil.rmtree(BUNDLE, ignore_errors=True)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN",
            "--distpath", str(DIST), "--workpath", str(REPO / "build" / "pyinstaller"),
            str(REPO / "packaging" / "hubevents.spec"),
        ],
        check=True,
        cwd=REPO,
    )  # fmt: skip
    took = time.monotonic() - started
    size = folder_size(BUNDLE)
    files = sum(1 for p in BUNDLE.rglob("*") if p.is_file())
    print(f"bundle: {BUNDLE} ({size / 1e6:.1f} MB in {files} files, built in {took:.0f} s)")
    print(f"Qt libraries: {', '.join(qt_libraries(BUNDLE))}")
    if sys.platform.startswith("linux"):
        packed = tarball(__version__)
        print(f"tarball: {packed} ({packed.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
