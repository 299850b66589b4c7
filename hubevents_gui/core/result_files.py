"""Where results go: the path checked before anything is sent, a backup before the opened
workbook itself is written, and a fallback file in the data folder when writing fails after
sending, so that no outcome is ever lost to a file problem."""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from hubevents_gui.core.fields import FIELD_BY_KEY, FieldTable
from hubevents_gui.core.paths import data_dir
from hubevents_gui.core.result_cells import escape_text
from hubevents_gui.core.rows import ACTED, EventRow, RowStatus
from hubevents_gui.core.values import display_text

RESULT_HEADERS = ("Status", "HubSpot ID", "Message")


def result_headers(fields: FieldTable) -> tuple[str, str, str]:
    """The three columns results add for a kind of table: Status, its id column, Message."""
    return ("Status", fields.id_title, "Message")


#: (status text, HubSpot id, message) of a row
ResultCells = tuple[str, str, str]

log = logging.getLogger("hubevents")

#: statuses that say what HubSpot did, or that a row was meant to go and did not
_OUTCOMES = frozenset(
    s.value
    for s in (
        RowStatus.CREATED,
        RowStatus.UPDATED,
        RowStatus.FAILED,
        RowStatus.NOT_SENT,
        RowStatus.EDITED,
        RowStatus.UNCHANGED,
        RowStatus.RECORDED,
        *ACTED,
    )
)


class ResultsError(Exception):
    """The results could not be written; the message names the file."""


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (symbolic links, hard links, case-folding systems)."""
    with contextlib.suppress(OSError):
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def check_results_path(
    path: Path, source: Path | None, suffixes: tuple[str, ...] = (".xlsx",)
) -> None:
    """Raise ResultsError with one sentence unless a new results workbook can be written at
    ``path``: an .xlsx name (or one of ``suffixes``), in a folder that exists and takes files,
    not the source itself."""
    path = Path(path)
    name = f"'{path.name}'"
    folder = path.absolute().parent
    if path.is_dir():
        raise ResultsError(
            f"{name} is a folder: name a file in it, such as {path / 'results.xlsx'}"
        )
    if path.suffix.lower() not in suffixes:
        raise ResultsError(
            f"{name}: results are written as an Excel workbook; name a file ending in .xlsx"
        )
    if not folder.is_dir():
        raise ResultsError(f"{name} cannot be written: the folder {folder} does not exist")
    if source is not None and same_file(path, source):
        raise ResultsError(
            f"{name} is the file being read: writing the results there would replace it, "
            "with its other sheets and formatting; name another file"
        )
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".hubevents-", suffix=".probe")
    except OSError as exc:
        raise ResultsError(
            f"{name} cannot be written: the folder {folder} does not take new files "
            f"({exc.strerror or exc})"
        ) from None
    os.close(handle)
    os.unlink(probe)
    if path.exists() and not os.access(path, os.W_OK):
        raise ResultsError(f"{name} cannot be written: the file is read-only")


def keep_backup(source: Path) -> Path:
    """Copy ``source`` beside itself before it is written over; the copy's path."""
    stamp = datetime.now().strftime("%Y-%m-%d %H%M%S")
    backup = _unique(source.with_name(f"{source.stem} (before results {stamp}){source.suffix}"))
    try:
        shutil.copy2(source, backup)
    except OSError as exc:
        raise ResultsError(
            f"'{source.name}' is not changed: no backup of it could be made ({exc.strerror or exc})"
        ) from None
    return backup


def has_outcomes(rows: Sequence[EventRow], result_of: Callable[[EventRow], ResultCells]) -> bool:
    return any(result_of(row)[0] in _OUTCOMES for row in rows)


def write_fallback(
    rows: Sequence[EventRow], result_of: Callable[[EventRow], ResultCells], intended: Path
) -> Path:
    """Every row's outcome as CSV in the data folder, named after the file it was meant for.

    Text is escaped as in workbooks: a NUL or a vertical tab cannot stop this file either.
    A spreadsheet opening a CSV reads a cell beginning with = + - or @ as a formula: such a
    cell is written after an apostrophe, which shows the text as it was (OWASP's advice).
    """
    folder = data_dir() / "unsaved-results"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = _unique(folder / f"{Path(intended).stem}-{stamp}.csv")
    keys = ("externalAccountId", "externalEventId")
    with path.open("x", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Row", *(FIELD_BY_KEY[k].title for k in keys), *RESULT_HEADERS])
        for row in rows:
            cells = [display_text(row.cell(k)) for k in keys]
            texts = map(escape_text, (*cells, *result_of(row)))
            writer.writerow([row.source_row or "", *map(_inert, texts)])
    return path


def _inert(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _unique(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
    return candidate


def guarded(
    rows: Sequence[EventRow],
    result_of: Callable[[EventRow], ResultCells],
    path: Path,
    write: Callable[[], None],
) -> None:
    """Run ``write``; when it fails and rows have outcomes, save those in the data folder and
    raise ResultsError saying why and where they are."""
    try:
        write()
    except Exception as exc:  # whatever stops the file, no outcome may be lost to it
        if isinstance(exc, ResultsError):
            reason = str(exc)
        else:
            log.exception("writing results failed")
            reason = f"'{path.name}' cannot be written ({type(exc).__name__}: {exc})"
        if not has_outcomes(rows, result_of):
            raise ResultsError(reason) from None
        try:
            fallback = write_fallback(rows, result_of, path)
        except Exception as again:  # noqa: BLE001 - the sentence must still reach the user
            raise ResultsError(
                f"{reason}; the outcomes could not be saved in the data folder either "
                f"({again}): the run history keeps what HubSpot answered"
            ) from None
        raise ResultsError(f"{reason}; every row's outcome is saved in {fallback}") from None


def save_workbook(workbook: Any, path: Path) -> None:
    """``workbook.save`` to a temporary file beside ``path``, then put into place.

    A link is written through: a symbolic link's target is the file replaced (the link stays
    a link), and a file with other hard links is overwritten in place, so every name of it sees
    the results. The file keeps its permissions (a new one gets the usual ones, not the
    temporary file's owner-only mode)."""
    path = path.resolve() if path.is_symlink() else path
    temp = None
    try:
        handle, temp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix
        )
        os.close(handle)
        workbook.save(temp)
        try:
            before = path.stat()
        except FileNotFoundError:
            before = None
        if before is not None and before.st_nlink > 1:
            shutil.copyfile(temp, path)  # in place: the other names keep pointing at it
            return
        os.chmod(temp, stat.S_IMODE(before.st_mode) if before is not None else _new_file_mode())
        os.replace(temp, path)
    except PermissionError:
        raise ResultsError(
            f"'{path.name}' cannot be written: permission denied (is it open in Excel?)"
        ) from None
    except OSError as exc:
        raise ResultsError(f"'{path.name}' cannot be written: {exc.strerror or exc}") from None
    finally:
        if temp is not None and os.path.exists(temp):
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _new_file_mode() -> int:
    # what open() would give a new file: 0o666 less the umask (read without changing it for
    # long: os.umask sets and returns in one call)
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
