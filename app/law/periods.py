"""The one deadline engine: every period in lawmeet is counted here (CPL 105; SPC 202).

Choices on points LEGAL_RULES.md leaves open (each is also stated in the explanation steps):

* P2 "next_full_hour": the local clock hour containing the trigger is never counted, even for a
  trigger exactly on the hour (10:00:00 lies inside the hour 10:00-11:00), so counting starts at
  the next local full hour. "exact": trigger + N hours.
* Hours are elapsed absolute time (computed in UTC), so a DST change never adds or removes hours.
* P3 true: an hour period whose expiry falls on a rest day ends at 24:00 of the first working day
  after it, mirroring the day rule. Consequence: a later trigger can then expire earlier, so
  expiry is monotonic in the trigger only with P3 false (the default).
* Day and month periods end at 24:00 of the last day in the facility's zone; ``expires_at`` is the
  following local midnight (exclusive), resolved via UTC so DST gaps and folds never crash.
* Targets (P6, "promptly") are hour periods: P2 applies, they are never moved.
* P4 "working" only affects decision periods in days: N working days after the trigger day.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.law.explanations import (
    LOCALES,
    ExplanationStep,
    describe_rest_days,
    format_offset,
    format_time,
    render_explanation,
)
from app.law.policies import LegalPolicies
from app.law.restdays import DayStatus, RestDayCalendar

__all__ = ["Deadline", "ExplanationStep", "Period", "PeriodError", "PeriodKind", "PeriodUnit",
           "add_months", "compute_deadline", "prompt_target_deadline"]  # fmt: skip

_DAY: Final = timedelta(days=1)
_HOUR: Final = timedelta(hours=1)


class PeriodError(ValueError):
    """Bad period input; the message is one line, fit to show to a user."""


class PeriodUnit(StrEnum):
    HOURS = "h"
    DAYS = "d"
    MONTHS = "m"


class PeriodKind(StrEnum):
    CUSTODY = "custody"  # 在押期间: never moved by rest days (CPL 105)
    PROCEDURAL = "procedural"  # CPL 105 holiday rule applies
    DECISION = "decision"  # like procedural; P4 may make days working days
    TARGET = "target"  # P6 target for "promptly" duties; not statutory, never moved


_MAX_AMOUNT: Final = {PeriodUnit.HOURS: 100_000, PeriodUnit.DAYS: 40_000, PeriodUnit.MONTHS: 1_200}
_PERIOD_RE: Final = re.compile(r"([0-9]*\.?[0-9]+)\s*([a-z]*)")


@dataclass(frozen=True, slots=True)
class Period:
    amount: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        try:
            unit = PeriodUnit(self.unit)
        except ValueError:
            raise PeriodError(f"unknown period unit {self.unit!r} (use h, d or m)") from None
        object.__setattr__(self, "unit", unit)
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise PeriodError(f"period amount must be a whole number, not {self.amount!r}")
        if self.amount <= 0:
            raise PeriodError(f"period must be positive, not {self.amount}{unit.value}")
        if self.amount > _MAX_AMOUNT[unit]:
            raise PeriodError(f"period {self.amount}{unit.value} is implausibly long")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse "48h", "3d", "2m", "15d"; "0.5m" is 15 days (SPC 202)."""
        if not isinstance(text, str):
            raise PeriodError(f"a period must be text like 48h, 3d or 2m, not {text!r}")
        s = text.strip().lower()
        if s.startswith("-"):
            raise PeriodError(f"period must be positive, not {text!r}")
        m = _PERIOD_RE.fullmatch(s)
        if m is None:
            raise PeriodError(f"{text!r} is not a period; write e.g. 48h, 3d, 2m or 15d")
        number, unit = m.groups()
        if unit not in ("h", "d", "m"):
            what = f"unknown unit {unit!r}" if unit else "missing unit"
            raise PeriodError(f"{what} in {text!r} (use h for hours, d for days, m for months)")
        if "." in number:
            if unit == "m" and Decimal(number) == Decimal("0.5"):
                return cls(15, PeriodUnit.DAYS)  # SPC 202: half a month is 15 days
            raise PeriodError(f"{text!r}: only whole numbers (or 0.5m = 15d) are allowed")
        return cls(int(number), PeriodUnit(unit))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.value}"


@dataclass(frozen=True, slots=True)
class Deadline:
    trigger: datetime  # aware, in the facility zone
    period: Period
    kind: PeriodKind
    timezone: str
    expires_at: datetime  # exclusive end, in the facility zone
    last_day: date
    shifted_from: date | None
    provisional: bool
    provisional_reason: str | None
    rule: str
    basis: str | None
    policies: dict[str, object] = field(hash=False)  # only the policies that applied
    explanation: tuple[ExplanationStep, ...]

    @property
    def expires_at_utc(self) -> datetime:
        # Compare deadlines with this: same-zone aware datetimes compare by wall time (PEP 495).
        return self.expires_at.astimezone(UTC)

    def explain(self, locale: str) -> list[str]:
        return render_explanation(self.explanation, locale)

    def to_json_dict(self) -> dict[str, object]:
        return {
            "trigger": self.trigger.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "last_day": self.last_day.isoformat(),
            "shifted_from": self.shifted_from.isoformat() if self.shifted_from else None,
            "provisional": self.provisional,
            "provisional_reason": self.provisional_reason,
            "basis": self.basis,
            "rule": self.rule,
            "policies": dict(self.policies),
            "period": str(self.period),
            "kind": self.kind.value,
            "timezone": self.timezone,
            "explanation": {loc: self.explain(loc) for loc in LOCALES},
            "steps": [{"code": s.code, "params": dict(s.params)} for s in self.explanation],
        }


