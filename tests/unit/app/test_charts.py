"""The dashboard's server-rendered SVG charts: named for assistive technology, numbers as text,
missing values hatched and labelled, names escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.presentation.charts import (
    BAR_AREA,
    PLOT_HEIGHT,
    ROW_HEIGHT,
    Share,
    bar_chart,
    percent,
    trend_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, not untrusted input


def by_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if e.get("class") == name]


def texts(root: ET.Element, name: str) -> list[str]:
    return [e.text or "" for e in by_class(root, "text", name)]


def bars(items: list[Share]) -> ET.Element:
    chart = bar_chart(
        items, chart_id="m1", title="On time (M1)", desc="Per centre", missing_text="none"
    )
    return parse(chart)


def test_a_bar_chart_is_an_image_named_by_its_title_and_description() -> None:
    root = bars([Share("A", 0.5)])
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m1-title m1-desc"
    assert root.find(f"{SVG}title[@id='m1-title']").text == "On time (M1)"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc[@id='m1-desc']").text == "Per centre"  # type: ignore[union-attr]


def test_each_item_gets_one_bar_as_wide_as_its_share() -> None:
    root = bars([Share("A", 1.0), Share("B", 0.25), Share("C", 0.0)])
    widths = [float(rect.get("width", "")) for rect in by_class(root, "rect", "bar")]
    assert widths == [BAR_AREA, BAR_AREA * 0.25, 0.0]


def test_each_bar_is_labelled_with_its_name_and_number() -> None:
    root = bars([Share("Haidian", 0.96, "48/50"), Share("Chaoyang", 0.71)])
    assert texts(root, "label") == ["Haidian", "Chaoyang"]
    assert texts(root, "value") == ["96% (48/50)", "71%"]


def test_a_missing_share_is_hatched_and_labelled_not_drawn_as_zero() -> None:
    root = bars([Share("Empty", None)])
    assert by_class(root, "rect", "bar") == []
    [missing] = by_class(root, "rect", "missing")
    assert missing.get("fill") == "url(#m1-hatch)"
    assert root.find(f".//{SVG}pattern[@id='m1-hatch']") is not None
    assert texts(root, "value") == ["none"]


def test_names_with_markup_characters_are_escaped() -> None:
    markup = bar_chart(
        [Share("<&> centre", 0.5)], chart_id="x", title='T "<b>"', desc="a & b", missing_text="-"
    )
    assert "<b>" not in markup
    root = parse(markup)
    assert texts(root, "label") == ["<&> centre"]
    assert root.find(f"{SVG}title").text == 'T "<b>"'  # type: ignore[union-attr]


def test_a_long_name_is_shortened_on_the_chart_and_kept_whole_in_its_tooltip() -> None:
    name = "第一看守所" * 5
    root = bars([Share(name, 0.5)])
    [label] = texts(root, "label")
    assert label.endswith("…") and len(label) == 16
    [group] = by_class(root, "g", "item")
    assert group.find(f"{SVG}title").text == name  # type: ignore[union-attr]


def test_a_share_beyond_the_scale_is_drawn_at_its_edge() -> None:
    root = bars([Share("Odd", 1.5)])
    [rect] = by_class(root, "rect", "bar")
    assert float(rect.get("width", "")) == BAR_AREA


def test_an_unsafe_chart_id_is_refused() -> None:
    with pytest.raises(ValueError):
        bar_chart([], chart_id='x" onload="', title="t", desc="d", missing_text="-")


def test_a_trend_chart_draws_one_column_per_period_as_tall_as_its_share() -> None:
    points = [Share("2026-09", 1.0), Share("2026-10", 0.5), Share("2026-11", None)]
    root = parse(trend_chart(points, chart_id="t", title="T", desc="D", missing_text="none"))
    heights = [float(rect.get("height", "")) for rect in by_class(root, "rect", "bar")]
    assert heights == [PLOT_HEIGHT, PLOT_HEIGHT / 2]
    assert len(by_class(root, "rect", "missing")) == 1
    assert texts(root, "label") == ["2026-09", "2026-10", "2026-11"]
    assert texts(root, "value") == ["100%", "50%", "–"]
    assert root.get("role") == "img" and root.get("aria-labelledby") == "t-title t-desc"


def test_a_long_trend_shows_only_the_latest_periods() -> None:
    points = [Share(f"W{n:02d}", 0.5) for n in range(1, 51)]
    root = parse(
        trend_chart(points, chart_id="t", title="T", desc="D", missing_text="-", max_columns=10)
    )
    assert texts(root, "label") == [f"W{n:02d}" for n in range(41, 51)]


def test_percentages_are_whole_numbers() -> None:
    assert [percent(0.0), percent(0.964), percent(1.0)] == ["0%", "96%", "100%"]


def size(root: ET.Element) -> tuple[float, float]:
    """The drawn size, which is the viewBox's: one unit is one pixel, text keeps its size."""
    width, height = float(root.get("width", "")), float(root.get("height", ""))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    return width, height


def test_a_bar_chart_is_narrow_enough_for_a_phone_and_as_tall_as_its_items() -> None:
    one = size(bars([Share("A", 0.5)]))
    three = size(bars([Share("A", 0.5), Share("B", 0.5), Share("C", 0.5)]))
    assert one[0] == three[0] <= 360
    assert three[1] - one[1] == 2 * ROW_HEIGHT
    assert three[1] < 160


def test_a_trend_is_as_wide_as_its_periods_and_as_tall_whatever_their_number() -> None:
    def trend(count: int) -> tuple[float, float]:
        points = [Share(f"2026-W{n:02d}", 0.5) for n in range(1, count + 1)]
        return size(parse(trend_chart(points, chart_id="t", title="T", desc="D", missing_text="-")))

    four, sixteen, thirty_six = trend(4), trend(16), trend(36)
    assert four[0] < 300 < sixteen[0] <= 560 < thirty_six[0] <= 720
    assert abs(four[1] - sixteen[1]) <= 16 and thirty_six[1] < 260  # no longer 835 px tall


def test_narrow_columns_write_their_value_upwards() -> None:
    points = [Share(f"W{n:02d}", 0.5) for n in range(1, 37)]
    root = parse(trend_chart(points, chart_id="t", title="T", desc="D", missing_text="-"))
    values = by_class(root, "text", "value")
    assert len(values) == 36 and all("rotate(-90" in v.get("transform", "") for v in values)
