"""Text tables at their edges: any field size, any column count, UTF-16, UTF-8 with a few
Windows-1252 lines, NUL bytes anywhere; and any shape within a size bound reads or fails in
one sentence, in memory that follows the file's size."""

from __future__ import annotations

import codecs
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hubevents_gui.core.sheets import SheetError, choose_sheet, read_table
from tests.core.test_far_cells import read_in_child
from tests.helpers import HEADER

HEAD = ",".join(HEADER)


def error_of(path: Path) -> str:
    with pytest.raises(SheetError) as caught:
        read_table(path)
    return str(caught.value)


# ---------------------------------------------------------------- field sizes and column counts


def test_a_field_longer_than_the_csv_modules_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    name = "x" * 200_000
    path.write_text(f"{HEAD}\nacme,1,{name},Acme\n")
    row = read_table(path).rows[0]
    # read whole, and then refused as a value: no workbook cell could give it back
    assert row.bad["eventName"].text == name
    assert "32,767" in row.bad["eventName"].reason


def test_a_row_of_a_million_empty_fields(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(f"{HEAD}\nacme,1,Launch,Acme" + "," * 1_000_000 + "\n")
    table = read_table(path)
    assert table.rows[0].values["eventName"] == "Launch"
    assert table.extra_headers == []


def test_values_right_of_the_header_are_kept_in_the_columns_that_hold_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "right.csv"
    path.write_text(f"{HEAD}\nacme,1,a,Acme,,,,,,,,,,note\nacme,2,b,Acme\nacme,3,c,Acme,x\n")
    table = read_table(path)
    assert table.extra_headers == ["Column N", "Column E"]
    assert [row.extras for row in table.rows] == [("note",), (), ("", "x")]
    assert table.cell_name(table.rows[0], "eventName") == "right!C2"


def test_one_very_wide_row_late_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_text(f"{HEAD}\n" + "acme,1,n,Acme\n" * 100_000 + "acme,2,n,Acme" + ",x" * 500_000)
    assert path.stat().st_size < 2_500_000
    result = read_in_child(path)  # was: 12 GB, then MemoryError
    assert result["error"] == (
        "'late.csv': values lie in more than 100 untitled columns right of the "
        "header (the next at late!DA100002); give those columns headers, or delete the stray "
        "values"
    )
    assert result["peak_mb"] < 300


def test_a_header_wider_than_any_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(HEAD + "".join(f",h{i}" for i in range(20_000)) + "\nacme,1,n,Acme\n")
    assert error_of(path) == (
        "'header.csv': the header (row 1) has 20,004 columns, more than a spreadsheet can "
        "hold (16,384); is it really a table?"
    )


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("suffix", [".txt", ".tsv"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_unicode_text_as_excel_saves_it(tmp_path: Path, suffix: str, encoding: str) -> None:
    lines = ["\t".join(HEADER), "\t".join(["acme", "1", "Café – 東京", "Acme"]), ""]
    data = "\r\n".join(lines).encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data  # "utf-16" writes the BOM; "utf-16-le" has none
    path = tmp_path / f"unicode{suffix}"
    path.write_bytes(data)
    table = read_table(path)
    assert table.rows[0].values["eventName"] == "Café – 東京"
    assert table.notes == []


def test_utf8_with_a_few_windows_1252_lines_keeps_the_utf8_ones(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        f"{HEAD}\nacme,1,Café,Acme\n".encode()
        + "acme,2,Café,Acme\n".encode("cp1252")
        + "acme,3,Zoë,Acme\n".encode()
        + "acme,4,Crème – brûlée,Acme\n".encode("cp1252")
    )
    table = read_table(path)
    assert [row.values["eventName"] for row in table.rows] == [
        "Café",
        "Café",
        "Zoë",
        "Crème – brûlée",
    ]
    assert table.notes == [
        "mixed.csv: lines 3 and 5 are not UTF-8: read them as Windows-1252 (check the accented "
        "letters there; save as 'CSV UTF-8' to avoid this)"
    ]


def test_a_file_mostly_in_windows_1252_names_a_few_lines(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes((f"{HEAD}\n" + "acme,1,Café,Acme\n" * 9).encode("cp1252"))
    assert (
        read_table(path)
        .notes[0]
        .startswith("legacy.csv: lines 2, 3, 4, 5, 6 and 4 more lines are not UTF-8")
    )


@pytest.mark.parametrize("at", [100, 200_000])
def test_a_nul_byte_anywhere_is_refused_naming_its_line(tmp_path: Path, at: int) -> None:
    path = tmp_path / "nul.csv"
    rows = at // 14
    path.write_bytes(f"{HEAD}\n".encode() + b"acme,1,n,Acme\n" * rows + b"acme,2,x\x00y,Acme\n")
    assert error_of(path) == (
        f"'nul.csv' is not a text file (line {rows + 2:,} holds a NUL byte), so it cannot be "
        "read as CSV (is it a workbook with the wrong extension?)"
    )


def test_a_workbook_named_csv_is_named_for_what_it_is(tmp_path: Path) -> None:
    from tests.helpers import write_xlsx

    path = write_xlsx(tmp_path / "e.xlsx", [HEADER]).rename(tmp_path / "e.csv")
    assert error_of(path).startswith(
        "'e.csv' is not a text file but a zip archive (an .xlsx or .ods workbook?)"
    )


def test_a_text_file_has_no_sheets(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("\t".join(HEADER) + "\nacme\t1\tn\tAcme\n")
    assert choose_sheet(path).raw is not None
    with pytest.raises(SheetError, match="is a text file: it has no sheets"):
        choose_sheet(path, "Sheet1")


# ---------------------------------------------------------------- any shape, bounded


def _csv(header_extra: int, rows: list[list[str]], delimiter: str) -> str:
    header = [*HEADER, *(f"h{i}" for i in range(header_extra))]
    return "\n".join(delimiter.join(cells) for cells in [header, *rows]) + "\n"


_FIELD = st.text(alphabet=st.sampled_from('ab é,;\t"\n'), max_size=30) | st.just("")
_SHAPES = st.tuples(
    st.integers(0, 3000),
    st.lists(st.lists(_FIELD, max_size=400), max_size=300),
    st.sampled_from([",", ";", "\t"]),
)

#: a file of N bytes may cost this much memory per byte, plus this much per row, plus a base
_PER_BYTE, _PER_ROW, _BASE = 64, 4096, 4 * 1024 * 1024


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# a wide header over short rows: padded to the header, 3k x 3k cells from 15 KB
@example((3000, [["a"]] * 3000, ","))
# one wide row among short ones: every row padded to it
@example((0, [["acme", "1", "n", "Acme"]] * 3000 + [["x"] * 2500], ","))
@given(shape=_SHAPES)
def test_any_csv_shape_reads_or_fails_cleanly_in_bounded_memory(
    tmp_path_factory: pytest.TempPathFactory, shape: tuple[int, list[list[str]], str]
) -> None:
    extra, rows, delimiter = shape
    path = tmp_path_factory.mktemp("shape") / "shape.csv"
    path.write_text(_csv(extra, rows, delimiter), encoding="utf-8")
    size = path.stat().st_size
    error: str | None = None
    tracemalloc.start()
    try:
        try:
            read_table(path)
        except SheetError as exc:  # anything else fails the test
            error = str(exc)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if error is not None:  # one sentence naming the file
        assert "\n" not in error
        assert error.startswith("'shape.csv'")
    assert peak <= _BASE + _PER_BYTE * size + _PER_ROW * (len(rows) + 1)


def test_a_quote_never_closed_is_said_where_it_swallowed_rows(tmp_path: Path) -> None:
    path = tmp_path / "merged.csv"
    path.write_text(
        f'{HEAD}\nacme,E1,One,Acme\nacme,E2,"Oops,Acme\nacme,E3,Three,Acme\n'
        'acme,E4,Four,Acme\nacme,E5,n",Acme\nacme,E6,Six,Acme\n'
    )
    table = read_table(path)
    assert any(
        note.startswith("merged!C3: its text in quotes runs from line 3 to line 6")
        and "is a closing quote missing?" in note
        for note in table.notes
    ), table.notes


def test_text_with_line_breaks_in_quotes_is_no_cause_for_a_note(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(f'{HEAD}\nacme,E1,"A talk\nin two lines",Acme\n')
    table = read_table(path)
    assert table.rows[0].values["eventName"] == "A talk\nin two lines"
    assert not any("closing quote" in note for note in table.notes)


def test_a_one_line_file_is_not_echoed_whole(tmp_path: Path) -> None:
    path = tmp_path / "oneline.csv"
    path.write_text(",".join(f"word{i}" * 20 for i in range(5_000)) + "\n")
    with pytest.raises(SheetError) as raised:
        read_table(path)
    message = str(raised.value)
    assert "missing required columns" in message
    assert "and 4,980 more" in message
    assert len(message) < 2_000
