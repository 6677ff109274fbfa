"""Legal policies P1-P6: defaults, display and validation of settings values."""

from __future__ import annotations

import pytest

from app.law.policies import POLICY_IDS, LegalPolicies


def test_defaults_follow_legal_rules_md() -> None:
    assert LegalPolicies().as_dict() == {
        "meeting_clock_start": "on_request",
        "hour_start_rule": "next_full_hour",
        "hour_periods_extend_on_holiday": False,
        "decision_days_kind": "calendar",
        "permission_case_categories": ["state_security", "terrorism"],
        "prompt_target_hours": 24,
    }
    assert sorted(POLICY_IDS.values()) == ["P1", "P2", "P3", "P4", "P5", "P6"]


def test_category_list_from_settings_becomes_a_tuple() -> None:
    cats = ["state_security", "terrorism", "serious_bribery"]
    pol = LegalPolicies(permission_case_categories=cats)  # type: ignore[arg-type]  # TOML list
    assert pol.permission_case_categories == tuple(cats)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hour_start_rule", "rounded", "P2"),
        ("decision_days_kind", "business", "P4"),
        ("meeting_clock_start", "later", "P1"),
        ("hour_periods_extend_on_holiday", "yes", "P3"),
        ("prompt_target_hours", 0, "P6"),
        ("prompt_target_hours", True, "P6"),
        ("permission_case_categories", ("",), "P5"),
    ],
)
def test_invalid_policy_values_are_rejected_naming_the_policy(
    field: str, value: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        LegalPolicies(**{field: value})  # type: ignore[arg-type]  # bad on purpose
