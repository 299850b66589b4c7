"""What the package ships beside its code (hubevents_gui/resources: the sample sheets, the
icons, the desktop entry), found through importlib.resources: in the checkout, in an installed
wheel and in the PyInstaller bundle alike, never by a path into a source tree."""

from __future__ import annotations

import logging
import os
import shutil
import zipfile
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

log = logging.getLogger("hubevents")


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


class SampleCopyError(Exception):
    """The samples cannot be copied: the message names the file or folder and why."""


def copy_samples(folder: Path, *, replace: bool = False) -> list[Path]:
    """Copies both samples into ``folder`` (made if need be) and returns their paths. A copy
    already there is kept (it may hold the user's edits) unless ``replace``, or unless it is
    no workbook at all (damaged: copied afresh, and logged). Each copy is written beside its
    place and then moved there: a link in the folder is replaced, never written through."""
    if folder.exists() and not folder.is_dir():
        raise SampleCopyError(f"{folder} is a file, not a folder: the samples cannot go there")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SampleCopyError(f"the folder {folder} cannot be made ({_why(exc)})") from None
    copies: list[Path] = []
    for kind, name in SAMPLES.items():
        target = folder / name
        if target.is_dir() and not target.is_symlink():
            raise SampleCopyError(f"{target} is a folder, not a file: {_written(copies)}")
        keep = not replace and target.is_file() and not target.is_symlink()
        if keep and not zipfile.is_zipfile(target):
            log.warning("%s is not a workbook (damaged?): copied afresh from the package", target)
            keep = False
        if not keep:
            partial = target.with_name(f".{name}.part")
            try:
                shutil.copyfile(sample_path(kind), partial)
                os.replace(partial, target)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise SampleCopyError(
                    f"{target} cannot be written ({_why(exc)}): {_written(copies)}"
                ) from None
        copies.append(target)
    return copies


def _why(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _written(copies: list[Path]) -> str:
    return f"{copies[0].name} was copied, the other not" if copies else "nothing was copied"


def sample_copies() -> list[Path]:
    """The samples to open in the window: the user's copies in the data folder's samples
    (made from the package's the first time; kept after, with any edits and results)."""
    from hubevents_gui.core.paths import data_dir

    return copy_samples(data_dir() / "samples")
