"""The CSV and .xlsx writers: encoding, separators, types and formula neutralisation."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from employerpool.services import exports
from employerpool.services.exports import BOM, Column, neutralise

COLUMNS = (Column("Dato", "date"), Column("Arbeidsgiver"), Column("Antall", "int"))
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DANGEROUS = ["=1+1", "+47 22", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")']


def read_csv(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def read_xlsx(body: bytes):
    return load_workbook(io.BytesIO(body)).active


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_prefixes_an_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Ærlig Øl AS", "47 22 00 00", "a=b", " =1", "'=1"])
def test_neutralise_leaves_safe_text_alone(value):
    assert neutralise(value) == value


def test_csv_has_bom_semicolons_iso_dates_and_norwegian_letters():
    rows = [
        (date(2026, 3, 1), "Blåbær & Ørret; Sønner AS", 3),
        (datetime(2026, 3, 2, 14, 0), 'Si "hei"\npå linje to', Decimal("2.5")),
        (None, None, None),
    ]
    body = exports.write_csv(COLUMNS, rows)
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in body
    assert read_csv(body) == [
        ["Dato", "Arbeidsgiver", "Antall"],
        ["2026-03-01", "Blåbær & Ørret; Sønner AS", "3"],
        ["2026-03-02", 'Si "hei"\npå linje to', "2.5"],
        ["", "", ""],
    ]


def test_csv_neutralises_every_dangerous_text_cell_also_in_typed_columns():
    rows = [(d, d, d) for d in DANGEROUS]  # text in date and number columns is text
    parsed = read_csv(exports.write_csv(COLUMNS, rows))[1:]
    for value, row in zip(DANGEROUS, parsed, strict=True):
        assert row == ["'" + value] * 3
    # A real negative number stays a number.
    assert read_csv(exports.write_csv(COLUMNS, [(None, "x", -3)]))[1] == ["", "x", "-3"]


def test_csv_header_is_neutralised_too():
    parsed = read_csv(exports.write_csv((Column("=cmd"),), []))
    assert parsed == [["'=cmd"]]


def test_xlsx_types_frozen_header_and_auto_filter():
    rows = [
        (date(2026, 3, 1), "Ærfugl Å AS", 3),
        (date(2026, 4, 30), '=HYPERLINK("http://x","y")', 0),
        (None, "-1+1", None),
    ]
    ws = read_xlsx(exports.write_xlsx(COLUMNS, rows, title="Kontakter: [alle]"))
    assert ws.title == "Kontakter   alle"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C4"
    assert [c.value for c in ws[1]] == ["Dato", "Arbeidsgiver", "Antall"]
    assert all(c.font.bold for c in ws[1])
    date_cell, name_cell, number_cell = ws[2]
    assert date_cell.is_date and date_cell.value.date() == date(2026, 3, 1)
    assert date_cell.number_format == "yyyy-mm-dd"
    assert name_cell.value == "Ærfugl Å AS" and name_cell.data_type == "s"
    assert number_cell.data_type == "n" and number_cell.value == 3
    link = ws["B3"]
    assert link.data_type == "s" and link.value == '\'=HYPERLINK("http://x","y")'
    assert ws["C3"].value == 0 and ws["C3"].data_type == "n"
    assert ws["B4"].value == "'-1+1" and ws["B4"].data_type == "s"
    assert ws["A4"].value is None


def test_control_characters_are_dropped_and_cannot_hide_a_formula():
    ws = read_xlsx(exports.write_xlsx(COLUMNS, [(None, "a\x00b\x1bc\x08", 1), (None, "\x00=1", 2)]))
    assert ws["B2"].value == "abc"
    assert ws["B3"].value == "'=1"
    assert read_csv(exports.write_csv(COLUMNS, [(None, "\x00=1", 2)]))[1] == ["", "'=1", "2"]


def test_xlsx_empty_export_still_has_header_and_filter():
    ws = read_xlsx(exports.write_xlsx(COLUMNS, []))
    assert [c.value for c in ws[1]] == ["Dato", "Arbeidsgiver", "Antall"]
    assert ws.auto_filter.ref == "A1:C1"


def test_send_sets_download_headers_and_refuses_unknown_formats(app):
    response = exports.send("csv", "kontakter/../x", COLUMNS, [], stamp=date(2026, 1, 2))
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="kontakter-..-x-2026-01-02.csv"'
    )
    assert response.mimetype == "text/csv"
    xlsx = exports.send("xlsx", "k", COLUMNS, [])
    assert xlsx.mimetype == exports.XLSX_MIME
    with pytest.raises(ValueError):
        exports.send("pdf", "k", COLUMNS, [])


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(text, max_size=5))
def test_csv_round_trips_any_text_and_nothing_starts_dangerously(values):
    columns = tuple(Column(f"k{i}") for i in range(len(values))) or (Column("k"),)
    row = values or [""]
    parsed = read_csv(exports.write_csv(columns, [row]))[1]
    for original, cell in zip(row, parsed, strict=True):
        clean = CONTROL.sub("", original)
        assert not cell.startswith(exports.DANGEROUS_PREFIXES)
        assert cell == (("'" + clean) if clean.startswith(exports.DANGEROUS_PREFIXES) else clean)


@settings(max_examples=40, deadline=None)
@given(st.lists(text, min_size=1, max_size=4))
def test_xlsx_never_holds_a_formula_or_a_dangerous_start(values):
    columns = tuple(Column(f"k{i}") for i in range(len(values)))
    ws = read_xlsx(exports.write_xlsx(columns, [values]))
    for cell in ws[2]:
        if cell.value is None:
            continue
        assert cell.data_type == "s"
        assert not str(cell.value).startswith(exports.DANGEROUS_PREFIXES)
