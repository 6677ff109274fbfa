"""The legal context a deadline is computed in: the configured policies (P1-P6), the statutory
catalogue and the rest-day calendar.

``Law`` is built once per process (the app's lifespan, each CLI command) from settings.toml
``[legal]``; it is passed down as an argument or read from ``app.state.law``, never kept in a
module global. The rest-day calendar is stored data an administrator may import at any time,
in any process of an installation, so ``Law.context()`` reads it as stored now: one
``LegalContext`` per request, report or worker round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.law.calendar_store import load_rest_day_calendar
from app.law.catalogue import Catalogue, Duty, load_catalogue
from app.law.periods import Deadline, Period, PeriodKind, compute_deadline
from app.law.policies import LegalPolicies, policies_from_settings
from app.law.restdays import RestDayCalendar
from app.settings import LegalSection


@dataclass(frozen=True)
class LegalContext:
    """What the period engine needs besides the trigger, for one request or report."""

    calendar: RestDayCalendar
    policies: LegalPolicies
    catalogue: Catalogue = field(default_factory=load_catalogue)


def duty_period(duty: Duty) -> tuple[Period, PeriodKind]:
    """A catalogue duty's period and its kind; ValueError for a standing duty (no period)."""
    if duty.parsed_period is None or duty.period_kind is None:
        raise ValueError(f"duty {duty.id} has no period")
    return duty.parsed_period, duty.period_kind


def duty_deadline(duty_id: str, trigger: datetime, tz: str, context: LegalContext) -> Deadline:
    """When catalogue duty ``duty_id``, triggered at ``trigger``, falls due."""
    duty = context.catalogue.by_id(duty_id)
    period, kind = duty_period(duty)
    return compute_deadline(
        trigger, period, kind, tz=tz, calendar=context.calendar, policies=context.policies,
        basis=duty.basis,
    )  # fmt: skip


@dataclass(frozen=True)
class Law:
    """The policies and the catalogue of one installation, built once per process."""

    policies: LegalPolicies
    catalogue: Catalogue

    @classmethod
    def from_settings(cls, legal: LegalSection) -> Law:
        # A malformed catalogue stops start-up here, not on the first checklist shown.
        return cls(policies_from_settings(legal), load_catalogue())

    async def context(self) -> LegalContext:
        """The context as of now: these policies and the rest-day calendar as stored now."""
        return LegalContext(await load_rest_day_calendar(), self.policies, self.catalogue)


async def load_context(legal: LegalSection) -> LegalContext:
    """A one-off context from settings (tests and scripts; the app and CLI hold a ``Law``)."""
    return await Law.from_settings(legal).context()
