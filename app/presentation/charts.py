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

# Charts are drawn at their own size (one viewBox unit is one CSS pixel), never stretched to the
# page, so their text keeps its FONT_SIZE; each is as tall as its data needs.
# Horizontal bar chart geometry: each item's name on its own line above its bar, so the chart is
# narrow enough for a phone (LABEL_CHARS characters of 13 px fit CHART_WIDTH).
CHART_WIDTH: Final = 360
BAR_AREA: Final = 250
ROW_HEIGHT: Final = 40
BAR_HEIGHT: Final = 16
TOP: Final = 20  # room for the scale labels
# Column (trend) chart geometry: the columns share TREND_WIDTH, each step between MIN_STEP and
# MAX_STEP px wide (a long series is wider, and a phone scrolls it sideways in its box).
TREND_WIDTH: Final = 560
MIN_STEP: Final = 18
MAX_STEP: Final = 56
COLUMN_SHARE: Final = 0.64  # a column's width as a share of its step
UPRIGHT_VALUES: Final = 30  # narrower steps write the value upwards along the column
SMALL_FONT: Final = 11
PLOT_HEIGHT: Final = 160
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


def _open(chart_id: str, kind: str, width: int, height: int, title: str, desc: str) -> list[str]:
    if not _ID.match(chart_id):
        raise ValueError(f"chart id {chart_id!r}: lower-case letters, digits and dashes")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" id="{chart_id}" '
        'role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern></defs>',
    ]


def _text_width(text: str, size: int) -> float:
    """About how wide ``text`` is drawn: CJK characters are square, others about 0.6 em."""
    return sum(size if ord(char) >= 0x2E80 else size * 0.6 for char in text)


def bar_chart(
    items: Sequence[Share], *, chart_id: str, title: str, desc: str, missing_text: str
) -> Markup:
    """Horizontal bars, one per item (e.g. each facility's on-time share), 0-100% scale; each
    item's name above its bar, its number after it."""
    height = TOP + ROW_HEIGHT * max(len(items), 1)
    parts = _open(chart_id, "bars", CHART_WIDTH, height, title, desc)
    for tick in (0.0, 0.5, 1.0):
        x = _num(tick * BAR_AREA)
        anchor = {0.0: "start", 0.5: "middle", 1.0: "end"}[tick]
        parts.append(
            f'<text class="scale" x="{x}" y="{TOP - 6}" text-anchor="{anchor}" '
            f'font-size="{SMALL_FONT}">{percent(tick)}</text>'
        )
    for row, item in enumerate(items):
        label_y = TOP + row * ROW_HEIGHT + FONT_SIZE
        y = label_y + 5
        middle = y + BAR_HEIGHT // 2 + 4
        parts.append(f'<g class="item"><title>{escape(item.label)}</title>')
        parts.append(f'<text class="label" x="0" y="{label_y}">{escape(_short(item.label))}</text>')
        for tick in (0.0, 0.5, 1.0):  # the scale's lines, beside each bar only
            x = _num(tick * BAR_AREA)
            parts.append(
                f'<line class="grid" x1="{x}" y1="{y - 2}" x2="{x}" y2="{y + BAR_HEIGHT + 2}" '
                f'stroke="{GRID}" stroke-width="1" stroke-dasharray="3 3"/>'
            )
        if item.share is None:
            parts.append(
                f'<rect class="missing" x="0" y="{y}" width="{BAR_AREA}" '
                f'height="{BAR_HEIGHT}" fill="url(#{chart_id}-hatch)" fill-opacity="0.35"/>'
            )
            value_x = 8
        else:
            bar = _clamp(item.share) * BAR_AREA
            parts.append(
                f'<rect class="bar" x="0" y="{y}" width="{_num(bar)}" '
                f'height="{BAR_HEIGHT}" fill="{BAR}"/>'
            )
            value_x = int(bar + 6)
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
    periods are drawn (say so in ``desc``: the table beside lists them all). The columns are as
    wide as their number allows; the room under the plot is as deep as the longest period
    label needs (they are slanted)."""
    shown = list(points)[-max_columns:] if max_columns > 0 else list(points)
    count = max(len(shown), 1)
    step = max(MIN_STEP, min(MAX_STEP, (TREND_WIDTH - LEFT - 8) // count))
    column_width = round(step * COLUMN_SHARE)
    upright = step < UPRIGHT_VALUES
    width = LEFT + step * count + 8
    longest = max((_text_width(_short(p.label), SMALL_FONT) for p in shown), default=0.0)
    axis_labels = int(22 + longest * 0.65)  # sin 40° of the slanted label, and a line
    top = TOP + (16 if upright else 0)  # an upright "100%" stands above the tallest column
    base = top + PLOT_HEIGHT  # the 0% line
    height = base + axis_labels
    parts = _open(chart_id, "trend", width, height, title, desc)
    for tick in (0.0, 0.5, 1.0):
        y = _num(base - tick * PLOT_HEIGHT)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{width - 4}" y2="{y}" '
            f'stroke="{GRID}" stroke-width="1" stroke-dasharray="3 3"/>'
            f'<text class="scale" x="{LEFT - 6}" y="{y}" dy="4" text-anchor="end" '
            f'font-size="{SMALL_FONT}">{percent(tick)}</text>'
        )
    for index, point in enumerate(shown):
        x = LEFT + index * step + (step - column_width) // 2
        centre = x + column_width // 2
        parts.append(f'<g class="item"><title>{escape(point.label)}: ')
        parts.append(f"{escape(point.text(missing_text))}</title>")
        if point.share is None:
            column_top = base - PLOT_HEIGHT // 4
            parts.append(
                f'<rect class="missing" x="{x}" y="{column_top}" width="{column_width}" '
                f'height="{base - column_top}" fill="url(#{chart_id}-hatch)" fill-opacity="0.35"/>'
            )
            value = "–"
        else:
            column = _clamp(point.share) * PLOT_HEIGHT
            column_top = int(base - column)
            parts.append(
                f'<rect class="bar" x="{x}" y="{_num(base - column)}" width="{column_width}" '
                f'height="{_num(column)}" fill="{BAR}"/>'
            )
            value = percent(point.share)
        if upright:
            parts.append(
                f'<text class="value" x="{centre}" y="{column_top - 4}" dy="4" '
                f'font-size="{SMALL_FONT}" transform="rotate(-90 {centre} {column_top - 4})">'
                f"{escape(value)}</text>"
            )
        else:
            parts.append(
                f'<text class="value" x="{centre}" y="{column_top - 4}" text-anchor="middle" '
                f'font-size="{SMALL_FONT}">{escape(value)}</text>'
            )
        parts.append(
            f'<text class="label" x="{centre}" y="{base + 14}" text-anchor="end" '
            f'font-size="{SMALL_FONT}" transform="rotate(-40 {centre} {base + 14})">'
            f"{escape(_short(point.label))}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
