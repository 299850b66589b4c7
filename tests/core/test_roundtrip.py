"""Properties: rows written to a workbook or CSV and read back give the same payloads; any text
written to a results workbook reads back identical (or visibly escaped)."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ERROR_CODES

from hubevents_gui.core.result_cells import escape_text
from hubevents_gui.core.results import add_result_columns, write_results
from hubevents_gui.core.sheets import read_table
from hubevents_gui.core.values import display_text
from hubevents_gui.hubspot.wire import to_input
from tests.helpers import write_csv, write_xlsx

ZONE = ZoneInfo("Europe/Berlin")
HEADERS = [
    "externalAccountId",
    "externalEventId",
    "eventName",
    "eventOrganizer",
    "eventType",
    "eventUrl",
    "startDateTime",
    "endDateTime",
    "eventCancelled",
    "custom:tier",
]

# printable text without leading/trailing space (cells are trimmed) and no formula look-alikes
text = (
    st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    # openpyxl writes "=..." as a formula and "#N/A", "#VALUE!"... as error cells: the test's
    # own workbook writer would not write them as text (the product's result writer does)
    .filter(lambda s: bool(s) and not s.startswith("=") and s not in ERROR_CODES)
)
# ids refuse invisible characters and special spaces (test_values covers that)
id_text = text.filter(
    lambda s: not any(unicodedata.category(c) in ("Cf", "Zs") and c != " " for c in s)
)
ids = st.one_of(
    st.integers(0, 10**12).map(str), st.from_regex(r"0[0-9]{1,6}", fullmatch=True), id_text
)
# whole minutes, away from daylight-saving gaps (validated separately)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, hour=12)
)


@st.composite
def events(draw: st.DrawFn) -> list[object]:
    start = draw(moments)
    return [
        draw(id_text),
        draw(ids),
        draw(text),
        draw(text),
        draw(st.sampled_from(["WEBINAR", "CONFERENCE", "WORKSHOP", ""])),
        draw(st.sampled_from(["https://acme.example/e", "http://x.example/a?b=1", ""])),
        start,
        start.replace(hour=15),
        draw(st.booleans()),
        draw(st.one_of(st.just(""), text)),
    ]


def payloads(path: Path) -> list[dict[str, object]]:
    return [to_input(row, ZONE) for row in read_table(path).rows]


def expected(rows: list[list[object]]) -> list[dict[str, object]]:
    from hubevents_gui.core.rows import EventRow, RowId
    from hubevents_gui.core.values import parse_bool

    out = []
    for i, cells in enumerate(rows):
        values = dict(zip(HEADERS[:-1], cells[:-1], strict=True))
        values["eventCancelled"] = parse_bool(values["eventCancelled"])
        values = {k: v for k, v in values.items() if v not in ("", None)}
        custom = {"tier": str(cells[-1])} if cells[-1] else {}
        out.append(to_input(EventRow(RowId(i), i, values, custom), ZONE))  # type: ignore[arg-type]
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events(), min_size=1, max_size=8))
def test_xlsx_round_trip(rows: list[list[object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / "r.xlsx", [HEADERS, *rows])
        assert payloads(path) == expected(rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events(), min_size=1, max_size=8), st.sampled_from([",", ";", "\t"]))
def test_csv_round_trip(rows: list[list[object]], delimiter: str) -> None:
    as_text = [[display_text(c) if isinstance(c, datetime) else c for c in r] for r in rows]
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "r.csv", [HEADERS, *as_text], delimiter=delimiter)
        assert payloads(path) == expected(rows)


# any text, with more than chance's share of what workbooks treat specially
any_text = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(["\x0b", "\x00", "\r", "\n", " ", "_x000B_", "_x005f_", "_x", "=", "#N/A"]),
    ),
    min_size=1,
    max_size=20,
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text, st.sampled_from([write_results, add_result_columns]))
def test_any_text_in_a_results_workbook_reads_back(text: str, write: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = write_xlsx(Path(folder) / "in.xlsx", [HEADERS[:4], ["a", "1", "n", "o"]])
        table = read_table(source)
        table.rows[0].set_cell("eventName", text)
        out = Path(folder) / "out.xlsx"
        write(table, table.rows, lambda _row: ("failed", "", text), out)  # type: ignore[operator]
        book = python_calamine.CalamineWorkbook.from_path(str(out))
        cells = book.get_sheet_by_name("Sheet1").to_python()[1]
        # Excel, LibreOffice and calamine decode _xHHHH_; U+FFFE, U+FFFF and lone surrogates
        # are not characters any of them holds, so they stay visibly escaped
        expected = re.sub("[\ufffe\uffff\ud800-\udfff]", lambda m: f"_x{ord(m.group()):04X}_", text)
        assert (cells[2], cells[-1]) == (expected, expected)
        # a reader that does not decode shows the escape, which no other text writes
        sheet = load_workbook(out)["Sheet1"]
        for cell in (sheet.cell(2, 3), sheet.cell(2, sheet.max_column)):
            assert (cell.value, cell.data_type) == (escape_text(text), "s")
