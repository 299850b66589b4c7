"""The one policy that chooses which sheet of a workbook holds the events, for the window and
the command line alike; hidden sheets are chosen last, and never without a note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from hubevents_gui.core.attendee_fields import ATTENDEE_FIELDS, is_attendee_sheet
from hubevents_gui.core.fields import EVENT_FIELDS
from hubevents_gui.core.sheets.raw import RawSheet, SheetError, describe_file
from hubevents_gui.core.sheets.workbook import (
    no_worksheets,
    open_workbook,
    sheet_header,
    with_checks,
)


@dataclass
class SheetChoice:
    """What opening a file found: the sheet to read, or the sheets a user must choose from."""

    raw: RawSheet | None = None
    #: when ``raw`` is None: the sheets that hold events, in workbook order
    candidates: list[str] = field(default_factory=list)
    #: those of ``candidates`` that are hidden in the workbook
    hidden: list[str] = field(default_factory=list)


def header_score(headers: Sequence[str]) -> tuple[bool, int]:
    """(all required columns present, number of known columns) for choosing a sheet."""
    events = EVENT_FIELDS.header_score(headers)
    if is_attendee_sheet(headers):  # a sheet of attendees is as good a find as one of events
        return max(events, (True, ATTENDEE_FIELDS.header_score(headers)[1]))
    return events


def worksheets(workbook: python_calamine.CalamineWorkbook) -> list[tuple[str, bool]]:
    """(name, hidden) of each worksheet, in workbook order (hidden and very hidden alike)."""
    return [
        (meta.name, meta.visible != python_calamine.SheetVisibleEnum.Visible)
        for meta in workbook.sheets_metadata
        if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]


def choose_workbook_sheet(path: Path, wanted: str | None) -> SheetChoice:
    """``wanted`` is read as asked. Otherwise, among the visible sheets first and the hidden
    ones only when no visible sheet will do: the only non-empty sheet; else the only sheet
    with every required column; else, when several sheets name event columns, the user
    chooses among them; else the one sheet that names any, or the first non-empty sheet (the
    mapping step then says what is missing). The chosen sheet is opened once, here.
    """
    workbook = open_workbook(path)
    try:
        sheets = worksheets(workbook)
        hidden = {name for name, is_hidden in sheets if is_hidden}
        names = [name for name, _ in sheets]
        if wanted is not None:
            if wanted not in names:
                raise SheetError(
                    f"{describe_file(path)} has no sheet named {wanted!r}; "
                    f"its sheets are: {', '.join(names) or 'none'}"
                )
            raw = sheet_header(path, workbook, wanted, must_have_rows=True)
            assert raw is not None
            if wanted in hidden:
                raw.notes.append(f"sheet {wanted!r} is hidden in the workbook")
            return SheetChoice(with_checks(raw))
        if not names:
            raise SheetError(no_worksheets(path))
        found: list[RawSheet] = []
        unreadable: list[str] = []
        for name in names:
            try:
                raw = sheet_header(path, workbook, name, must_have_rows=False)
            except SheetError as exc:  # a cover sheet with a merged title: not the events
                unreadable.append(str(exc))
                continue
            if raw is not None:
                found.append(raw)
    finally:
        # the rows are already in Python lists; the Rust workbook can go
        workbook.close()
    if not found and unreadable:
        raise SheetError(unreadable[0])
    if not found:
        if len(names) == 1:
            raise SheetError(f"{describe_file(path)}: sheet {names[0]!r} is empty")
        raise SheetError(f"{describe_file(path)}: every sheet is empty")
    visible = [raw for raw in found if raw.sheet not in hidden]
    chosen = _events(visible) or _events([raw for raw in found if raw.sheet in hidden])
    if not chosen:
        chosen = [(visible or found)[0]]
    if len(chosen) > 1:
        names_of = [str(raw.sheet) for raw in chosen]
        return SheetChoice(None, names_of, [name for name in names_of if name in hidden])
    raw = chosen[0]
    if raw.sheet in hidden:
        why = "no visible sheet holds events" if visible else "every visible sheet is empty"
        raw.notes.append(f"read the hidden sheet {raw.sheet!r}: {why}")
    return SheetChoice(with_checks(raw))


def _events(found: list[RawSheet]) -> list[RawSheet]:
    """The sheets of ``found`` that hold events: the only complete one, or every candidate."""
    scores = [header_score(raw.headers) for raw in found]
    complete = [raw for raw, (full, _) in zip(found, scores, strict=True) if full]
    naming = [raw for raw, (_, known) in zip(found, scores, strict=True) if known]
    return complete if len(complete) == 1 else (complete or naming)
