"""Reading spreadsheets (.xlsx .xlsm .xls .ods via python-calamine, .csv via the csv module).

Reading is two steps so that a window can ask the user in between: :func:`open_sheet` finds the
header and streams the raw cells; :func:`build_table` maps the columns to fields and parses every
cell. :func:`read_table` does both with the guessed mapping. Every problem a user can cause
raises :class:`SheetError` with one sentence naming the file (and sheet, row, column).
"""

from __future__ import annotations

import csv
import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from pathlib import Path
from typing import Any

import python_calamine

from hubevents_gui.core.fields import (
    CUSTOM_KEY_PREFIX,
    FIELD_BY_KEY,
    REQUIRED_COLUMNS,
    Field,
    custom_header,
    custom_property_name,
    field_for_header,
    normalize_header,
)
from hubevents_gui.core.rows import (
    EventRow,
    EventTable,
    RowIds,
    Unreadable,
    bulk,
    column_letter,
)
from hubevents_gui.core.values import cell_text, display_text, parse_column

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES + CSV_SUFFIXES

#: how the N-th carried (not sent) column is keyed in EventTable.column_keys
EXTRA_KEY_PREFIX = "extra:"

#: a column's target: a field key, "custom:NAME", or None for a column carried but not sent
Target = str | None


class SheetError(Exception):
    """A file that cannot be read as an event table; the message is for the user."""


@dataclass
class RawSheet:
    """A sheet's header and a stream of its data rows, before any mapping."""

    file: Path
    #: the sheet's name; None for CSV
    sheet: str | None
    headers: list[str]
    #: 1-based spreadsheet row of the header
    header_row: int
    #: 0-based column of the first header cell
    first_column: int
    #: (1-based row number, cells) for every row below the header, blank rows included
    rows: Iterator[tuple[int, list[Any]]]
    notes: list[str] = field(default_factory=list)
    #: (row number, 0-based column within headers) -> why the cell cannot be used
    bad_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    #: checks still running beside the read (the formula scan); see wait_for_checks
    pending: list[Callable[[], None]] = field(default_factory=list)

    def peek(self, count: int) -> list[list[Any]]:
        """The first ``count`` non-blank data rows, without taking them from ``rows``."""
        taken: list[tuple[int, list[Any]]] = []
        for item in self.rows:
            taken.append(item)
            if sum(1 for _, cells in taken if _non_empty(cells)) >= count:
                break
        self.rows = chain(taken, self.rows)
        return [cells for _, cells in taken if _non_empty(cells)][:count]

    def wait_for_checks(self) -> None:
        """Let the checks that run beside the read finish and add what they found."""
        while self.pending:
            self.pending.pop()()

    @property
    def location_prefix(self) -> str:
        return self.sheet if self.sheet is not None else self.file.stem

    def cell_name(self, row: int, column: int) -> str:
        """Sheet1!C7 for a row number and a 0-based column within headers."""
        return f"{self.location_prefix}!{column_letter(self.first_column + column)}{row}"

    def column_name(self, column: int) -> str:
        return column_letter(self.first_column + column)


def describe_file(path: Path) -> str:
    return f"'{path.name}'"


# --------------------------------------------------------------------------- opening files


