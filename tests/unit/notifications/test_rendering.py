"""Message templates: every notice in every language renders all four parts; HTML is escaped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from notifications.rendering import (
    LANGUAGES,
    TEMPLATES_DIR,
    RenderError,
    UnknownTemplate,
    known_kinds,
    language_for,
    render,
)


def _samples() -> dict[str, dict[str, Any]]:
    # Every kind ships its sample payload (the admin preview uses the same files).
    return {
        kind: json.loads((TEMPLATES_DIR / kind / "sample.json").read_text(encoding="utf-8"))
        for kind in known_kinds()
    }


PAYLOADS = _samples()


def test_the_kinds_include_the_notices_the_services_send() -> None:
    sent = {"account_verified", "case_event_notice", "meeting_booked", "meeting_cancelled",
            "meeting_reminder", "meeting_rescheduled", "meeting_permission_decided",
            "meeting_permission_lifted",
            "meeting_closure_rebooking", "meeting_new_slots", "submission_received",
            "submission_handled", "complaint_reply", "test_message"}  # fmt: skip
    assert sent <= set(known_kinds())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_every_part_renders_non_empty(kind: str, language: str) -> None:
    message = render(kind, language, PAYLOADS[kind])
    assert all((message.subject, message.text, message.html, message.sms))


def test_the_case_notice_names_its_legal_basis_in_every_part() -> None:
    payload = {**PAYLOADS["case_event_notice"], "legal_basis": "CPL 162; MPS 289"}
    message = render("case_event_notice", "zh-CN", payload)
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


def test_a_permission_answer_queued_before_contacts_were_named_still_renders() -> None:
    payload = dict(PAYLOADS["meeting_permission_decided"])
    for key in ("contact_unit", "contact_person", "contact_phone", "lifted_at"):
        del payload[key]
    message = render("meeting_permission_decided", "zh-CN", payload)
    assert "联系单位" not in message.text and payload["reasons"] in message.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lifting_of_a_refusal_names_the_contact_and_the_statement(language: str) -> None:
    payload = PAYLOADS["meeting_permission_lifted"]
    message = render("meeting_permission_lifted", language, payload)
    for words in (payload["contact_unit"], payload["contact_person"], payload["lift_reason"]):
        assert words in message.text and words in message.html
