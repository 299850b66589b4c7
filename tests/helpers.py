"""Writing test spreadsheets in every format the app reads."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

Rows = Sequence[Sequence[object]]

HEADER = ["External Account ID", "External Event ID", "Event Name", "Organizer"]


def write_xlsx(path: Path, sheets: dict[str, Rows] | Rows) -> Path:
    workbook = Workbook()
    named = sheets if isinstance(sheets, dict) else {"Sheet1": sheets}
    first = True
    for name, rows in named.items():
        sheet = workbook.active if first else workbook.create_sheet()
        assert sheet is not None
        sheet.title = name
        first = False
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(path: Path, rows: Rows, *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if cell is None else cell for cell in row])
    return path


def write_xls(path: Path, rows: Rows, sheet: str = "Sheet1") -> Path:
    import xlwt

    workbook = xlwt.Workbook()
    ws = workbook.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, datetime | date):
                ws.write(r, c, cell, date_style)
            else:
                ws.write(r, c, cell)
    workbook.save(str(path))
    return path


def write_ods(path: Path, rows: Rows, sheet: str = "Sheet1") -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    for row in rows:
        tr = TableRow()
        for cell in row:
            if cell is None or cell == "":
                tr.addElement(TableCell())
            elif isinstance(cell, bool):
                tc = TableCell(valuetype="boolean", booleanvalue="true" if cell else "false")
                tc.addElement(P(text="TRUE" if cell else "FALSE"))
                tr.addElement(tc)
            elif isinstance(cell, int | float):
                tc = TableCell(valuetype="float", value=cell)
                tc.addElement(P(text=str(cell)))
                tr.addElement(tc)
            elif isinstance(cell, datetime):
                tc = TableCell(valuetype="date", datevalue=cell.strftime("%Y-%m-%dT%H:%M:%S"))
                tc.addElement(P(text=str(cell)))
                tr.addElement(tc)
            else:
                tc = TableCell(valuetype="string")
                tc.addElement(P(text=str(cell)))
                tr.addElement(tc)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path