def _check_file(path: Path) -> str:
    if not path.exists():
        raise SheetError(f"{describe_file(path)}: no such file ({path})")
    if path.is_dir():
        raise SheetError(f"{describe_file(path)} is a folder, not a spreadsheet file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SheetError(
            f"{describe_file(path)}: cannot read {suffix or 'files without an extension'}; "
            "use .xlsx, .xlsm, .xls, .ods or .csv"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SheetError(f"{describe_file(path)} cannot be read: {exc.strerror}") from None
    if size == 0:
        raise SheetError(f"{describe_file(path)} is empty (0 bytes)")
    return suffix


def _open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise SheetError(
            f"{describe_file(path)} is password-protected: save a copy without a password "
            "and open that"
        ) from None
    except PermissionError:
        raise SheetError(f"{describe_file(path)} cannot be read: permission denied") from None
    except OSError as exc:
        raise SheetError(f"{describe_file(path)} cannot be read: {exc.strerror or exc}") from None
    except Exception:  # calamine raises several kinds (ZipError, XmlError, CalamineError, ...)
        raise SheetError(
            f"{describe_file(path)} is not a readable {path.suffix.lower()} workbook "
            "(it may be damaged, or another kind of file renamed)"
        ) from None


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook ([] for CSV), in workbook order."""
    path = Path(path)
    if _check_file(path) in CSV_SUFFIXES:
        return []
    workbook = _open_workbook(path)
    try:
        return [
            meta.name
            for meta in workbook.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
    finally:
        workbook.close()


def open_sheet(path: Path, sheet: str | None = None) -> RawSheet:
    """Find the header of ``sheet`` (default: the first sheet whose header names events)."""
    path = Path(path)
    suffix = _check_file(path)
    if suffix in CSV_SUFFIXES:
        if sheet is not None:
            raise SheetError(f"{describe_file(path)} is a CSV file: it has no sheets to choose")
        return _open_csv(path)
    return _open_workbook_sheet(path, sheet)


def _non_empty(cells: Sequence[Any]) -> bool:
    for cell in cells:  # returns at the first cell of almost every row
        if cell.__class__ is not str:
            if cell is not None:
                return True
        elif cell and not cell.isspace():
            return True
    return False


def _trim_header(cells: Sequence[Any]) -> tuple[list[str], int]:
    """Header texts from the first to the last non-empty cell, and the offset of the first."""
    texts = [cell_text(cell) for cell in cells]
    first = next(i for i, text in enumerate(texts) if text)
    last = max(i for i, text in enumerate(texts) if text)
    return texts[first : last + 1], first


def _header_score(headers: Sequence[str]) -> tuple[bool, int]:
    """(all required columns present, number of known columns) for choosing a sheet."""
    keys = {f.key for h in headers if (f := field_for_header(h)) is not None}
    customs = sum(1 for h in headers if custom_property_name(h) is not None)
    return all(f.key in keys for f in REQUIRED_COLUMNS), len(keys) + customs


def _open_workbook_sheet(path: Path, wanted: str | None) -> RawSheet:
    workbook = _open_workbook(path)
    try:
        names = [
            meta.name
            for meta in workbook.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        if wanted is not None:
            if wanted not in names:
                raise SheetError(
                    f"{describe_file(path)} has no sheet named {wanted!r}; "
                    f"its sheets are: {', '.join(names) or 'none'}"
                )
            candidates = [wanted]
        else:
            candidates = names
        if not candidates:
            raise SheetError(f"{describe_file(path)} has no worksheets")
        found: list[tuple[tuple[bool, int], RawSheet]] = []
        for name in candidates:
            raw = _sheet_header(path, workbook, name, must_have_rows=wanted is not None)
            if raw is None:
                continue
            if wanted is not None:
                return raw
            score = _header_score(raw.headers)
            if score[0]:
                return raw
            found.append((score, raw))
        if not found:
            if len(candidates) == 1:
                raise SheetError(f"{describe_file(path)}: sheet {candidates[0]!r} is empty")
            raise SheetError(f"{describe_file(path)}: every sheet is empty")
        # no sheet has every required column: the one naming the most fields, first on a tie
        best = max(found, key=lambda item: item[0][1])
        return best[1]
    finally:
        # the rows are already in Python lists; the Rust workbook can go
        workbook.close()


def _sheet_header(
    path: Path,
    workbook: python_calamine.CalamineWorkbook,
    name: str,
    *,
    must_have_rows: bool,
) -> RawSheet | None:
    try:
        sheet = workbook.get_sheet_by_name(name)
    except Exception:
        raise SheetError(f"{describe_file(path)}: sheet {name!r} cannot be read") from None
    start = sheet.start
    if start is None:
        if must_have_rows:
            raise SheetError(f"{describe_file(path)}: sheet {name!r} is empty")
        return None
    start_column = start[1]
    # iter_rows yields rows from the sheet's first row, cells from its first used column
    rows = sheet.iter_rows()
    header: list[Any] | None = None
    header_index = 0
    for index, cells in enumerate(rows):
        if _non_empty(cells):
            header, header_index = cells, index
            break
    if header is None:
        if must_have_rows:
            raise SheetError(f"{describe_file(path)}: sheet {name!r} is empty")
        return None
    headers, offset = _trim_header(header)
    first_column = start_column + offset
    raw = RawSheet(
        file=path,
        sheet=name,
        headers=headers,
        header_row=header_index + 1,
        first_column=first_column,
        rows=_slice_rows(rows, header_index + 1, offset, len(headers)),
    )
    _check_merged(raw, sheet.merged_cell_ranges or [])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raw.pending.append(_scan_formulas_beside(raw))
    return raw


def _scan_formulas_beside(raw: RawSheet) -> Callable[[], None]:
    """Start the formula scan on another thread; the returned call waits and records it.

    The scan inflates the sheet's XML a second time (calamine does not say which cells are
    formulas); zlib releases the GIL, so on a second core it costs the read almost nothing.
    """
    found: dict[tuple[int, int], str] = {}
    assert raw.sheet is not None
    sheet_name = raw.sheet

    def scan() -> None:
        found.update(_formulas_without_values(raw.file, sheet_name))

    thread = threading.Thread(target=scan, name="hubevents-formula-scan", daemon=True)
    thread.start()

    def record() -> None:
        thread.join()
        for (row0, col0), formula in found.items():
            column = col0 - raw.first_column
            if row0 + 1 > raw.header_row and column >= 0:
                raw.bad_cells[(row0 + 1, column)] = (
                    f"the formula ={formula} has no saved value: open the file in Excel or "
                    "LibreOffice, let it calculate, save, and open it again"
                )

    return record


def _slice_rows(
    rows: Iterator[list[Any]], first_number: int, offset: int, width: int
) -> Iterator[tuple[int, list[Any]]]:
    number = first_number
    for cells in rows:
        number += 1
        if offset:
            cells = cells[offset:]
        # cells right of the header are kept only when something is there
        if len(cells) > width and not _non_empty(cells[width:]):
            cells = cells[:width]
        yield number, cells


def _check_merged(raw: RawSheet, ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    prefix = raw.location_prefix
    for (r0, c0), (r1, c1) in ranges:
        span = f"{prefix}!{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        if r0 + 1 <= raw.header_row <= r1 + 1:
            raise SheetError(
                f"{describe_file(raw.file)}: the header row has merged cells at {span}; "
                "unmerge them so every column has its own header"
            )
        for row0 in range(max(r0, raw.header_row), r1 + 1):
            for col0 in range(c0, c1 + 1):
                if (row0, col0) == (r0, c0):
                    continue
                column = col0 - raw.first_column
                if column >= 0:
                    raw.bad_cells[(row0 + 1, column)] = (
                        f"part of the merged cells {span}: unmerge them and give each row "
                        "its own value"
                    )


_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_FORMULA_CELL = re.compile(
    rb"<c\b([^>]*)>\s*(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)\s*(<v\s*/>|<v>\s*</v>)?\s*</c>"
)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def _xml_unescape(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def _formulas_without_values(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """Cells of an .xlsx sheet holding a formula but no saved result (calamine reads them as '').

    Files written by scripts (openpyxl, for one) store formulas without results; Excel computes
    them on opening, but nothing can be read from the file itself.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            workbook_xml = archive.read("xl/workbook.xml")
            rels_xml = archive.read("xl/_rels/workbook.xml.rels")
            rel_id = None
            for entry in _SHEET_ENTRY.finditer(workbook_xml):
                attrs = dict(_ATTR.findall(entry.group(0)))
                if _xml_unescape(attrs.get(b"name", b"")) == sheet:
                    rel_id = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
                    break
            target = None
            for entry in _RELATIONSHIP.finditer(rels_xml):
                attrs = dict(_ATTR.findall(entry.group(0)))
                if attrs.get(b"Id") == rel_id:
                    target = attrs.get(b"Target", b"").decode()
            if target is None:
                return {}
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            found: dict[tuple[int, int], str] = {}
            # a megabyte at a time, cut at row ends: reading a 50 MB sheet in one piece builds
            # it by concatenation, holding the GIL long enough to freeze the window
            with archive.open(member) as stream:
                pending = b""
                while chunk := stream.read(1 << 20):
                    pending += chunk
                    cut = pending.rfind(b"</row>")
                    if cut < 0:
                        continue
                    _scan_formulas(pending[: cut + 6], found)
                    pending = pending[cut + 6 :]
                _scan_formulas(pending, found)
    except (KeyError, OSError, zipfile.BadZipFile):
        return {}
    return found


