"""What the package ships beside its code (hubevents_gui/resources: the sample sheets, the
icons, the desktop entry), found through importlib.resources: in the checkout, in an installed
wheel and in the PyInstaller bundle alike, never by a path into a source tree."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Literal

SampleKind = Literal["events", "attendees"]

SAMPLES: dict[SampleKind, str] = {
    "events": "sample-events.xlsx",
    "attendees": "sample-attendees.xlsx",
}

#: the PNG sizes of the application icon (drawn from icons/hubevents.svg by make_icons.py)
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

#: the desktop entry's (and the icon's) name on a freedesktop desktop
APP_ID = "hubevents"


class PackageDataMissingError(FileNotFoundError):
    """A file of the package is missing: the installation is incomplete."""


def resource(*parts: str) -> Path:
    """The path of the package's ``resources/<parts>``."""
    found = resources.files("hubevents_gui").joinpath("resources", *parts)
    path = Path(str(found))
    if not path.is_file():
        raise PackageDataMissingError(
            f"hubevents' {'/'.join(parts)} is missing from its installation ({path.parent}): "
            "install hubevents again"
        )
    return path


def sample_path(kind: SampleKind = "events") -> Path:
    """The packaged sample sheet of ``kind`` (read only: copy_samples gives one to edit)."""
    return resource(SAMPLES[kind])


def icon_path(size: int | None = None) -> Path:
    """The application icon: its SVG source, or the PNG of ``size`` pixels."""
    if size is None:
        return resource("icons", f"{APP_ID}.svg")
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon; there are {', '.join(map(str, ICON_SIZES))}")
    return resource("icons", f"{APP_ID}-{size}.png")


def desktop_entry_text() -> str:
    """The packaged freedesktop .desktop file's text."""
    return resource(f"{APP_ID}.desktop").read_text(encoding="utf-8")


def copy_samples(folder: Path, *, replace: bool = False) -> list[Path]:
    """Copies both samples into ``folder`` (made if need be) and returns their paths. A copy
    already there is kept (it may hold the user's edits) unless ``replace``."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for kind, name in SAMPLES.items():
        target = folder / name
        if replace or not target.exists():
            shutil.copyfile(sample_path(kind), target)
        copies.append(target)
    return copies


def sample_copies() -> list[Path]:
    """The samples to open in the window: the user's copies in the data folder's samples
    (made from the package's the first time; kept after, with any edits and results)."""
    from hubevents_gui.core.paths import data_dir

    return copy_samples(data_dir() / "samples")
