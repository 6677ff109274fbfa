"""Legal references in words (issue 15/17): codes for specialists, words for people."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.law.basis import chinese_number, in_words

_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")}
_UNIT = {"十": 10, "百": 100, "千": 1000}


def _read_back(text: str) -> int:
    """Chinese numerals to an integer (the inverse of chinese_number, for the property)."""
    total, digit = 0, None
    for char in text:
        if char in _UNIT:
            total += (1 if digit is None else digit) * _UNIT[char]
            digit = None
        else:
            digit = _DIGIT[char] or None
    return total + (digit or 0)


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_numbers_read_back_to_the_same_number(n: int) -> None:
    assert _read_back(chinese_number(n)) == n


@pytest.mark.parametrize(("n", "words"), [
    (7, "七"), (10, "十"), (39, "三十九"), (105, "一百零五"),
    (110, "一百一十"), (289, "二百八十九"),
])  # fmt: skip
def test_articles_are_numbered_as_the_law_numbers_them(n: int, words: str) -> None:
    assert chinese_number(n) == words


def test_the_meeting_basis_in_chinese() -> None:
    assert in_words("CPL 39(2); MPS 53; R2015 art. 7", "zh-CN") == (
        "《刑事诉讼法》第三十九条第二款；《公安机关办理刑事案件程序规定》第五十三条；"
        "《关于依法保障律师执业权利的规定》第七条"
    )


def test_ranges_and_lists_of_articles() -> None:
    assert in_words("CPL 156, 158-159", "zh-CN") == (
        "《刑事诉讼法》第一百五十六条、第一百五十八条至第一百五十九条"
    )
    assert in_words("CPL 156, 158-159", "en") == "Criminal Procedure Law, arts. 156, 158-159"


def test_an_investigators_own_spelling_is_read_too() -> None:
    assert in_words("CPL art. 156", "zh-CN") == "《刑事诉讼法》第一百五十六条"


def test_a_reference_it_cannot_read_is_shown_as_written() -> None:
    assert in_words("某地方规定第3条", "zh-CN") == "某地方规定第3条"
