"""Which channel a notice goes by: preferences, SMS opt-out, statutory fallback (pure)."""

from __future__ import annotations

from notifications.kinds import Channel
from notifications.preferences import START_WORDS, STOP_WORDS, keyword
from notifications.previews import sms_size
from notifications.routing import Facts, Route, normalise_phone, route

MAIL, PHONE = "l@example.test", "+8613800000000"


def facts(**changes: object) -> Facts:
    values: dict[str, object] = {"email": MAIL, "phone": PHONE, **changes}
    return Facts(**values)  # type: ignore[arg-type]


def test_a_channel_kept_on_is_used_as_asked() -> None:
    assert route(Channel.EMAIL, MAIL, facts(), statutory=False) == Route(Channel.EMAIL, MAIL)


def test_a_non_statutory_notice_on_a_channel_turned_off_is_cancelled() -> None:
    way = route(Channel.EMAIL, MAIL, facts(email_on=False), statutory=False)
    assert (way.channel, way.cancelled) == (Channel.EMAIL, "preference")


def test_a_non_statutory_sms_to_an_opted_out_number_is_cancelled() -> None:
    way = route(Channel.SMS, PHONE, facts(phone_opted_out=True), statutory=False)
    assert way.cancelled == "opted_out"


def test_a_statutory_email_turned_off_goes_by_sms_and_says_so() -> None:
    way = route(Channel.EMAIL, MAIL, facts(email_on=False), statutory=True)
    assert (way.channel, way.address, way.cancelled) == (Channel.SMS, PHONE, "")
    assert way.fallback == {"from": "email", "to": "sms", "reason": "preference"}


def test_a_statutory_sms_to_an_opted_out_number_goes_by_email() -> None:
    way = route(Channel.SMS, PHONE, facts(phone_opted_out=True), statutory=True)
    assert (way.channel, way.address) == (Channel.EMAIL, MAIL)
    assert way.fallback == {"from": "sms", "to": "email", "reason": "opted_out"}


def test_a_statutory_notice_uses_a_turned_off_channel_when_no_other_can_carry_it() -> None:
    way = route(Channel.EMAIL, MAIL, facts(email_on=False, phone=""), statutory=True)
    assert (way.channel, way.dead, way.cancelled) == (Channel.EMAIL, "", "")
    assert way.fallback == {"from": "email", "to": "email", "reason": "preference"}


def test_a_statutory_sms_to_an_opted_out_number_with_no_email_is_dead() -> None:
    way = route(Channel.SMS, PHONE, facts(phone_opted_out=True, email=""), statutory=True)
    assert way.dead == "opted_out"


def test_the_inbox_ignores_every_preference() -> None:
    off = facts(email_on=False, sms_on=False, phone_opted_out=True)
    assert route(Channel.INAPP, "", off, statutory=False) == Route(Channel.INAPP, "")


def test_a_mainland_mobile_without_prefix_gains_plus_86() -> None:
    assert normalise_phone("138 0000 0000") == "+8613800000000"
    assert normalise_phone("+86 138-0000-0000") == "+8613800000000"
    assert normalise_phone("+1 415 555 0100") == "+14155550100"


def test_stop_and_start_words_ignore_case_and_spaces() -> None:
    assert {keyword(" Stop "), keyword("s t o p"), keyword("退 订"), keyword("UnSubscribe")} <= (
        STOP_WORDS
    )
    assert {keyword("start"), keyword(" 订阅 ")} <= START_WORDS
    assert keyword("stop please") not in STOP_WORDS


def test_sms_segments_count_gsm_and_chinese_text_as_carriers_do() -> None:
    assert (sms_size("a" * 160).segments, sms_size("a" * 161).segments) == (1, 2)
    assert sms_size("案" * 70) == sms_size("案" * 70).__class__(70, "UCS-2", 1)
    assert sms_size("案" * 71).segments == 2
    assert sms_size("案" * 135).segments == 3  # 67 per part once split
    assert sms_size("{" * 80).segments == 1 and sms_size("{" * 81).segments == 2
