"""Legal references, counting rules, policies and checklist notes as a page says them
(app.presentation.legal_words, app.presentation.checklist_labels): the codes stay in the
catalogue, the stored deadlines and the API."""

from __future__ import annotations

import re

import pytest

from app.law.catalogue import load_catalogue
from app.law.explanations import ExplanationStep
from app.presentation.checklist_labels import note_words
from app.presentation.legal_words import (
    explanation_words,
    policy_value_words,
    reference_words,
)

STATUTE_CODE = r"\b(?:CPL|MPS|R2015|SPP|SPC)\s*(?:arts?\.?\s*|Arts?\s*)?\d"


def test_the_meeting_basis_is_said_in_full_in_both_spellings() -> None:
    words = (
        "《刑事诉讼法》第三十九条第二款；《公安机关办理刑事案件程序规定》第五十三条；"
        "《关于依法保障律师执业权利的规定》第七条"
    )
    assert reference_words("CPL 39(2); MPS 53; R2015 art. 7", "zh-CN") == words
    assert reference_words("CPL 39(2); MPS 53; R2015 Art 7", "zh-CN") == words
    assert reference_words("R2015 Art 7", "en") == (
        "Provisions on Lawfully Safeguarding Lawyers' Practice Rights (2015), art. 7"
    )


@pytest.mark.parametrize(
    ("rule", "zh", "en"),
    [
        ("CPL 105", "《刑事诉讼法》第一百零五条", "Criminal Procedure Law, art. 105"),
        ("CPL 105 / SPC 202",
         "《刑事诉讼法》第一百零五条、《最高人民法院关于适用〈刑事诉讼法〉的解释》第二百零二条",
         "Criminal Procedure Law, art. 105 / Supreme People's Court Interpretation of the "
         "Criminal Procedure Law, art. 202"),
        ("policy P6 target (not a statutory limit)", "依政策P6设定的目标时限，并非法定期限",
         "Target set by policy P6, not a statutory limit"),
    ],
)  # fmt: skip
def test_a_deadlines_rule_is_said_in_words(rule: str, zh: str, en: str) -> None:
    assert (reference_words(rule, "zh-CN"), reference_words(rule, "en")) == (zh, en)


@pytest.mark.parametrize("duty", load_catalogue().duty, ids=lambda d: d.id)
def test_every_catalogue_basis_reads_without_codes_in_chinese(duty: object) -> None:
    words = reference_words(duty.basis, "zh-CN")  # type: ignore[attr-defined]
    assert not re.search(STATUTE_CODE, words), words


def test_a_counting_step_names_the_zone_in_words() -> None:
    step = ExplanationStep(
        "trigger", {"trigger": "2026-12-07 10:20", "tz": "Asia/Shanghai", "offset": "+08:00"}
    )
    [zh] = explanation_words([step], "zh-CN")
    [en] = explanation_words([step], "en")
    assert "北京时间" in zh and "Beijing time" in en
    assert "Asia/Shanghai" not in zh + en


def test_policy_values_are_said_in_words() -> None:
    assert policy_value_words("decision_days_kind", "calendar", "en") == "calendar days"
    assert policy_value_words("prompt_target_hours", 24, "zh-CN") == "24小时"
    assert policy_value_words("permission_case_categories", ["terrorism"], "en") == "Terrorism"
    assert policy_value_words("hour_periods_extend_on_holiday", False, "zh-CN") == "否"


def test_checklist_notes_are_said_in_words_and_unknown_ones_kept() -> None:
    assert note_words("extended to 2027-01-07 by event 5", "en") == (
        "Extended to 7 Jan 2027 by case event #5"
    )
    assert "2027年1月7日" in note_words("extended to 2027-01-07 by event 5", "zh-CN")
    assert note_words("standing duty, not judged here", "en") == (
        "A standing duty: not judged case by case"
    )
    assert note_words("something new", "zh-CN") == "something new"
