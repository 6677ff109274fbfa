"""Notices say times and legal references in their reader's words (issue 17): the payload
carries the instant and the zone, the template words them in the notice's language."""

from __future__ import annotations

from notifications.previews import sample_payload
from notifications.rendering import render
from notifications.wording import notice_span, notice_time

CODES = ("Asia/Shanghai", "CPL", "MPS", "T09:00")


def test_a_meeting_notice_says_its_time_in_each_language() -> None:
    payload = sample_payload("meeting_booked")
    zh, en = render("meeting_booked", "zh-CN", payload), render("meeting_booked", "en", payload)
    assert "2026年12月7日（周一）09:00至10:00 北京时间" in zh.text
    assert "Mon 7 Dec 2026, 09:00-10:00 Beijing time" in en.text
    assert "2026年12月7日（周一）09:00 北京时间" in zh.sms and "Beijing time" in en.subject
    for part in (zh.subject, zh.text, zh.html, zh.sms, en.subject, en.text, en.html, en.sms):
        assert not any(code in part for code in CODES), part


def test_a_notice_queued_before_the_change_still_reads_in_words() -> None:
    payload = {**sample_payload("meeting_reminder"), "starts": "2026-12-08 09:00 (Asia/Shanghai)",
               "ends": "2026-12-08 10:00 (Asia/Shanghai)"}  # fmt: skip
    del payload["timezone"]
    message = render("meeting_reminder", "zh-CN", payload)
    assert "2026年12月8日（周二）09:00至10:00 北京时间" in message.text


def test_the_closure_notice_names_its_basis_and_times_in_words() -> None:
    payload = sample_payload("meeting_closure_rebooking")
    zh = render("meeting_closure_rebooking", "zh-CN", payload).text
    en = render("meeting_closure_rebooking", "en", payload).text
    assert "《刑事诉讼法》第三十九条第二款" in zh and "2026年11月28日（周六）11:00 北京时间" in zh
    assert "Criminal Procedure Law, art. 39(2)" in en and "(Asia/Shanghai)" not in en
    assert not any(code in zh + en for code in ("CPL", "Asia/Shanghai"))


def test_a_deadline_at_midnight_reads_as_24_00_of_the_day_before() -> None:
    said = notice_time("2026-12-10T16:00+00:00", "Asia/Shanghai", "zh-CN")
    assert said == "2026年12月11日（周五）00:00 北京时间"
    due = render("submission_received", "zh-CN", sample_payload("submission_received")).text
    assert "处理期限：2026年12月10日（周四）24:00 北京时间" in due


def test_a_value_that_is_no_time_is_shown_as_it_is() -> None:
    assert notice_time("", "Asia/Shanghai", "en") == ""
    assert notice_time("soon", "Asia/Shanghai", "en") == "soon"
    assert notice_span("2026-12-07 23:00", "2026-12-08 01:00", "Asia/Shanghai", "en") == (
        "Mon 7 Dec 2026, 23:00 Beijing time to Tue 8 Dec 2026, 01:00 Beijing time"
    )
