"""Charts drawn on the server as inline SVG: no script, no library, nothing from the net.

Pure functions: numbers and labels in, markup out. Every text is escaped; colours are SVG
presentation attributes (the Content-Security-Policy allows no inline style)."""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

COLOURS = ("#2f6fb0", "#e08a2c", "#3c9d5d", "#b23b3b", "#7a5aa6", "#6b7b8c")
WIDTH = 640  # the per-day chart spans the page
BAR_WIDTH = 420  # a bar chart sits in half of it


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def day_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *,
             title: str, height: int = 200) -> Markup:
    """Grouped vertical bars per day (received and shipped), a legend and the peak on the axis."""
    n, groups = len(series), max(len(labels), 1)
    left, bottom, top = 36, 28, 22
    plot_w, plot_h = WIDTH - left - 8, height - bottom - top
    peak = max([v for _, values in series for v in values] or [0]) or 1
    slot = plot_w / groups
    bar = max(slot * 0.8 / max(n, 1), 1.0)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - 8}" y2="{top + plot_h}" '
             f'stroke="#888"/>',
             f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11">'
             f'{_number(peak)}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>']
    for s, (name, values) in enumerate(series):
        for i, value in enumerate(values):
            h = plot_h * value / peak
            x = left + i * slot + slot * 0.1 + s * bar
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{COLOURS[s % len(COLOURS)]}">'
                         f'<title>{escape(labels[i])} {escape(name)}: {_number(value)}</title>'
                         f'</rect>')
        parts.append(f'<rect x="{left + s * 110}" y="4" width="10" height="10" '
                     f'fill="{COLOURS[s % len(COLOURS)]}"/>'
                     f'<text x="{left + s * 110 + 14}" y="13" font-size="11">{escape(name)}'
                     f'</text>')
    every = max(1, round(groups / 10))
    for i, label in enumerate(labels):
        if i % every == 0:
            x = left + i * slot + slot / 2
            parts.append(f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" '
                         f'font-size="10">{escape(label[5:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(items: Sequence[tuple[str, float]], *, title: str, scale: float | None = None,
         percent: bool = False, width: int = BAR_WIDTH) -> Markup:
    """Horizontal bars, one per (label, value); `scale` is the value of a full bar (the
    largest value when not given); `percent` shows values from 0 to 1 as percentages."""
    row, label_w, value_w = 24, 150, 64
    height = max(len(items), 1) * row + 8
    peak = scale or max([v for _, v in items] or [0]) or 1
    plot_w = width - label_w - value_w
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = plot_w * (value or 0) / peak
        shown = f"{value * 100:.1f}%" if percent else _number(value)
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
                     f'{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{plot_w}" height="16" '
                     f'fill="#eef1f4"/>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" '
                     f'fill="{COLOURS[i % len(COLOURS)]}"><title>{escape(label)}: {shown}'
                     f'</title></rect>'
                     f'<text x="{label_w + plot_w + 6}" y="{y + 15}" font-size="12">{shown}'
                     f'</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
