"""Accessible SVG charts rendered on the server (compliance dashboard and report); no scripts.

Pure: values in, markup out. Each chart is an ``<svg role="img">`` named by its ``<title>`` and
``<desc>`` (``aria-labelledby``); every bar or column carries its number as a text label, and a
missing value (nothing judged yet) is hatched and labelled, so nothing relies on colour and the
chart prints in black and white. Pages show the same numbers in a table beside the chart.
Colours and sizes are SVG presentation attributes (the Content-Security-Policy forbids inline
``style``); a stylesheet may scale the chart with ``.chart { width: 100%; height: auto }``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from markupsafe import Markup, escape

INK: Final = "#1d2330"  # text: 14:1 on white
BAR: Final = "#1f4e99"  # bars: 8:1 on white, a dark grey on paper
GRID: Final = "#8a93a3"
HATCH: Final = "#5b6474"
FONT_SIZE: Final = 13
LABEL_CHARS: Final = 16  # a longer name is cut with "…" (the full name is its tooltip)

# Horizontal bar chart geometry (px of the viewBox).
LABEL_WIDTH: Final = 220
BAR_AREA: Final = 320
VALUE_WIDTH: Final = 140
ROW_HEIGHT: Final = 28
BAR_HEIGHT: Final = 18
TOP: Final = 24  # room for the scale labels
# Column (trend) chart geometry.
COLUMN_STEP: Final = 44
COLUMN_WIDTH: Final = 30
PLOT_HEIGHT: Final = 160
AXIS_LABELS: Final = 64  # room under the plot for the slanted period labels
LEFT: Final = 44  # room for the 0-100% scale
MAX_COLUMNS: Final = 36

_ID: Final = re.compile(r"\A[a-z][a-z0-9-]{0,60}\Z")


@dataclass(frozen=True, slots=True)
class Share:
    """One bar or column: a share from 0.0 to 1.0, or None when there is nothing to show."""

    label: str
    share: float | None
    detail: str = ""  # shown after the percentage, e.g. "48/50"

    def text(self, missing_text: str) -> str:
        if self.share is None:
            return missing_text
        shown = percent(self.share)
        return f"{shown} ({self.detail})" if self.detail else shown


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _clamp(share: float) -> float:
    return min(max(share, 0.0), 1.0)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    if not _ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r}: lower-case letters, digits and dashes")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern></defs>',
    ]


def bar_chart(
    items: Sequence[Share], *, chart_id: str, title: str, desc: str, missing_text: str
) -> Markup:
    """Horizontal bars, one per item (e.g. each facility's on-time share), 0-100% scale."""
    height = TOP + ROW_HEIGHT * max(len(items), 1) + 4
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    parts = _open(chart_id, width, height, title, desc)
    for tick in (0.0, 0.5, 1.0):
        x = _num(LABEL_WIDTH + tick * BAR_AREA)
        parts.append(
            f'<line class="grid" x1="{x}" y1="{TOP - 4}" x2="{x}" y2="{height - 4}" '
            f'stroke="{GRID}" stroke-width="1" stroke-dasharray="3 3"/>'
            f'<text class="scale" x="{x}" y="{TOP - 8}" text-anchor="middle">{percent(tick)}</text>'
        )
    for row, item in enumerate(items):
        y = TOP + row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        middle = y + BAR_HEIGHT // 2 + 4
        parts.append(f'<g class="item"><title>{escape(item.label)}</title>')
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end">'
            f"{escape(_short(item.label))}</text>"
        )
        if item.share is None:
            parts.append(
                f'<rect class="missing" x="{LABEL_WIDTH}" y="{y}" width="{BAR_AREA}" '
                f'height="{BAR_HEIGHT}" fill="url(#{chart_id}-hatch)" fill-opacity="0.35"/>'
            )
            value_x = LABEL_WIDTH + 8
        else:
            bar = _clamp(item.share) * BAR_AREA
            parts.append(
                f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{_num(bar)}" '
                f'height="{BAR_HEIGHT}" fill="{BAR}"/>'
            )
            value_x = int(LABEL_WIDTH + bar + 6)
        parts.append(
            f'<text class="value" x="{value_x}" y="{middle}">'
            f"{escape(item.text(missing_text))}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def trend_chart(
    points: Sequence[Share],
    *,
    chart_id: str,
    title: str,
    desc: str,
    missing_text: str,
    max_columns: int = MAX_COLUMNS,
) -> Markup:
    """Columns over time (e.g. the on-time share per week); only the last ``max_columns``
    periods are drawn (say so in ``desc``: the table beside lists them all)."""
    shown = list(points)[-max_columns:] if max_columns > 0 else list(points)
    width = LEFT + COLUMN_STEP * max(len(shown), 1) + 8
    base = TOP + PLOT_HEIGHT  # the 0% line
    height = base + AXIS_LABELS
    parts = _open(chart_id, width, height, title, desc)
    for tick in (0.0, 0.5, 1.0):
        y = _num(base - tick * PLOT_HEIGHT)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{width - 4}" y2="{y}" '
            f'stroke="{GRID}" stroke-width="1" stroke-dasharray="3 3"/>'
            f'<text class="scale" x="{LEFT - 6}" y="{y}" dy="4" text-anchor="end">'
            f"{percent(tick)}</text>"
        )
    for index, point in enumerate(shown):
        x = LEFT + index * COLUMN_STEP + (COLUMN_STEP - COLUMN_WIDTH) // 2
        centre = x + COLUMN_WIDTH // 2
        parts.append(f'<g class="item"><title>{escape(point.label)}: ')
        parts.append(f"{escape(point.text(missing_text))}</title>")
        if point.share is None:
            top = base - PLOT_HEIGHT // 4
            parts.append(
                f'<rect class="missing" x="{x}" y="{top}" width="{COLUMN_WIDTH}" '
                f'height="{base - top}" fill="url(#{chart_id}-hatch)" fill-opacity="0.35"/>'
            )
            value = "–"
        else:
            column = _clamp(point.share) * PLOT_HEIGHT
            top = int(base - column)
            parts.append(
                f'<rect class="bar" x="{x}" y="{_num(base - column)}" width="{COLUMN_WIDTH}" '
                f'height="{_num(column)}" fill="{BAR}"/>'
            )
            value = percent(point.share)
        parts.append(
            f'<text class="value" x="{centre}" y="{top - 4}" text-anchor="middle" '
            f'font-size="11">{escape(value)}</text>'
            f'<text class="label" x="{centre}" y="{base + 14}" text-anchor="end" font-size="11" '
            f'transform="rotate(-40 {centre} {base + 14})">{escape(_short(point.label))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
