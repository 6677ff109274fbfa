"""Explanation texts: every code has both locales, and rendering is locale-aware."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.law.explanations import TEXTS, ExplanationStep, render_explanation


def test_every_code_has_chinese_and_english_with_the_same_placeholders() -> None:
    for code, texts in TEXTS.items():
        zh = set(re.findall(r"\{(\w+)\}", texts["zh-CN"]))
        en = set(re.findall(r"\{(\w+)\}", texts["en"]))
        assert zh - {"skipped_zh"} == en - {"skipped_en"}, code


def test_english_rendering_spells_out_iso_dates_and_chinese_keeps_them() -> None:
    step = ExplanationStep("start_day", {"start_day": "2026-09-30"})
    assert render_explanation([step], "en") == [
        "The day in which a period begins is not counted (CPL art. 105), "
        "so counting starts on 30 Sep 2026."
    ]
    assert "自 2026-09-30 起算" in render_explanation([step], "zh-CN")[0]


def test_locale_variants_are_normalised() -> None:
    step = ExplanationStep("custody_not_moved", {})
    assert render_explanation([step], "zh") == render_explanation([step], "zh_Hans_CN")
    assert render_explanation([step], "en-GB") == render_explanation([step], "en")


def test_unknown_locale_code_or_missing_param_raise_value_error() -> None:
    with pytest.raises(ValueError, match="locale"):
        render_explanation([ExplanationStep("custody_not_moved", {})], "fr")
    with pytest.raises(ValueError, match="no explanation text"):
        render_explanation([ExplanationStep("nope", {})], "en")
    with pytest.raises(ValueError, match="lacks parameter"):
        render_explanation([ExplanationStep("start_day", {})], "en")


def test_trigger_step_shows_offset_for_repeated_hour() -> None:
    from app.law.explanations import format_offset

    ny = ZoneInfo("America/New_York")
    assert format_offset(datetime(2026, 11, 1, 1, 30, tzinfo=ny, fold=0)) == "-04:00"
    assert format_offset(datetime(2026, 11, 1, 1, 30, tzinfo=ny, fold=1)) == "-05:00"
