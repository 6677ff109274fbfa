"""Properties of the deadline engine over 2004-2028 (hypothesis)."""

from __future__ import annotations

import calendar as cal_mod
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.law.periods import (
    Deadline,
    Period,
    PeriodKind,
    PeriodUnit,
    add_months,
    compute_deadline,
)
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar

CAL = RestDayCalendar()
ZONES = [ZoneInfo(z) for z in ("Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC")]
FAST = settings(max_examples=200, deadline=None)

zones = st.sampled_from(ZONES)
triggers = st.datetimes(
    min_value=datetime(2004, 1, 1), max_value=datetime(2028, 12, 31), timezones=zones
)
periods = st.one_of(
    st.builds(Period, st.integers(1, 24 * 30), st.just(PeriodUnit.HOURS)),
    st.builds(Period, st.integers(1, 60), st.just(PeriodUnit.DAYS)),
    st.builds(Period, st.integers(1, 14), st.just(PeriodUnit.MONTHS)),
)
day_periods = st.one_of(
    st.builds(Period, st.integers(1, 60), st.just(PeriodUnit.DAYS)),
    st.builds(Period, st.integers(1, 14), st.just(PeriodUnit.MONTHS)),
)
statutory_kinds = st.sampled_from([PeriodKind.CUSTODY, PeriodKind.PROCEDURAL, PeriodKind.DECISION])
policy_sets = st.sampled_from(
    [
        LegalPolicies(),
        LegalPolicies(hour_start_rule="exact"),
        LegalPolicies(decision_days_kind="working"),
    ]
)  # P3 true is left out on purpose: moving to 24:00 is not monotonic (see periods.py).


def run(t: datetime, p: Period, k: PeriodKind, zone: ZoneInfo, pol: LegalPolicies) -> Deadline:
    if k is PeriodKind.TARGET and p.unit is not PeriodUnit.HOURS:
        k = PeriodKind.PROCEDURAL
    return compute_deadline(t, p, k, tz=zone, calendar=CAL, policies=pol)


def local_midnight_utc(d: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(d, time(), tzinfo=zone).astimezone(UTC)


@FAST
@given(triggers, periods, st.sampled_from(list(PeriodKind)), zones, policy_sets)
def test_expiry_never_precedes_trigger_plus_n_units(
    t: datetime, p: Period, k: PeriodKind, zone: ZoneInfo, pol: LegalPolicies
) -> None:
    d = run(t, p, k, zone, pol)
    if p.unit is PeriodUnit.HOURS:
        assert d.expires_at_utc >= t.astimezone(UTC) + timedelta(hours=p.amount)
    else:
        day0 = t.astimezone(zone).date()
        n_days = p.amount if p.unit is PeriodUnit.DAYS else 28 * p.amount
        assert d.expires_at_utc >= local_midnight_utc(day0 + timedelta(days=n_days + 1), zone)


@FAST
@given(triggers, day_periods, statutory_kinds, zones, policy_sets)
def test_day_and_month_periods_expire_at_the_local_midnight_ending_the_last_day(
    t: datetime, p: Period, k: PeriodKind, zone: ZoneInfo, pol: LegalPolicies
) -> None:
    d = run(t, p, k, zone, pol)
    assert d.expires_at_utc == local_midnight_utc(d.last_day + timedelta(days=1), zone)
    assert d.expires_at.tzinfo is zone


@FAST
@given(triggers, day_periods, st.sampled_from([PeriodKind.PROCEDURAL, PeriodKind.DECISION]))
def test_provisional_exactly_when_a_judged_day_lies_in_an_unofficial_year(
    t: datetime, p: Period, k: PeriodKind
) -> None:
    d = run(t, p, k, ZONES[0], LegalPolicies())
    first_judged = d.shifted_from or d.last_day
    years = set(range(first_judged.year, d.last_day.year + 1))
    assert d.provisional == any(not CAL.is_official(y) for y in years)
    assert (d.provisional_reason is not None) == d.provisional


@FAST
@given(triggers, day_periods, zones)
def test_custody_period_is_never_moved(t: datetime, p: Period, zone: ZoneInfo) -> None:
    d = run(t, p, PeriodKind.CUSTODY, zone, LegalPolicies())
    day0 = t.astimezone(zone).date()
    expected = day0 + timedelta(days=p.amount) if p.unit is PeriodUnit.DAYS else None
    assert d.shifted_from is None
    assert d.last_day == (expected or add_months(day0, p.amount))
    assert d.provisional is False


@FAST
@given(triggers, day_periods, st.sampled_from([PeriodKind.PROCEDURAL, PeriodKind.DECISION]))
def test_moved_period_ends_on_first_working_day_after_a_run_of_rest_days(
    t: datetime, p: Period, k: PeriodKind
) -> None:
    d = run(t, p, k, ZONES[0], LegalPolicies())
    assert CAL.is_working_day(d.last_day)
    if d.shifted_from is None:
        return
    assert d.shifted_from < d.last_day
    assert CAL.is_rest_day(d.last_day - timedelta(days=1))
    day = d.shifted_from
    while day < d.last_day:
        assert CAL.is_rest_day(day)
        day += timedelta(days=1)


@FAST
@given(
    triggers,
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
    periods,
    st.sampled_from(list(PeriodKind)),
    zones,
    policy_sets,
)
def test_expiry_is_monotonic_in_the_trigger(
    t1: datetime,
    gap: timedelta,
    p: Period,
    k: PeriodKind,
    zone: ZoneInfo,
    pol: LegalPolicies,
) -> None:
    t2 = (t1.astimezone(UTC) + gap).astimezone(zone)
    assert run(t1, p, k, zone, pol).expires_at_utc <= run(t2, p, k, zone, pol).expires_at_utc


@FAST
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2028, 12, 31)), st.integers(1, 36))
def test_month_arithmetic_matches_spc_202_at_month_ends(start: date, months: int) -> None:
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    target_len = cal_mod.monthrange(end.year, end.month)[1]
    if start.day == cal_mod.monthrange(start.year, start.month)[1]:
        assert end.day == target_len  # from a month's last day to the target month's last day
    else:
        assert end.day == min(start.day, target_len)