def _scan_formulas(data: bytes, found: dict[tuple[int, int], str]) -> None:
    if b"<f" not in data:
        return
    for match in _FORMULA_CELL.finditer(data):
        cell_attrs, formula, empty_value = match.group(1), match.group(2), match.group(3)
        if empty_value is not None and b't="str"' in cell_attrs:
            continue  # a formula whose saved result is the empty string
        ref = _CELL_REF.search(cell_attrs)
        if ref is None:
            continue
        letters, digits = ref.group(1).decode(), int(ref.group(2))
        col = 0
        for ch in letters:
            col = col * 26 + (ord(ch) - 64)
        found[(digits - 1, col - 1)] = _xml_unescape(formula) if formula else "…"


def _decode_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    if b"\x00" in data[:65536]:
        raise SheetError(
            f"{describe_file(path)} is not a text file, so it cannot be read as CSV "
            "(is it a workbook with the wrong extension?)"
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SheetError(
            f"{describe_file(path)} is neither UTF-8 nor Windows-1252 text; "
            "save it as 'CSV UTF-8' and open it again"
        ) from None
    # control characters other than tab/newline mean binary data that happened to decode
    if any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text[:65536]):
        raise SheetError(f"{describe_file(path)} is not a text file, so it cannot be read as CSV")
    return text, [
        f"{path.name} is not UTF-8: read it as Windows-1252 (check accented letters; "
        "save as 'CSV UTF-8' to avoid this)"
    ]


