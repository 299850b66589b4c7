"""How far the cells of each sheet of an .xls (BIFF8) file spread, found before calamine reads
it: one value at IV65536 makes calamine lay out all 16.7 million cells of the sheet (about a
gigabyte) for a 5 KB file.

An .xls is a compound file (sectors chained by a FAT) holding a "Workbook" stream of BIFF
records; only what places cells is read here: the sheets' names and offsets (BOUNDSHEET) and
each cell record's row and column.
"""

from __future__ import annotations

import struct
from pathlib import Path

from hubevents_gui.core.rows import column_letter
from hubevents_gui.core.sheets.extent import DENSE_CELLS, Extent

_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_BOUNDSHEET, _BOF, _EOF, _MULRK, _DIMENSIONS = 0x0085, 0x0809, 0x000A, 0x00BD, 0x0200
#: records holding one value: FORMULA, LABELSST, NUMBER, LABEL, BOOLERR, RK, RSTRING
_VALUE_RECORDS = frozenset([0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6])


class _Compound:
    """Just enough of the compound file format to read one stream."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(_MAGIC):
            raise ValueError("not a compound file")
        self.data = data
        self.sector: int = 1 << struct.unpack_from("<H", data, 30)[0]
        self.mini_sector: int = 1 << struct.unpack_from("<H", data, 32)[0]
        fat_count, self.first_dir = struct.unpack_from("<II", data, 44)
        self.cutoff, first_minifat = struct.unpack_from("<II", data, 56)
        first_difat, difat_count = struct.unpack_from("<II", data, 68)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s < _END_OF_CHAIN]
        next_difat = first_difat
        for _ in range(difat_count):
            if next_difat >= _END_OF_CHAIN:
                break
            entries = struct.unpack_from(f"<{self.sector // 4}I", data, self._offset(next_difat))
            fat_sectors += [s for s in entries[:-1] if s < _END_OF_CHAIN]
            next_difat = entries[-1]
        self.fat: list[int] = []
        for sector in fat_sectors[:fat_count]:
            self.fat += struct.unpack_from(f"<{self.sector // 4}I", data, self._offset(sector))
        self.minifat = self._chain_bytes(first_minifat)

    def _offset(self, sector: int) -> int:
        return (sector + 1) * self.sector

    def _chain(self, start: int) -> list[int]:
        chain: list[int] = []
        while start < _END_OF_CHAIN and start < len(self.fat) and len(chain) <= len(self.fat):
            chain.append(start)
            start = self.fat[start]
        return chain

    def _chain_bytes(self, start: int) -> bytes:
        return b"".join(
            self.data[self._offset(s) : self._offset(s) + self.sector] for s in self._chain(start)
        )

    def stream(self, names: tuple[str, ...]) -> bytes | None:
        directory = self._chain_bytes(self.first_dir)
        root_start = struct.unpack_from("<I", directory, 116)[0]
        for at in range(0, len(directory) - 127, 128):
            length = struct.unpack_from("<H", directory, at + 64)[0]
            name = directory[at : at + max(0, length - 2)].decode("utf-16-le", "replace")
            if name not in names or directory[at + 66] != 2:  # 2: a stream
                continue
            start, size = struct.unpack_from("<IQ", directory, at + 116)
            if size >= self.cutoff:
                return self._chain_bytes(start)[:size]
            mini = self._chain_bytes(root_start)
            minifat = struct.unpack(f"<{len(self.minifat) // 4}I", self.minifat)
            parts: list[bytes] = []
            sector = start
            while sector < _END_OF_CHAIN and sector < len(minifat) and len(parts) <= len(minifat):
                parts.append(mini[sector * self.mini_sector : (sector + 1) * self.mini_sector])
                sector = minifat[sector]
            return b"".join(parts)[:size]
        return None


def xls_extents(path: Path) -> dict[str, Extent]:
    """Each worksheet's extent, or {} when the file is not one we can scan (calamine will say)."""
    try:
        stream = _Compound(path.read_bytes()).stream(("Workbook", "Book"))
        if stream is None:
            return {}
        return {name: _sheet_extent(stream, offset) for name, offset in _sheets(stream)}
    except (ValueError, struct.error, IndexError, OSError, UnicodeDecodeError):
        return {}


def _sheets(stream: bytes) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    at = 0
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        if kind == _BOUNDSHEET and stream[at + 9] == 0:  # 0: a worksheet
            offset, chars, flags = (
                struct.unpack_from("<I", stream, at + 4)[0],
                stream[at + 10],
                stream[at + 11],
            )
            raw = stream[at + 12 : at + 12 + chars * (2 if flags & 1 else 1)]
            found.append((raw.decode("utf-16-le" if flags & 1 else "latin-1"), offset))
        if kind == _EOF and found:
            break  # the end of the workbook globals
        at += 4 + length
    return found


def _sheet_extent(stream: bytes, at: int) -> Extent:
    cells = last_row = last_col = 0
    far = "A1"
    depth = 0
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        body = at + 4
        at = body + length
        if kind == _BOF:
            depth += 1  # charts inside a sheet have their own BOF ... EOF
        elif kind == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif kind == _DIMENSIONS and depth == 1 and length >= 12:
            # the used range as the writer saw it: small enough, and the cells need no walk
            # (a file that lies here costs calamine at most the .xls grid, about 1 GB)
            rows, cols = (
                struct.unpack_from("<I", stream, body + 4)[0],
                struct.unpack_from("<H", stream, body + 10)[0],
            )
            if rows * cols <= DENSE_CELLS:
                return Extent(None, max(rows - 1, 0), max(cols - 1, 0), far)
        elif depth == 1 and (kind in _VALUE_RECORDS or kind == _MULRK) and length >= 4:
            row, col = struct.unpack_from("<HH", stream, body)
            if kind == _MULRK and length >= 6:
                col = struct.unpack_from("<H", stream, body + length - 2)[0]
            cells += 1
            if row > last_row or col > last_col:
                far = f"{column_letter(col)}{row + 1}"
            last_row, last_col = max(last_row, row), max(last_col, col)
    return Extent(cells, last_row, last_col, far)
