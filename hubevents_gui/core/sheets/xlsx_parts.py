"""The parts of an .xlsx file we read ourselves, beside calamine: which part holds a sheet,
the workbook's date system, and a sheet's XML a stretch of whole rows at a time."""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator

_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_DATE1904 = re.compile(rb'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"')

#: a stretch of sheet XML handed to a scan: about this much, cut after a row's tag
CHUNK = 1 << 20


def xml_unescape(data: bytes) -> str:
    """XML text as the characters it stands for: the named entities and numeric references
    (&#10;) alike (well-formed XML holds no other "&", so html's unescaping is exact here)."""
    text = data.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


def letters_value(letters: bytes | str) -> int:
    """0-based column of A, Z, AA ... XFD (the inverse of rows.column_letter)."""
    col = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        col = col * 26 + (ch - 64)
    return col - 1


def _target(archive: zipfile.ZipFile, relationship: dict[bytes, bytes]) -> str | None:
    """The zip member a workbook relationship points at, when the file has it."""
    target = relationship.get(b"Target", b"").decode()
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return member if member in archive.NameToInfo else None


def sheet_member(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the sheet named ``sheet``, or None when the workbook has none."""
    try:
        workbook_xml = archive.read("xl/workbook.xml")
        rels_xml = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    rel_id = None
    for entry in _SHEET_ENTRY.finditer(workbook_xml):
        attrs = dict(_ATTR.findall(entry.group(0)))
        if xml_unescape(attrs.get(b"name", b"")) == sheet:
            rel_id = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
            break
    for entry in _RELATIONSHIP.finditer(rels_xml):
        attrs = dict(_ATTR.findall(entry.group(0)))
        if attrs.get(b"Id") == rel_id:
            return _target(archive, attrs)
    return None


def workbook_part(archive: zipfile.ZipFile, kind: str) -> str | None:
    """The member of the workbook's part of a kind ("sharedStrings", "styles"), if it has one."""
    try:
        rels_xml = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    for entry in _RELATIONSHIP.finditer(rels_xml):
        attrs = dict(_ATTR.findall(entry.group(0)))
        if attrs.get(b"Type", b"").endswith(b"/" + kind.encode()):
            return _target(archive, attrs)
    return None


_OFFICE_DOCUMENT = re.compile(
    rb'Type="[^"]*/officeDocument"[^>]*?Target="([^"]*)"|Target="([^"]*)"[^>]*?Type="[^"]*/officeDocument"'
)
_KINDS = {"word/": "a Word document", "ppt/": "a PowerPoint presentation"}


def missing_workbook(archive: zipfile.ZipFile) -> str | None:
    """Why a zip that calamine opened without finding a sheet is no workbook, or None when it
    is one (whose workbook part lists no worksheets)."""
    try:
        package = archive.read("_rels/.rels")
    except KeyError:
        return "it has no package relationships (_rels/.rels)"
    found = _OFFICE_DOCUMENT.search(package)
    target = (found.group(1) or found.group(2)).decode().lstrip("/") if found else ""
    for folder, kind in _KINDS.items():
        if target.startswith(folder):
            return f"it is {kind}"
    if not target or target not in archive.NameToInfo:
        return f"it has no workbook part ({target or 'xl/workbook.xml'})"
    return None


def uses_1904(archive: zipfile.ZipFile) -> bool:
    """True for a workbook counting days from 1904 (old Mac Excel): it has no phantom day."""
    try:
        return _DATE1904.search(archive.read("xl/workbook.xml")) is not None
    except KeyError:
        return False


def row_chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The member's bytes, a megabyte or so at a time, each cut just after a row's tag.

    Reading a 50 MB sheet in one piece builds it by concatenation, holding the GIL long enough
    to freeze the window; cutting after "row>" (a row's start or end tag, prefixed or not)
    never cuts a cell in two.
    """
    return chunks_until(archive, member, b"row>")


def chunks_until(archive: zipfile.ZipFile, member: str, end: bytes) -> Iterator[bytes]:
    """The member's bytes, a megabyte or so at a time, each cut just after ``end`` (the end of
    a row, a shared string, ...), so no piece holds half of one."""
    with archive.open(member) as stream:
        pending = b""
        while chunk := stream.read(CHUNK):
            pending += chunk
            cut = pending.rfind(end)
            if cut < 0:
                continue
            yield pending[: cut + len(end)]
            pending = pending[cut + len(end) :]
        if pending:
            yield pending
