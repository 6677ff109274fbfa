"""The statutory catalogue: complete against LEGAL_RULES.md, and validated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.law.catalogue import CATALOGUE_FILE, load_catalogue, parse_catalogue
from app.law.periods import PeriodKind

# The domain brief lives in ../shared beside the checkout (as in CI). A snapshot of its duty ids
# is kept here so the suite also runs in a checkout without it; a test keeps the two in step.
LEGAL_RULES = Path(__file__).resolve().parents[3].parent / "shared" / "LEGAL_RULES.md"
SNAPSHOT = Path(__file__).with_name("legal_rules_duty_ids.txt")

MINIMAL_DUTY = """
[[duty]]
id = "M1"
owed_by = "detention_centre"
trigger = "meeting_requested"
period = "48h"
period_kind = "procedural"
statutory = true
policies = ["P1"]
basis = "CPL 39(2)"
fulfilment = "meeting_started"
title = { zh-CN = "安排会见", en = "Arrange the meeting" }
explanation = { zh-CN = "说明", en = "Explanation" }
"""


def duty_ids_in_legal_rules() -> set[str]:
    if not LEGAL_RULES.exists():
        return set(SNAPSHOT.read_text(encoding="utf-8").split())
    text = LEGAL_RULES.read_text(encoding="utf-8")
    return set(re.findall(r"^\| ([MNOCK][0-9]) \|", text, flags=re.MULTILINE))


def test_the_snapshot_of_duty_ids_matches_the_domain_brief() -> None:
    """Where the brief is present (CI, developers), the snapshot must not have gone stale."""
    assert set(SNAPSHOT.read_text(encoding="utf-8").split()) == duty_ids_in_legal_rules()


def test_every_duty_of_the_legal_rules_is_in_the_catalogue() -> None:
    catalogue_ids = {duty.id for duty in load_catalogue().duty}
    assert duty_ids_in_legal_rules() - catalogue_ids == set()


def test_the_catalogue_holds_no_duty_the_legal_rules_do_not_name() -> None:
    catalogue_ids = {duty.id for duty in load_catalogue().duty}
    assert catalogue_ids - duty_ids_in_legal_rules() == set()


def test_the_meeting_duty_is_48_hours_procedural_with_policies_p1_to_p3() -> None:
    m1 = load_catalogue().by_id("M1")
    assert m1.period == "48h" and m1.period_kind == PeriodKind.PROCEDURAL
    assert m1.policies == ("P1", "P2", "P3")


def test_custody_after_arrest_is_a_custody_period_never_moved() -> None:
    assert load_catalogue().by_id("K1").period_kind == PeriodKind.CUSTODY


def test_prompt_notices_are_targets_not_statutory_limits() -> None:
    for duty_id in ("N1", "N2", "N3", "N4"):
        duty = load_catalogue().by_id(duty_id)
        assert duty.period_kind == PeriodKind.TARGET and not duty.statutory
        assert "P6" in duty.policies


def test_every_duty_has_chinese_and_english_titles_and_a_basis() -> None:
    for duty in load_catalogue().duty:
        assert duty.title.in_locale("zh-CN") and duty.title.in_locale("en")
        assert duty.basis


def test_a_minimal_duty_parses() -> None:
    assert parse_catalogue(MINIMAL_DUTY).by_id("M1").parsed_period is not None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (('period = "48h"', 'period = "48x"'), "unknown period unit"),
        (('policies = ["P1"]', 'policies = ["P9"]'), "unknown policy"),
        (('owed_by = "detention_centre"', 'owed_by = "nobody"'), "unknown owner"),
        (('period_kind = "procedural"\n', ""), "period without kind"),
        (('id = "M1"', 'id = "X1"'), "bad id"),
        (('en = "Arrange the meeting"', 'en = ""'), "empty English title"),
    ],
)
def test_a_malformed_duty_is_refused(change: tuple[str, str], reason: str) -> None:
    with pytest.raises(ValidationError):
        parse_catalogue(MINIMAL_DUTY.replace(*change))


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValidationError):
        parse_catalogue(MINIMAL_DUTY + MINIMAL_DUTY)


def test_the_shipped_file_is_the_one_loaded() -> None:
    assert CATALOGUE_FILE.name == "catalogue.toml" and CATALOGUE_FILE.exists()


def test_a_malformed_catalogue_stops_the_app_from_starting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from app import main
    from app.law import context
    from app.settings import Settings

    broken = tmp_path / "catalogue.toml"
    broken.write_text(MINIMAL_DUTY.replace('owed_by = "detention_centre"', 'owed_by = "x"'))
    monkeypatch.setattr(context, "load_catalogue", lambda: load_catalogue(broken))
    settings = Settings.model_validate({"app": {"secret_key": "k" * 40}})
    with pytest.raises(ValidationError):
        main.create_app(settings)
