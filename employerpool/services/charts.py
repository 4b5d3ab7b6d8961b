"""Small server-side SVG charts: horizontal bars with baseline markers, and line charts.

The charts are images with a title and a description (role="img", aria-labelledby); each page
shows the table behind every chart as well. No inline styles (the CSP forbids them): colours are
presentation attributes and CSS classes. Series differ by dash pattern and marker shape, and
every bar carries its value as text, so nothing depends on colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
PALETTE = ("#0b4f8a", "#a34a00", "#1d6b34", "#6b2d8f")  # each ≥ 4.5:1 on white
DASHES = ("", "6 4", "2 3", "10 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, the text shown beside it, and an optional reference mark."""

    label: str
    value: float
    text: str
    reference: float | None = None
    reference_text: str | None = None


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _head(chart_id: str, title: str, desc: str, height: float, width: int = WIDTH) -> list[str]:
    return [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width} {_num(height)}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def hbar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    max_value: float | None = None,
    reference_legend: str | None = None,
) -> Markup:
    """Horizontal bars; a dashed vertical mark per bar shows its reference (e.g. a baseline)."""
    width, label_w, value_w, row_h, top = 800, 270, 250, 34, 10
    legend_h = 28 if reference_legend else 0
    plot_w = width - label_w - value_w
    peak = max([b.value for b in bars] + [b.reference or 0 for b in bars] + [max_value or 0])
    scale = plot_w / peak if peak > 0 else 0
    height = top + row_h * max(1, len(bars)) + legend_h + 10
    out = _head(chart_id, title, desc, height, width)
    out.append(
        f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{top + row_h * len(bars)}" '
        'stroke="#1b1b1b" stroke-width="1"/>'
    )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        w = max(0.0, bar.value * scale)
        out.append(
            f'<text class="chart-label" x="{label_w - 8}" y="{y + row_h / 2 + 5}" '
            f'text-anchor="end" font-size="13" fill="#1b1b1b">{escape(bar.label)}</text>'
        )
        out.append(
            f'<rect class="chart-bar" x="{label_w}" y="{y + 6}" width="{_num(w)}" '
            f'height="{row_h - 12}" fill="{PALETTE[0]}"/>'
        )
        text = bar.text + (f" ({bar.reference_text})" if bar.reference_text else "")
        out.append(
            f'<text class="chart-value" x="{label_w + plot_w + 10}" y="{y + row_h / 2 + 5}" '
            f'font-size="13" fill="#1b1b1b">{escape(text)}</text>'
        )
        if bar.reference is not None:
            x = label_w + bar.reference * scale
            out.append(
                f'<line class="chart-reference" x1="{_num(x)}" y1="{y + 2}" x2="{_num(x)}" '
                f'y2="{y + row_h - 2}" stroke="#1b1b1b" stroke-width="3" '
                'stroke-dasharray="4 3"/>'
            )
    if reference_legend:
        y = top + row_h * len(bars) + 18
        out.append(
            f'<line x1="{label_w}" y1="{y - 10}" x2="{label_w}" y2="{y + 4}" stroke="#1b1b1b" '
            'stroke-width="3" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{label_w + 10}" y="{y + 2}" font-size="13" fill="#1b1b1b">'
            f"{escape(reference_legend)}</text>"
        )
    out.append("</svg>")
    # Safe: every text part went through escape(); the rest are numbers and constants.
    return Markup("".join(out))  # noqa: S704


def _ticks(value: float) -> list[float]:
    """Round tick values from 0 to at least `value`: at most 6 ticks, steps of 1, 2 or 5 × 10^k."""
    if value <= 0:
        return [0, 1]
    raw = value / 5
    exp = 10 ** math.floor(math.log10(raw))
    step = next(s * exp for s in (1, 2, 5, 10) if s * exp >= raw)
    step = max(step, 1)
    count = math.ceil(value / step)
    return [step * k for k in range(count + 1)]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        pts = f"{_num(x)},{_num(y - 5)} {_num(x - 5)},{_num(y + 4)} {_num(x + 5)},{_num(y + 4)}"
        return f'<polygon points="{pts}" fill="{colour}"/>'
    pts = (
        f"{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y)} "
        f"{_num(x)},{_num(y + 5)} {_num(x - 5)},{_num(y)}"
    )
    return f'<polygon points="{pts}" fill="{colour}"/>'


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
) -> Markup:
    """One line per series over `x_labels`, each with its own dash pattern and marker shape."""
    left, right, top, plot_h, bottom = 48, 36, 12, 200, 36
    legend_rows = math.ceil(len(series) / 2)
    height = top + plot_h + bottom + legend_rows * 22 + 6
    plot_w = WIDTH - left - right
    ticks = _ticks(max([v for _, values in series for v in values] + [0]))
    peak = ticks[-1]
    n = max(1, len(x_labels))
    step = plot_w / (n - 1) if n > 1 else 0

    def px(i: int) -> float:
        return left + (i * step if n > 1 else plot_w / 2)

    def py(v: float) -> float:
        return top + plot_h - (v / peak) * plot_h

    out = _head(chart_id, title, desc, height)
    for v in ticks:
        y = py(v)
        out.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{WIDTH - right}" y2="{_num(y)}" '
            'stroke="#c4c8cf" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end" font-size="12" '
            f'fill="#1b1b1b">{_num(v)}</text>'
        )
    every = max(1, math.ceil(n / 7))
    for i, text in enumerate(x_labels):
        if i % every == 0:
            out.append(
                f'<text x="{_num(px(i))}" y="{top + plot_h + 18}" text-anchor="middle" '
                f'font-size="12" fill="#1b1b1b">{escape(text)}</text>'
            )
    for s, (name, values) in enumerate(series):
        colour, dash, marker = PALETTE[s % 4], DASHES[s % 4], MARKERS[s % 4]
        points = " ".join(f"{_num(px(i))},{_num(py(v))}" for i, v in enumerate(values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if len(values) > 1:
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5"{dash_attr}/>'
            )
        out.extend(_marker(marker, px(i), py(v), colour) for i, v in enumerate(values))
        lx = left + (s % 2) * (plot_w / 2)
        ly = top + plot_h + bottom + (s // 2) * 22
        out.append(
            f'<line x1="{_num(lx)}" y1="{ly}" x2="{_num(lx + 30)}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>'
        )
        out.append(_marker(marker, lx + 15, ly, colour))
        out.append(
            f'<text x="{_num(lx + 38)}" y="{ly + 4}" font-size="13" fill="#1b1b1b">'
            f"{escape(name)}</text>"
        )
    out.append("</svg>")
    # Safe: every text part went through escape(); the rest are numbers and constants.
    return Markup("".join(out))  # noqa: S704
