"""Message templates: every notice in every language renders all four parts; HTML is escaped."""

from __future__ import annotations

import pytest

from notifications.rendering import (
    LANGUAGES,
    RenderError,
    UnknownTemplate,
    known_kinds,
    language_for,
    render,
)

PAYLOADS = {
    "account_verified": {
        "display_name": "张律师",
        "licence_number": "11012015110123456",
        "url": "u",
    },
    "case_event_notice": {
        "case_number": "京公(海)刑字2026-001",
        "event": "移送审查起诉",
        "occurred_at": "2026-11-26 10:00 Asia/Shanghai",
        "legal_basis": "CPL 162; MPS 289",
        "detail": "",
        "deadline": "",
        "url": "u",
    },
    "test_message": {"text": "hello"},
}


def test_the_shipped_notices_are_the_known_kinds() -> None:
    assert known_kinds() == sorted(PAYLOADS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_every_part_renders_non_empty(kind: str, language: str) -> None:
    message = render(kind, language, PAYLOADS[kind])
    assert all((message.subject, message.text, message.html, message.sms))


def test_the_case_notice_names_its_legal_basis_in_every_part() -> None:
    message = render("case_event_notice", "zh-CN", PAYLOADS["case_event_notice"])
    assert all("CPL 162" in part for part in (message.text, message.html, message.sms))


def test_html_is_escaped_and_text_is_not() -> None:
    message = render("test_message", "en", {"text": "<script>"})
    assert "&lt;script&gt;" in message.html and "<script>" not in message.html
    assert "<script>" in message.text


def test_a_subject_is_always_one_line() -> None:
    message = render("test_message", "en", {"text": "a\nBcc: x@example.test"})
    assert "\n" not in message.subject


def test_an_unknown_language_falls_back_to_chinese() -> None:
    assert language_for("fr") == "zh-CN"
    assert render("test_message", "fr", {"text": "x"}).subject == "lawmeet 测试消息"


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(UnknownTemplate):
        render("nope", "en", {})


def test_a_missing_payload_key_is_an_error_not_a_blank() -> None:
    with pytest.raises(RenderError):
        render("test_message", "en", {})
