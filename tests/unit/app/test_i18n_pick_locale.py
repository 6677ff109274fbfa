"""Choosing the language of a page: the header's switch (cookie), then the account's
language, then Accept-Language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.presentation.i18n import LOCALES, pick_locale


def test_the_switch_wins_over_the_account_and_the_browser() -> None:
    assert pick_locale("en", "zh-CN", "zh-CN,zh;q=0.9", "zh-CN") == "en"


def test_the_account_language_wins_over_the_browser() -> None:
    assert pick_locale(None, "en", "zh-CN", "zh-CN") == "en"


def test_an_unknown_switch_value_falls_through_to_the_account() -> None:
    assert pick_locale("fr", "en", "", "zh-CN") == "en"


def test_unknown_values_fall_through_to_the_browser() -> None:
    assert pick_locale("<script>", None, "en-GB", "zh-CN") == "en"


@pytest.mark.parametrize("header", ["zh-CN", "zh", "zh-TW", "zh-Hans-CN", "ZH-cn", "zh-HK;q=0.8"])
def test_any_chinese_tag_gives_simplified_chinese(header: str) -> None:
    assert pick_locale(None, None, header, "en") == "zh-CN"


@pytest.mark.parametrize("header", ["en", "en-US", "EN-gb", "en-US,en;q=0.9"])
def test_any_english_tag_gives_english(header: str) -> None:
    assert pick_locale(None, None, header, "zh-CN") == "en"


def test_first_known_language_in_the_list_is_taken() -> None:
    assert pick_locale(None, None, "fr-FR, de;q=0.9, en;q=0.8, zh;q=0.7", "zh-CN") == "en"


def test_higher_quality_wins_over_list_order() -> None:
    assert pick_locale(None, None, "en;q=0.2, zh-CN;q=0.9", "en") == "zh-CN"


def test_quality_zero_means_not_acceptable() -> None:
    assert pick_locale(None, None, "en;q=0, fr", "zh-CN") == "zh-CN"
    assert pick_locale(None, None, "zh;q=0, en;q=0.1", "zh-CN") == "en"


def test_malformed_quality_is_ignored_not_fatal() -> None:
    assert pick_locale(None, None, "en;q=high", "zh-CN") in LOCALES


@pytest.mark.parametrize("header", ["", "*", "fr, de", ";;,,", "english"])
def test_no_known_language_gives_the_default(header: str) -> None:
    assert pick_locale(None, None, header, "en") == "en"
    assert pick_locale(None, None, header, "zh-CN") == "zh-CN"


@given(
    st.one_of(st.none(), st.text(max_size=10)),
    st.one_of(st.none(), st.text(max_size=10)),
    st.text(max_size=60),
    st.sampled_from(LOCALES),
)
def test_result_is_always_a_supported_locale(
    user_choice: str | None, cookie: str | None, header: str, default: str
) -> None:
    assert pick_locale(user_choice, cookie, header, default) in LOCALES