def compute_deadline(
    trigger: datetime,
    period: Period,
    kind: PeriodKind,
    *,
    tz: ZoneInfo | str,
    calendar: RestDayCalendar,
    policies: LegalPolicies,
    basis: str | None = None,
) -> Deadline:
    """When ``period`` of ``kind``, triggered at ``trigger``, expires at a facility in ``tz``."""
    zone = _zone(tz)
    if not isinstance(trigger, datetime) or trigger.utcoffset() is None:
        raise PeriodError("the trigger must be a timezone-aware datetime")
    if not isinstance(period, Period):
        raise PeriodError(f"expected a Period, got {period!r}")
    try:
        kind = PeriodKind(kind)
    except ValueError:
        raise PeriodError(f"unknown period kind {kind!r}") from None
    if kind is PeriodKind.TARGET and period.unit is not PeriodUnit.HOURS:
        raise PeriodError(f"a target (policy P6) is counted in hours, not {period}")
    local = trigger.astimezone(zone)
    run = _Run(zone, calendar, policies)
    run.step("trigger", trigger=format_time(local), offset=format_offset(local), tz=zone.key)
    try:
        if period.unit is PeriodUnit.HOURS:
            expires, last, shifted = _hour_period(run, local, period.amount, kind)
        else:
            expires, last, shifted = _day_period(run, local.date(), period, kind)
    except OverflowError:
        raise PeriodError(f"{period} from {local.date()} runs past the year 9999") from None
    reason = None
    if run.unofficial:
        years = ", ".join(str(y) for y in sorted(run.unofficial))
        reason = f"no official rest-day calendar for {years}"
        run.step("provisional", years=years)
    if kind is PeriodKind.TARGET:
        rule = "policy P6 target (not a statutory limit)"
    elif period.unit is PeriodUnit.MONTHS:
        rule = "CPL 105 / SPC 202"
    elif run.applied.get("decision_days_kind") == "working":
        rule = "CPL 105; policy P4 working days"
    else:
        rule = "CPL 105"
    return Deadline(
        trigger=local, period=period, kind=kind, timezone=zone.key, expires_at=expires,
        last_day=last, shifted_from=shifted, provisional=reason is not None,
        provisional_reason=reason, rule=rule, basis=basis, policies=run.applied,
        explanation=tuple(run.steps),
    )  # fmt: skip


def prompt_target_deadline(
    trigger: datetime,
    *,
    tz: ZoneInfo | str,
    calendar: RestDayCalendar,
    policies: LegalPolicies,
    basis: str | None = None,
) -> Deadline:
    """The P6 target for a duty the law says must be done "promptly" / "at the same time"."""
    period = Period(policies.prompt_target_hours, PeriodUnit.HOURS)
    return compute_deadline(
        trigger, period, PeriodKind.TARGET, tz=tz, calendar=calendar, policies=policies,
        basis=basis,
    )  # fmt: skip


def add_months(d: date, months: int) -> date:
    """SPC 202: same date of the target month, else (or from a month's last day) its last day."""
    return _month_target(d, months)[0]


class _Run:
    """Collects explanation steps, applied policies and the years judged without official data."""

    def __init__(self, zone: ZoneInfo, calendar: RestDayCalendar, policies: LegalPolicies) -> None:
        self.zone, self.calendar, self.policies = zone, calendar, policies
        self.steps: list[ExplanationStep] = []
        self.applied: dict[str, object] = {}
        self.unofficial: set[int] = set()

    def step(self, code: str, **params: str) -> None:
        self.steps.append(ExplanationStep(code, params))

    def use(self, name: str) -> None:
        self.applied[name] = self.policies.as_dict()[name]

    def status(self, d: date) -> DayStatus:
        st = self.calendar.day_status(d)
        if not st.official:
            self.unofficial.add(d.year)
        return st

    def shift(self, last: date) -> date:
        """First working day on or after ``last`` (each day judged may make it provisional)."""
        d = last
        while self.status(d).rest:
            d += _DAY
        return d

    def skipped(self, first: date, stop: date) -> dict[str, str]:
        """Params naming the rest days first..stop-1 that a shift jumped over."""
        days = [first + i * _DAY for i in range((stop - first).days)]
        return describe_rest_days([(d, self.calendar.day_status(d).name) for d in days])


