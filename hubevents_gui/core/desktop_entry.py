"""Linux desktop integration at user level (freedesktop's XDG paths): the .desktop file that
puts hubevents in the applications menu and offers it for spreadsheets in a file manager, and
the application icon in the hicolor theme. Nothing needs root; running it again updates it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hubevents_gui.core.package_data import (
    APP_ID,
    ICON_SIZES,
    desktop_entry_text,
    icon_path,
)


@dataclass(frozen=True)
class Installed:
    entry: Path
    icons: list[Path]
    command: str


def xdg_data_home() -> Path:
    given = os.environ.get("XDG_DATA_HOME", "")
    # the spec: a relative path is invalid and is ignored
    return Path(given) if given and Path(given).is_absolute() else Path.home() / ".local" / "share"


def gui_command() -> str:
    """How the desktop starts this installation's window: the bundle's own executable, or the
    hubevents-gui script beside this interpreter (a pipx or virtual environment's), else the
    one on PATH."""
    if getattr(sys, "frozen", False):
        return str(Path(sys.executable).resolve().with_name("hubevents-gui"))
    beside = Path(sys.executable).with_name("hubevents-gui")
    if beside.is_file():
        return str(beside)
    found = shutil.which("hubevents-gui")
    return found if found is not None else "hubevents-gui"


#: characters the Desktop Entry spec reserves in Exec: an argument holding one is quoted
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")


def _quoted(command: str) -> str:
    """``command`` as the Exec key's first word, by the Desktop Entry spec: in double quotes
    when it holds a reserved character (", `, $ and \\ then escaped with a backslash), "%"
    doubled (it would start a field code), then the backslashes of the result doubled (the
    spec's string escaping of every value)."""
    if any(c in _RESERVED for c in command):
        command = '"' + "".join("\\" + c if c in '"`$\\' else c for c in command) + '"'
    return command.replace("%", "%%").replace("\\", "\\\\")


def _string(value: str) -> str:
    """A value as a desktop file string (TryExec's): backslashes escaped."""
    return value.replace("\\", "\\\\")


def entry_text(command: str) -> str:
    """The packaged .desktop file with Exec and TryExec pointing at ``command``."""
    lines = []
    for line in desktop_entry_text().splitlines():
        if line.startswith("Exec="):
            line = f"Exec={_quoted(command)} %f"
        elif line.startswith("TryExec="):
            line = f"TryExec={_string(command)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def install_desktop_entry(data_home: Path | None = None, command: str | None = None) -> Installed:
    """Writes the entry and the icons under ``data_home`` (XDG_DATA_HOME by default)."""
    home = xdg_data_home() if data_home is None else data_home
    command = gui_command() if command is None else command
    applications = home / "applications"
    icons = []
    hicolor = home / "icons" / "hicolor"
    for size in ICON_SIZES:
        target = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(icon_path(size), target)
        icons.append(target)
    scalable = hicolor / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icon_path(), scalable)
    icons.append(scalable)
    # the entry last: a failed install leaves no menu item pointing at missing icons
    applications.mkdir(parents=True, exist_ok=True)
    entry = applications / f"{APP_ID}.desktop"
    partial = entry.with_suffix(".desktop.part")
    partial.write_text(entry_text(command), encoding="utf-8")
    partial.replace(entry)
    _refresh(["update-desktop-database", "-q", str(applications)])
    _refresh(["gtk-update-icon-cache", "-q", "-t", "-f", str(hicolor)])
    return Installed(entry, icons, command)


def _refresh(command: list[str]) -> None:
    """Tells the desktop (when it has the tool) that the menu and the icons changed."""
    if shutil.which(command[0]) is None:
        return
    # the entry works without: the menu picks it up at the next login
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(command, check=False, capture_output=True, timeout=30)
