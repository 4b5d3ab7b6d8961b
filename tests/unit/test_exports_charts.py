"""The server-side SVG charts: accessible, escaped, CSP-safe and drawn to scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from employerpool.services import charts
from employerpool.services.charts import Bar

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own generated SVG


def test_hbar_chart_is_an_image_with_title_desc_and_escaped_labels():
    svg = charts.hbar_chart(
        "c1",
        'Andel <b>"x"</b>',
        "Beskrivelse & mer",
        [
            Bar("KVP", 50, "50 %", reference=47, reference_text="utgangspunkt 47 %"),
            Bar("<script>alert(1)</script>", 25, "25 %"),
        ],
        max_value=100,
        reference_legend="Stiplet strek: utgangspunkt",
    )
    root = _parse(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == 'Andel <b>"x"</b>'
    assert root.find(f"{SVG}desc").text == "Beskrivelse & mer"
    assert "<script>" not in str(svg) and "style=" not in str(svg)
    bars = root.findall(f"{SVG}rect[@class='chart-bar']")
    assert len(bars) == 2
    assert float(bars[0].get("width")) == 2 * float(bars[1].get("width"))
    refs = root.findall(f"{SVG}line[@class='chart-reference']")
    assert len(refs) == 1 and refs[0].get("stroke-dasharray")  # not colour alone
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "50 % (utgangspunkt 47 %)" in texts and "Stiplet strek: utgangspunkt" in texts


def test_hbar_chart_with_all_zero_values_draws_empty_bars():
    root = _parse(charts.hbar_chart("c2", "t", "d", [Bar("A", 0, "0")]))
    assert root.find(f"{SVG}rect[@class='chart-bar']").get("width") == "0"


def test_line_chart_series_differ_by_dash_and_marker_and_ticks_are_round():
    svg = charts.line_chart(
        "c3",
        "Per måned",
        "d",
        ["2026-01", "2026-02", "2026-03"],
        [("Ansatt", [0, 3, 7]), ("Praksis startet", [1, 2, 2])],
    )
    root = _parse(svg)
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    assert root.findall(f"{SVG}circle") and root.findall(f"{SVG}rect")  # two marker shapes
    ticks = [t.text for t in root.iter(f"{SVG}text") if re.fullmatch(r"\d+", t.text or "")]
    assert ticks == ["0", "2", "4", "6", "8"]
    assert "style=" not in str(svg)


def test_line_chart_with_one_point_and_no_data():
    root = _parse(charts.line_chart("c4", "t", "d", ["2026-01"], [("A", [0])]))
    assert root.findall(f"{SVG}circle")
    root = _parse(charts.line_chart("c5", "t", "d", [], []))
    assert root.get("role") == "img"
