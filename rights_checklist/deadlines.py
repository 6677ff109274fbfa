"""The deadline of a catalogue duty, from the one period engine (scheduling.periods)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.settings import LegalSection
from rights_checklist.catalogue import load_catalogue
from scheduling.calendar_store import load_rest_day_calendar
from scheduling.periods import Deadline, compute_deadline
from scheduling.policies import LegalPolicies, policies_from_settings
from scheduling.restdays import RestDayCalendar


@dataclass(frozen=True)
class DeadlineContext:
    """What the engine needs besides the trigger: the rest-day calendar and the policies
    configured in settings.toml (entry points load both and pass them in)."""

    calendar: RestDayCalendar
    policies: LegalPolicies


def duty_deadline(duty_id: str, trigger: datetime, tz: str, context: DeadlineContext) -> Deadline:
    duty = load_catalogue().by_id(duty_id)
    period = duty.parsed_period
    if period is None or duty.period_kind is None:
        raise ValueError(f"duty {duty_id} has no period")
    return compute_deadline(
        trigger,
        period,
        duty.period_kind,
        tz=tz,
        calendar=context.calendar,
        policies=context.policies,
        basis=duty.basis,
    )


async def load_context(legal: LegalSection) -> DeadlineContext:
    """The calendar as stored now and the configured policies, for one request."""
    return DeadlineContext(await load_rest_day_calendar(), policies_from_settings(legal))
