"""The named legal policies P1-P6 (LEGAL_RULES.md, "Ambiguities") and their defaults.

Where the law is unclear the choice is a named, visible policy, never a silent pick. The deadline
engine reports which of these it applied next to every computed deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Final, Literal, get_args

if TYPE_CHECKING:
    from app.settings import LegalSection

MeetingClockStart = Literal["on_request", "after_document_check"]
HourStartRule = Literal["next_full_hour", "exact"]
DecisionDaysKind = Literal["calendar", "working"]

#: Policy field name -> the identifier used in LEGAL_RULES.md and in the UI.
POLICY_IDS: Final[dict[str, str]] = {
    "meeting_clock_start": "P1",
    "hour_start_rule": "P2",
    "hour_periods_extend_on_holiday": "P3",
    "decision_days_kind": "P4",
    "permission_case_categories": "P5",
    "prompt_target_hours": "P6",
}


@dataclass(frozen=True, slots=True)
class LegalPolicies:
    """P1-P6. Defaults follow the statute text (CPL 2018); alternatives are documented choices."""

    meeting_clock_start: MeetingClockStart = "on_request"  # P1: CPL 39 "要求会见" vs MPS 53
    hour_start_rule: HourStartRule = "next_full_hour"  # P2: CPL 105, starting hour not counted
    hour_periods_extend_on_holiday: bool = False  # P3: hour limits run continuously
    decision_days_kind: DecisionDaysKind = "calendar"  # P4: "3 days" = calendar days + CPL 105
    permission_case_categories: tuple[str, ...] = ("state_security", "terrorism")  # P5: CPL 39(3)
    prompt_target_hours: int = 24  # P6: target for "promptly" duties, not a statutory limit

    def __post_init__(self) -> None:
        # Values usually come from settings.toml, so the Literal types are checked at run time too.
        _check_choice("meeting_clock_start", self.meeting_clock_start, MeetingClockStart)
        _check_choice("hour_start_rule", self.hour_start_rule, HourStartRule)
        _check_choice("decision_days_kind", self.decision_days_kind, DecisionDaysKind)
        if not isinstance(self.hour_periods_extend_on_holiday, bool):
            raise ValueError("hour_periods_extend_on_holiday (P3) must be true or false")
        if isinstance(self.permission_case_categories, list):  # as read from settings.toml
            object.__setattr__(
                self, "permission_case_categories", tuple(self.permission_case_categories)
            )
        cats = self.permission_case_categories
        if not isinstance(cats, tuple) or not all(isinstance(c, str) and c for c in cats):
            raise ValueError("permission_case_categories (P5) must be a tuple of category names")
        hours = self.prompt_target_hours
        if isinstance(hours, bool) or not isinstance(hours, int) or hours <= 0:
            raise ValueError("prompt_target_hours (P6) must be a positive whole number of hours")

    def as_dict(self) -> dict[str, object]:
        """Plain values for display and JSON (tuples become lists)."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


def policies_from_settings(legal: LegalSection) -> LegalPolicies:
    """The policies configured in settings.toml ``[legal]`` (validated there and here)."""
    return LegalPolicies(
        meeting_clock_start=legal.meeting_clock_start,
        hour_start_rule=legal.hour_start_rule,
        hour_periods_extend_on_holiday=legal.hour_periods_extend_on_holiday,
        decision_days_kind=legal.decision_days_kind,
        permission_case_categories=tuple(legal.permission_case_categories),
        prompt_target_hours=legal.prompt_target_hours,
    )


def _check_choice(name: str, value: object, choices: object) -> None:
    allowed = get_args(choices)
    if value not in allowed:
        raise ValueError(f"{name} ({POLICY_IDS[name]}) must be one of {allowed}, not {value!r}")