def _sniff_delimiter(text: str) -> str:
    sample_lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not sample_lines:
        return ","
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        counts = []
        for line in sample_lines:
            reader = csv.reader([line], delimiter=delimiter)
            counts.append(len(next(reader, [])) - 1)
        # a delimiter that splits the header and splits most lines alike wins
        score = counts[0] * 2 + sum(1 for c in counts if c == counts[0] and c > 0)
        if counts[0] > 0 and score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(path: Path) -> RawSheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"{describe_file(path)} cannot be read: {exc.strerror or exc}") from None
    text, notes = _decode_text(path, data)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    header: list[str] | None = None
    try:
        for cells in reader:
            number += 1
            if _non_empty(cells):
                header = cells
                break
    except csv.Error as exc:
        raise SheetError(
            f"{describe_file(path)}: row {number + 1} is not valid CSV ({exc})"
        ) from None
    if header is None:
        raise SheetError(f"{describe_file(path)} has no rows (only blank lines)")
    headers, offset = _trim_header(header)

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        row_number = number
        try:
            for cells in reader:
                row_number += 1
                yield row_number, cells[offset:] if offset else cells
        except csv.Error as exc:
            raise SheetError(
                f"{describe_file(path)}: row {row_number + 1} is not valid CSV ({exc})"
            ) from None

    return RawSheet(path, None, headers, number, offset, data_rows(), notes)


# --------------------------------------------------------------------------- columns


def guess_mapping(headers: Sequence[str]) -> list[Target]:
    """Each header's target by its name: a field key, "custom:NAME", or None (carried)."""
    mapping: list[Target] = []
    for header in headers:
        custom = custom_property_name(header)
        if custom is not None:
            mapping.append(custom_header(custom))
            continue
        found = field_for_header(header) if header else None
        mapping.append(found.key if found else None)
    return mapping


def header_label(raw: RawSheet, column: int) -> str:
    header = raw.headers[column] if column < len(raw.headers) else ""
    return f"'{header}'" if header else f"column {raw.column_name(column)} (no header)"


def mapping_problems(raw: RawSheet, mapping: Sequence[Target]) -> list[str]:
    """Why a mapping cannot be used: duplicate headers or targets, missing required columns."""
    where = f"{describe_file(raw.file)}" + (f", sheet {raw.sheet!r}" if raw.sheet else "")
    problems: list[str] = []
    seen_headers: dict[str, int] = {}
    for column, header in enumerate(raw.headers):
        folded = normalize_header(header) or header
        target = mapping[column] if column < len(mapping) else None
        if not header or target is None:
            continue  # two carried columns of one name are harmless: both come back as they were
        if folded in seen_headers and mapping[seen_headers[folded]] == target:
            first = seen_headers[folded]
            problems.append(
                f"{where}: columns {raw.column_name(first)} and {raw.column_name(column)} "
                f"are both headed '{header}'; rename one"
            )
        else:
            seen_headers[folded] = column
    seen_targets: dict[str, int] = {}
    for column, target in enumerate(mapping):
        if target is None:
            continue
        if target in seen_targets:
            first = seen_targets[target]
            if normalize_header(raw.headers[first]) != normalize_header(raw.headers[column]):
                problems.append(
                    f"{where}: columns {raw.column_name(first)} ({header_label(raw, first)}) and "
                    f"{raw.column_name(column)} ({header_label(raw, column)}) are both "
                    f"{_target_title(target)}; keep one"
                )
        else:
            seen_targets[target] = column
    missing = [f for f in REQUIRED_COLUMNS if f.key not in seen_targets]
    if missing:
        found = ", ".join(f"'{h}'" for h in raw.headers if h) or "none"
        names = ", ".join(f"'{f.title}' ({f.key})" for f in missing)
        problems.append(
            f"{where}: missing required column{'s' if len(missing) > 1 else ''} {names}; "
            f"the headers found in row {raw.header_row} are: {found}"
        )
    return problems


