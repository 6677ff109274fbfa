"""What a notice says to a person: times with the zone in words, the lawyer's name once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from notifications.rendering import TEMPLATES_DIR, render
from notifications.wording import day_in_words, local_time

FRIDAY_NIGHT = datetime(2026, 12, 11, 13, 40, tzinfo=UTC)


def test_a_time_is_said_with_its_weekday_and_beijing_time() -> None:
    assert (
        local_time(FRIDAY_NIGHT, "Asia/Shanghai", "zh-CN") == "2026年12月11日（周五）21:40 北京时间"
    )
    assert local_time(FRIDAY_NIGHT, "Asia/Shanghai", "en") == "Fri 11 Dec 2026, 21:40 Beijing time"


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