def _hour_period(
    run: _Run, local: datetime, hours: int, kind: PeriodKind
) -> tuple[datetime, date, date | None]:
    zone = run.zone
    run.use("hour_start_rule")
    if run.policies.hour_start_rule == "next_full_hour":
        start = _next_full_hour(local, zone)
        run.step("start_hour_next_full", start=format_time(start))
    else:
        start = local
        run.step("start_hour_exact", start=format_time(start))
    expires = (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(zone)
    run.step("count_hours", amount=str(hours), end=format_time(expires))
    # An expiry at local midnight ends the previous day (24:00), hence the microsecond.
    last = (expires.astimezone(UTC) - timedelta(microseconds=1)).astimezone(zone).date()
    shifted = None
    if kind is PeriodKind.CUSTODY:
        run.step("custody_not_moved")
    elif kind is PeriodKind.TARGET:
        run.use("prompt_target_hours")
        run.step("target", hours=str(hours))
    else:
        run.use("hour_periods_extend_on_holiday")
        if not run.policies.hour_periods_extend_on_holiday:
            run.step("hours_not_moved")
        elif (new := run.shift(last)) == last:
            run.step("hours_shift_not_needed", last_day=last.isoformat())
        else:
            run.step("hours_shift", original=last.isoformat(), last_day=new.isoformat(),
                     **run.skipped(last, new))  # fmt: skip
            shifted, last = last, new
            run.step("expires_end_of_day", last_day=last.isoformat(), tz=zone.key)
            return _start_of_day(last + _DAY, zone), last, shifted
    run.step("expires_at_time", end=format_time(expires), tz=zone.key)
    return expires, last, shifted


def _day_period(
    run: _Run, d0: date, period: Period, kind: PeriodKind
) -> tuple[datetime, date, date | None]:
    n = period.amount
    run.step("start_day", start_day=(d0 + _DAY).isoformat())
    working = False
    if period.unit is PeriodUnit.DAYS:
        if kind is PeriodKind.DECISION:
            run.use("decision_days_kind")
            working = run.policies.decision_days_kind == "working"
        if working:
            last, rest = d0, 0
            for _ in range(n):  # each counted day and each skipped day is judged
                last += _DAY
                while run.status(last).rest:
                    rest += 1
                    last += _DAY
            run.step("count_working_days", amount=str(n), start_day=(d0 + _DAY).isoformat(),
                     last_day=last.isoformat(), rest_days=str(rest))  # fmt: skip
        else:
            last = d0 + timedelta(days=n)
            run.step("count_days", amount=str(n), start_day=(d0 + _DAY).isoformat(),
                     last_day=last.isoformat())  # fmt: skip
    else:
        last, code = _month_target(d0, n)
        run.step(code, amount=str(n), trigger_day=d0.isoformat(), last_day=last.isoformat())
    shifted = None
    if kind is PeriodKind.CUSTODY:
        run.step("custody_not_moved")
    elif not working:
        new = run.shift(last)
        if new == last:
            run.step("last_day_working", last_day=last.isoformat())
        else:
            run.step("rest_day_shift", original=last.isoformat(), last_day=new.isoformat(),
                     **run.skipped(last, new))  # fmt: skip
            shifted, last = last, new
    run.step("expires_end_of_day", last_day=last.isoformat(), tz=run.zone.key)
    return _start_of_day(last + _DAY, run.zone), last, shifted


def _month_target(d: date, months: int) -> tuple[date, str]:
    year, month0 = divmod(d.month - 1 + months, 12)
    year += d.year
    if year > 9999:
        raise OverflowError("year out of range")
    days_in_target = _cal.monthrange(year, month0 + 1)[1]
    if d.day == _cal.monthrange(d.year, d.month)[1]:
        return date(year, month0 + 1, days_in_target), "month_end_last_day"
    if d.day > days_in_target:
        return date(year, month0 + 1, days_in_target), "month_end_missing_date"
    return date(year, month0 + 1, d.day), "count_months"


def _next_full_hour(local: datetime, zone: ZoneInfo) -> datetime:
    """First instant after ``local`` whose local wall time is a full hour.

    Candidates are local full hours tried with both folds, so a repeated hour (DST end) is
    counted and a skipped one (DST start, including half-hour shifts) is never produced.
    """
    floor = local.replace(tzinfo=None, minute=0, second=0, microsecond=0)
    after = local.astimezone(UTC)
    for k in range(4):
        wall = floor + k * _HOUR
        found = [
            inst
            for fold in (0, 1)
            if (inst := wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)) > after
            and inst.astimezone(zone).replace(tzinfo=None) == wall  # the wall time exists
        ]
        if found:
            return min(found).astimezone(zone)
    raise PeriodError(f"no full hour found after {local.isoformat()} in {zone.key}")


def _start_of_day(d: date, zone: ZoneInfo) -> datetime:
    # fold=0 gives the first midnight of an ambiguous one and, for a midnight inside a DST gap,
    # an instant that normalises to the first existing time of the day.
    return datetime.combine(d, time(), tzinfo=zone).astimezone(UTC).astimezone(zone)


def _zone(tz: ZoneInfo | str) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    if isinstance(tz, str):
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise PeriodError(f"unknown time zone {tz!r} (use an IANA name such as Asia/Shanghai)")
