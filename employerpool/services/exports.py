"""CSV and Excel (.xlsx) writers that any report can export through.

Control characters other than tab, line feed and carriage return are dropped from text in both
formats (the .xlsx XML cannot hold them, and they must not hide a formula behind them).

Both formats neutralise formula injection ("CSV injection"): a text cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets an apostrophe in front, so that
Excel, LibreOffice and Numbers show it as text instead of evaluating it. In the .xlsx file such
cells are also written as plain string cells (``data_type == "s"``), which spreadsheet programs
never evaluate; the apostrophe stays as well, so the value remains inert if someone copies it
into a formula bar or saves the sheet as CSV.

Only text is neutralised. Numbers and dates are typed by the column (``Column.kind``): a
Python int, float or Decimal is written as a number, a date as a date. A value of the wrong
type in a typed column is written as (neutralised) text, never trusted as a number.

Usage::

    columns = [Column("Dato", "date"), Column("Arbeidsgiver"), Column("Antall", "int")]
    response = exports.send("csv", "kontakter", columns, rows)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMATS = ("csv", "xlsx")
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_SEPARATOR = ";"
BOM = "\ufeff"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters the XML in an .xlsx file cannot hold (openpyxl refuses them).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]+")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """One export column: its header and how its values are typed.

    kind: "text", "date", "int" or "float".
    """

    header: str
    kind: str = "text"
    width: float | None = None


def neutralise(value: str) -> str:
    """Prefix a text value with an apostrophe when a spreadsheet would read it as a formula."""
    if value and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    return str(value)


def csv_cell(value, kind: str = "text") -> str:
    """A value as CSV text: dates ISO 8601, numbers plain, text neutralised."""
    if value is None:
        return ""
    if kind == "date" and isinstance(value, date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if kind in ("int", "float") and _is_number(value):
        return str(value)
    return neutralise(_ILLEGAL_XML.sub("", _as_text(value)))


def write_csv(columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte order mark, `;` as separator, CRLF line ends (what Excel expects)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow([neutralise(c.header) for c in columns])
    kinds = [c.kind for c in columns]
    # Names, dates and labels repeat down a column: convert each distinct value once.
    cells: dict = {}
    for row in rows:
        out = []
        for value, kind in zip(row, kinds, strict=True):
            try:
                key = (value, kind, type(value))
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = csv_cell(value, kind)
            except TypeError:  # an unhashable value: convert it every time
                cell = csv_cell(value, kind)
            out.append(cell)
        writer.writerow(out)
    return buffer.getvalue().encode("utf-8")


def _xlsx_cell(ws, value, kind: str) -> WriteOnlyCell | str | int | float | None:
    if value is None:
        return None
    if kind == "date" and isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if kind == "int" and _is_number(value):
        return value
    if kind == "float" and _is_number(value):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "0.0"
        return cell
    text = neutralise(_ILLEGAL_XML.sub("", _as_text(value)))
    if text[:1] != "=":
        # openpyxl stores a str that does not begin with "=" as a plain string cell
        # (data_type "s"); after neutralise() none does. A bare value is much faster.
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def sheet_title(title: str) -> str:
    """A valid worksheet name: no []:*?/\\ and at most 31 characters."""
    return (_SHEET_FORBIDDEN.sub(" ", title).strip() or "Rapport")[:31]


def write_xlsx(
    columns: Sequence[Column], rows: Iterable[Sequence], title: str = "Rapport"
) -> bytes:
    """A workbook with a bold, frozen header row, an auto filter, typed date and number cells."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    for i, column in enumerate(columns, 1):
        default = 12 if column.kind in ("date", "int", "float") else 24
        ws.column_dimensions[get_column_letter(i)].width = column.width or default
    ws.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=neutralise(_ILLEGAL_XML.sub("", str(column.header))))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    n = 0
    for row in rows:
        ws.append([_xlsx_cell(ws, v, c.kind) for v, c in zip(row, columns, strict=True)])
        n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{n + 1}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def filename(base: str, fmt: str, stamp: date | None = None) -> str:
    """An ASCII file name such as `kontakter-2026-11-26.csv`."""
    safe = _SAFE_FILENAME.sub("-", base).strip("-") or "eksport"
    suffix = f"-{stamp.isoformat()}" if stamp else ""
    return f"{safe}{suffix}.{fmt}"


def send(
    fmt: str,
    base_name: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence],
    *,
    title: str = "Rapport",
    stamp: date | None = None,
) -> Response:
    """A download response in `fmt` ("csv" or "xlsx"); raises ValueError for other formats."""
    if fmt == "csv":
        body, content_type = write_csv(columns, rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, content_type = write_xlsx(columns, rows, title), XLSX_MIME
    else:
        raise ValueError(f"unknown export format: {fmt!r}")
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename(base_name, fmt, stamp)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
