"""Charts drawn on the server as inline SVG: no script, no image request, readable without colour."""
from __future__ import annotations

from xml.sax.saxutils import escape

from markupsafe import Markup

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 250
BAR_WIDTH = 360
VALUE_WIDTH = 110


def hbar(rows: list[tuple[str, int, str]], title: str) -> Markup:
    """A horizontal bar chart: one (label, value, value text) per row, bars scaled to the largest value."""
    largest = max((value for _, value, _ in rows), default=0) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" font-size="14">',
             f"<title>{escape(title)}</title>"]
    for i, (label, value, text) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        bar = round(BAR_WIDTH * value / largest) if value > 0 else 0
        middle = y + BAR_HEIGHT / 2 + 5
        parts += [f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" fill="#1d2733">{escape(label)}</text>',
                  f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}" fill="#1f5fa8">'
                  f"<title>{escape(label)}: {escape(text)}</title></rect>",
                  f'<text x="{LABEL_WIDTH + bar + 6}" y="{middle}" fill="#1d2733">{escape(text)}</text>']
    parts.append("</svg>")
    return Markup("".join(parts))