def _target_title(target: str) -> str:
    found = FIELD_BY_KEY.get(target)
    if found is not None:
        return f"'{found.title}'"
    return f"custom property '{target.partition(':')[2]}'"


# --------------------------------------------------------------------------- rows


def build_table(
    raw: RawSheet,
    mapping: Sequence[Target],
    *,
    day_first: bool = False,
    row_ids: RowIds | None = None,
    progress: Callable[[int], bool] | None = None,
) -> EventTable:
    """Parse every data row of ``raw`` with ``mapping``; blank rows are skipped.

    Rows are parsed a chunk at a time, column by column (values.parse_column), and rows are built
    with C-level dict(zip()): a 100k-row sheet must cost little more than reading it.
    ``progress(rows_so_far)`` is called after each chunk; returning False stops the read with
    SheetError.
    """
    problems = mapping_problems(raw, mapping)
    if problems:
        raise SheetError(problems[0])
    with bulk():
        table = _build_rows(raw, mapping, day_first, row_ids or RowIds(), progress)
    raw.wait_for_checks()
    _apply_bad_cells(table, raw, mapping)
    return table


def _build_rows(
    raw: RawSheet,
    mapping: Sequence[Target],
    day_first: bool,
    row_ids: RowIds,
    progress: Callable[[int], bool] | None,
) -> EventTable:
    width = len(raw.headers)
    field_columns: list[tuple[int, Field]] = []
    custom_columns: list[tuple[int, str]] = []
    extra_columns: list[int] = []
    for column, target in enumerate(mapping):
        if target is None:
            extra_columns.append(column)
        elif target in FIELD_BY_KEY:
            field_columns.append((column, FIELD_BY_KEY[target]))
        else:
            custom_columns.append((column, target[len(CUSTOM_KEY_PREFIX) :]))
    keys = [spec.key for _, spec in field_columns]
    custom_names = [name for _, name in custom_columns]
    rows: list[EventRow] = []
    spill_width = width
    while chunk := list(islice(raw.rows, _CHUNK)):
        numbers: list[int] = []
        grid: list[list[Any]] = []
        ragged = False
        for number, cells in chunk:
            if _non_empty(cells):
                numbers.append(number)
                grid.append(cells)
                ragged = ragged or len(cells) != width
        if not grid:
            continue
        if ragged:  # CSV rows of differing lengths, or cells right of the header
            spill_width = max(spill_width, *map(len, grid))
            grid = [[*cells, *([""] * (spill_width - len(cells)))] for cells in grid]
        columns = list(zip(*grid, strict=True))
        bad: dict[int, dict[str, Unreadable]] = {}
        field_values = _parsed_columns(
            [(spec.key, spec, columns[c]) for c, spec in field_columns], day_first, bad
        )
        custom_values = _parsed_columns(
            [(CUSTOM_KEY_PREFIX + name, None, columns[c]) for c, name in custom_columns],
            day_first,
            bad,
        )
        extra_indexes = [*extra_columns, *range(width, spill_width)]
        extras = zip(*(columns[c] for c in extra_indexes), strict=True)
        ids = row_ids.take(len(grid))
        blank = [k for k, col in zip(keys, field_values, strict=True) if None in col]
        blank_custom = [
            n for n, col in zip(custom_names, custom_values, strict=True) if None in col
        ]
        field_rows = zip(*field_values, strict=True) if field_values else repeat(())
        custom_rows = zip(*custom_values, strict=True) if custom_values else repeat(())
        extra_rows = extras if extra_indexes else repeat(())
        append = rows.append
        for i, row_id, number, vals, cvals, extra in zip(
            range(len(grid)), ids, numbers, field_rows, custom_rows, extra_rows, strict=False
        ):
            values = dict(zip(keys, vals, strict=True))
            for key in blank:
                if values[key] is None:
                    del values[key]
            custom = dict(zip(custom_names, cvals, strict=True))
            for key in blank_custom:
                if custom[key] is None:
                    del custom[key]
            row_bad = bad.get(i)
            if row_bad:  # a cell that cannot be used is never also a value
                for key in row_bad:
                    if key.startswith(CUSTOM_KEY_PREFIX):
                        custom.pop(key[len(CUSTOM_KEY_PREFIX) :], None)
                    else:
                        values.pop(key, None)
            append(EventRow(row_id, number, values, custom, extra, row_bad or {}))
        if progress is not None and not progress(len(rows)):
            raise SheetError(f"reading {describe_file(raw.file)} was cancelled")
    if not rows:
        where = f"sheet {raw.sheet!r}" if raw.sheet else "the file"
        raise SheetError(
            f"{describe_file(raw.file)}: {where} has a header row (row {raw.header_row}) "
            "but no event rows below it"
        )
    extra_headers = [raw.headers[c] or f"Column {raw.column_name(c)}" for c in extra_columns]
    extra_headers += [f"Column {raw.column_name(c)}" for c in range(width, spill_width)]
    if spill_width > width:  # rows of earlier chunks were narrower
        for row in rows:
            if len(row.extras) < len(extra_headers):
                row.extras = (*row.extras, *([""] * (len(extra_headers) - len(row.extras))))
    source_columns = {
        target: raw.first_column + column
        for column, target in enumerate(mapping)
        if target is not None
    }
    column_keys: list[str] = []
    headers: dict[str, str] = {}
    extra_index = 0
    for column in range(spill_width):
        target = mapping[column] if column < len(mapping) else None
        if target is None:
            target = f"{EXTRA_KEY_PREFIX}{extra_index}"
            headers[target] = extra_headers[extra_index]
            extra_index += 1
        else:
            headers[target] = raw.headers[column]
        column_keys.append(target)
    notes = list(raw.notes)
    if extra_headers:
        notes.append(
            "not sent to HubSpot (kept in result files): "
            + ", ".join(f"'{h}'" for h in extra_headers)
        )
    return EventTable(
        file=raw.file,
        sheet=raw.sheet,
        rows=rows,
        custom_names=custom_names,
        extra_headers=extra_headers,
        source_columns=source_columns,
        column_keys=column_keys,
        headers=headers,
        header_row=raw.header_row,
        notes=notes,
    )


