"""What a notice says to a person: times with the zone in words, the lawyer's name once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.rendering import TEMPLATES_DIR, render
from notifications.wording import day_in_words, local_time, span_in_words

FRIDAY_NIGHT = datetime(2026, 12, 11, 13, 40, tzinfo=UTC)


def test_a_time_is_said_with_its_weekday_and_beijing_time() -> None:
    assert (
        local_time(FRIDAY_NIGHT, "Asia/Shanghai", "zh-CN") == "2026年12月11日（周五）21:40 北京时间"
    )
    assert local_time(FRIDAY_NIGHT, "Asia/Shanghai", "en") == "Fri 11 Dec 2026, 21:40 Beijing time"


def test_an_end_of_day_deadline_reads_as_24_00_of_its_last_day() -> None:
    midnight = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)  # 00:00 on Thu 10 Dec in Beijing
    said = local_time(midnight, "Asia/Shanghai", "zh-CN", end_of_day=True)
    assert said == "2026年12月9日（周三）24:00 北京时间"
    assert local_time(midnight, "Asia/Shanghai", "en", end_of_day=True) == (
        "Wed 9 Dec 2026, 24:00 Beijing time"
    )
    assert local_time(midnight, "Asia/Shanghai", "en") == "Thu 10 Dec 2026, 00:00 Beijing time"
    not_midnight = midnight + timedelta(minutes=1)
    assert "00:01" in local_time(not_midnight, "Asia/Shanghai", "en", end_of_day=True)


def test_a_zone_without_a_name_is_said_by_its_offset_never_its_identifier() -> None:
    assert local_time(FRIDAY_NIGHT, "Europe/Berlin", "en") == "Fri 11 Dec 2026, 14:40 UTC+1"
    assert local_time(FRIDAY_NIGHT, "Asia/Kolkata", "zh-CN").endswith("19:10 UTC+5:30")


def test_a_day_is_said_in_words() -> None:
    assert day_in_words(date(2027, 1, 7), "zh-CN") == "2027年1月7日"
    assert day_in_words(date(2027, 1, 7), "en") == "7 Jan 2027"


@pytest.mark.parametrize("kind", sorted(p.name for p in TEMPLATES_DIR.iterdir() if p.is_dir()))
def test_no_notice_calls_a_lawyer_lawyer_twice(kind: str) -> None:
    sample = json.loads((Path(TEMPLATES_DIR) / kind / "sample.json").read_text(encoding="utf-8"))
    sample = {k: ("王律师" if k in ("lawyer", "display_name") else v) for k, v in sample.items()}
    for language in ("zh-CN", "en"):
        message = render(kind, language, sample)
        for text in (message.subject, message.text, message.html, message.sms):
            assert "律师律师" not in text and "律师 律师" not in text


@pytest.mark.parametrize(
    ("span", "zh", "en"),
    [(timedelta(hours=29, minutes=18, seconds=59), "29小时18分", "29 h 18 min"),
     (timedelta(minutes=45), "45分", "45 min"),
     (timedelta(hours=3), "3小时", "3 h"),
     (timedelta(days=2, hours=3, minutes=5), "2天3小时", "2 d 3 h"),
     (timedelta(seconds=20), "0分", "0 min"),
     (-timedelta(hours=5, minutes=2), "5小时2分", "5 h 2 min")],
)  # fmt: skip
def test_a_span_is_said_in_days_hours_and_minutes(span: timedelta, zh: str, en: str) -> None:
    assert (span_in_words(span, "zh-CN"), span_in_words(span, "en")) == (zh, en)


@given(st.integers(min_value=0, max_value=10 * 24 * 60))
def test_a_span_under_two_days_names_every_minute(minutes: int) -> None:
    words = span_in_words(timedelta(minutes=minutes), "en")
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        assert words.endswith(f"{rest} min") or (rest == 0 and words == f"{hours} h")
