"""Finding formulas that have no saved value in an .xlsx sheet (calamine reads them as '')."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

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


def formulas_without_values(path: Path, sheet: str) -> dict[tuple[int, int], str]:
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