_CHUNK = 8192


def _parsed_columns(
    columns: list[tuple[str, Field | None, Sequence[Any]]],
    day_first: bool,
    bad: dict[int, dict[str, Unreadable]],
) -> list[list[Any]]:
    """Parse each column; unusable cells move to ``bad`` (row index -> column key -> cell)."""
    parsed: list[list[Any]] = []
    for column_key, spec, cells in columns:
        values, unreadable = parse_column(spec, cells, day_first=day_first)
        if unreadable:
            for index, value in enumerate(values):
                if value.__class__ is Unreadable:
                    bad.setdefault(index, {})[column_key] = value
                    values[index] = None
        parsed.append(values)
    return parsed


def _apply_bad_cells(table: EventTable, raw: RawSheet, mapping: Sequence[Target]) -> None:
    """Cells the reader found unusable (formulas without values, merged cells) go to ``bad``."""
    if not raw.bad_cells:
        return
    by_number = {row.source_row: row for row in table.rows}
    for (number, column), reason in raw.bad_cells.items():
        row = by_number.get(number)
        target = mapping[column] if column < len(mapping) else None
        if row is not None and target is not None:
            text = display_text(row.cell(target))
            row.set_cell(target, Unreadable(text, reason))


def read_table(
    path: Path | str,
    sheet: str | None = None,
    *,
    day_first: bool = False,
    row_ids: RowIds | None = None,
) -> EventTable:
    """Open, map by header names and parse: the headless path (``hubevents validate``)."""
    raw = open_sheet(Path(path), sheet)
    return build_table(raw, guess_mapping(raw.headers), day_first=day_first, row_ids=row_ids)
