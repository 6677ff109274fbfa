"""Examples from LEGAL_RULES.md ("Counting periods") and the P2-P4/P6 policy switches."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.law.periods import (
    Deadline,
    Period,
    PeriodError,
    PeriodKind,
    PeriodUnit,
    add_months,
    compute_deadline,
    prompt_target_deadline,
)
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar, YearCalendar

SH = ZoneInfo("Asia/Shanghai")
CAL = RestDayCalendar()
DEFAULT = LegalPolicies()


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0, tz: ZoneInfo = SH) -> datetime:
    return datetime(y, m, d, h, mi, s, tzinfo=tz)


def run(
    trigger: datetime,
    period: str,
    kind: PeriodKind,
    policies: LegalPolicies = DEFAULT,
    tz: str = "Asia/Shanghai",
    calendar: RestDayCalendar = CAL,
) -> Deadline:
    return compute_deadline(
        trigger, Period.parse(period), kind, tz=tz, calendar=calendar, policies=policies
    )


def codes(d: Deadline) -> list[str]:
    return [s.code for s in d.explanation]


# --- hours (CPL 105, P2, P3) ---------------------------------------------------------------


def test_48h_triggered_at_10_20_ends_at_11_00_two_days_later() -> None:
    d = run(at(2026, 3, 10, 10, 20), "48h", PeriodKind.PROCEDURAL)
    assert d.expires_at == at(2026, 3, 12, 11)
    assert d.last_day == date(2026, 3, 12)


def test_48h_triggered_exactly_on_the_hour_starts_counting_at_the_next_hour() -> None:
    # 10:00:00 lies inside the hour 10:00-11:00, which is not counted.
    d = run(at(2026, 3, 10, 10, 0, 0), "48h", PeriodKind.PROCEDURAL)
    assert d.expires_at == at(2026, 3, 12, 11)


def test_hour_rule_exact_ends_at_trigger_plus_48_hours() -> None:
    d = run(
        at(2026, 3, 10, 10, 20),
        "48h",
        PeriodKind.PROCEDURAL,
        LegalPolicies(hour_start_rule="exact"),
    )
    assert d.expires_at == at(2026, 3, 12, 10, 20)
    assert d.policies["hour_start_rule"] == "exact"


def test_hour_period_is_not_moved_by_national_day_by_default() -> None:
    d = run(at(2026, 9, 29, 10, 20), "48h", PeriodKind.PROCEDURAL)
    assert d.expires_at == at(2026, 10, 1, 11)
    assert d.shifted_from is None
    assert d.policies == {
        "hour_start_rule": "next_full_hour",
        "hour_periods_extend_on_holiday": False,
    }
    assert "hours_not_moved" in codes(d)


def test_p3_moves_hour_period_ending_on_holiday_to_end_of_first_working_day() -> None:
    p3 = LegalPolicies(hour_periods_extend_on_holiday=True)
    d = run(at(2026, 9, 29, 10, 20), "48h", PeriodKind.PROCEDURAL, p3)
    assert d.shifted_from == date(2026, 10, 1)
    assert d.last_day == date(2026, 10, 8)
    assert d.expires_at == at(2026, 10, 9)  # 24:00 on 8 Oct


def test_p3_leaves_hour_period_ending_on_working_day() -> None:
    p3 = LegalPolicies(hour_periods_extend_on_holiday=True)
    d = run(at(2026, 3, 10, 10, 20), "48h", PeriodKind.PROCEDURAL, p3)
    assert d.expires_at == at(2026, 3, 12, 11)
    assert "hours_shift_not_needed" in codes(d)


def test_hour_period_ending_at_midnight_belongs_to_the_previous_day() -> None:
    d = run(at(2026, 3, 9, 23, 20), "24h", PeriodKind.PROCEDURAL)
    assert d.expires_at == at(2026, 3, 11)
    assert d.last_day == date(2026, 3, 10)


def test_custody_hour_period_ignores_p3() -> None:
    p3 = LegalPolicies(hour_periods_extend_on_holiday=True)
    d = run(at(2026, 9, 29, 10, 20), "48h", PeriodKind.CUSTODY, p3)
    assert d.expires_at == at(2026, 10, 1, 11)
    assert d.shifted_from is None
    assert "hour_periods_extend_on_holiday" not in d.policies


# --- days: the 29 Sep 2026 example -----------------------------------------------------------


@pytest.mark.parametrize("hms", [(0, 0, 0), (10, 20, 0), (23, 59, 59)])
def test_3_day_procedural_from_29_sep_2026_ends_24_00_on_8_oct(hms: tuple[int, int, int]) -> None:
    # On paper the last day is 2 Oct. The official 2026 calendar (chinese_calendar) makes
    # 1-7 Oct the National Day holiday (3-4 Oct are its weekend); 8 Oct (Thu) is the first
    # working day after it, so the user story's "8 Oct" is right.
    d = run(at(2026, 9, 29, *hms), "3d", PeriodKind.PROCEDURAL)
    assert d.shifted_from == date(2026, 10, 2)
    assert d.last_day == date(2026, 10, 8)
    assert d.expires_at == at(2026, 10, 9)
    assert d.provisional is False


def test_3_day_decision_from_29_sep_2026_ends_8_oct_with_calendar_days() -> None:
    d = run(at(2026, 9, 29, 10, 20), "3d", PeriodKind.DECISION)
    assert d.last_day == date(2026, 10, 8)
    assert d.policies == {"decision_days_kind": "calendar"}


def test_3_day_custody_from_29_sep_2026_ends_24_00_on_2_oct() -> None:
    d = run(at(2026, 9, 29, 10, 20), "3d", PeriodKind.CUSTODY)
    assert d.last_day == date(2026, 10, 2)
    assert d.expires_at == at(2026, 10, 3)
    assert d.shifted_from is None
    assert "custody_not_moved" in codes(d)


def test_shift_explanation_names_the_national_day_holiday() -> None:
    d = run(at(2026, 9, 29, 10, 20), "3d", PeriodKind.PROCEDURAL)
    zh = " ".join(d.explain("zh-CN"))
    en = " ".join(d.explain("en"))
    assert "2026-10-02至2026-10-07（国庆节）" in zh
    assert "2 Oct 2026 to 7 Oct 2026 (National Day)" in en
    assert "counting starts on 30 Sep 2026" in en


def test_p4_working_days_counts_three_working_days_after_the_trigger_day() -> None:
    # 30 Sep (Wed) works, 1-7 Oct rest, 8 Oct (Thu) and 9 Oct (Fri) work.
    working = LegalPolicies(decision_days_kind="working")
    d = run(at(2026, 9, 29, 10, 20), "3d", PeriodKind.DECISION, working)
    assert d.last_day == date(2026, 10, 9)
    assert d.shifted_from is None
    assert "P4" in d.rule


def test_p4_working_counts_a_makeup_saturday() -> None:
    working = LegalPolicies(decision_days_kind="working")
    d = run(at(2026, 10, 9, 9), "1d", PeriodKind.DECISION, working)
    assert d.last_day == date(2026, 10, 10)  # Saturday, make-up working day for National Day


def test_p4_does_not_apply_to_procedural_periods() -> None:
    working = LegalPolicies(decision_days_kind="working")
    d = run(at(2026, 9, 29, 10, 20), "3d", PeriodKind.PROCEDURAL, working)
    assert d.last_day == date(2026, 10, 8)
    assert "decision_days_kind" not in d.policies


def test_procedural_period_ending_on_makeup_saturday_is_not_moved() -> None:
    d = run(at(2025, 2, 5, 15), "3d", PeriodKind.PROCEDURAL)  # 2025-02-08 is a make-up Saturday
    assert d.last_day == date(2025, 2, 8)
    assert d.shifted_from is None


def test_procedural_period_ending_on_sunday_moves_to_monday() -> None:
    d = run(at(2026, 1, 15, 9), "2m", PeriodKind.PROCEDURAL)
    assert d.shifted_from == date(2026, 3, 15)
    assert d.last_day == date(2026, 3, 16)
    assert d.rule == "CPL 105 / SPC 202"


def test_trigger_in_utc_is_counted_on_the_facility_local_date() -> None:
    d = run(datetime(2026, 9, 28, 20, 0, tzinfo=UTC), "3d", PeriodKind.PROCEDURAL)
    assert d.trigger == at(2026, 9, 29, 4)
    assert d.last_day == date(2026, 10, 8)


# --- months (SPC 202) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 2, 28), 12, date(2028, 2, 29)),
        (date(2026, 1, 15), 2, date(2026, 3, 15)),
        (date(2026, 12, 20), 2, date(2027, 2, 20)),
    ],
)
def test_add_months_follows_spc_202(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_month_period_from_last_day_of_november_ends_last_day_of_february() -> None:
    d = run(at(2026, 11, 30, 16), "3m", PeriodKind.CUSTODY)
    assert d.last_day == date(2027, 2, 28)
    assert d.expires_at == at(2027, 3, 1)
    assert "month_end_last_day" in codes(d)


def test_month_period_into_a_shorter_month_uses_its_last_day() -> None:
    d = run(at(2026, 1, 30, 16), "1m", PeriodKind.CUSTODY)
    assert d.last_day == date(2026, 2, 28)
    assert "month_end_missing_date" in codes(d)


def test_half_month_is_fifteen_days() -> None:
    assert Period.parse("0.5m") == Period(15, PeriodUnit.DAYS)
    d = run(at(2026, 3, 1, 9), "0.5m", PeriodKind.CUSTODY)
    assert d.last_day == date(2026, 3, 16)


# --- provisional years -----------------------------------------------------------------------


def test_period_reaching_2027_is_provisional_with_reason() -> None:
    d = run(at(2026, 12, 30, 9), "3d", PeriodKind.PROCEDURAL)
    # Fallback: 1 Jan fixed holiday, 2-3 Jan weekend -> Monday 4 Jan.
    assert d.last_day == date(2027, 1, 4)
    assert d.provisional is True
    assert d.provisional_reason == "no official rest-day calendar for 2027"
    assert "provisional" in codes(d)


def test_period_reaching_2027_is_official_once_2027_is_imported() -> None:
    y2027 = YearCalendar(
        2027, frozenset(date(2027, 1, n) for n in (1, 2, 3, 4)), frozenset(), "test notice"
    )
    cal = RestDayCalendar(extra_years={2027: y2027})
    d = run(at(2026, 12, 30, 9), "3d", PeriodKind.PROCEDURAL, calendar=cal)
    assert d.last_day == date(2027, 1, 5)
    assert d.provisional is False
    assert d.provisional_reason is None


def test_p4_working_days_in_2027_are_provisional() -> None:
    working = LegalPolicies(decision_days_kind="working")
    d = run(at(2026, 12, 29, 9), "3d", PeriodKind.DECISION, working)
    assert d.provisional is True


def test_custody_period_reaching_2027_is_not_provisional() -> None:
    # Custody never consults the rest-day calendar, so no year is judged.
    d = run(at(2026, 12, 30, 9), "3d", PeriodKind.CUSTODY)
    assert d.provisional is False


# --- target (P6) -----------------------------------------------------------------------------


def test_prompt_target_uses_p6_hours_and_is_never_moved() -> None:
    d = prompt_target_deadline(at(2026, 9, 30, 10, 20), tz=SH, calendar=CAL, policies=DEFAULT)
    assert d.expires_at == at(2026, 10, 1, 11)
    assert d.kind is PeriodKind.TARGET
    assert d.shifted_from is None
    assert d.policies["prompt_target_hours"] == 24
    assert "not a statutory time limit" in " ".join(d.explain("en"))


def test_target_in_days_is_rejected() -> None:
    with pytest.raises(PeriodError, match="hours"):
        run(at(2026, 9, 30), "3d", PeriodKind.TARGET)


# --- time zones with DST ---------------------------------------------------------------------


def test_48h_across_berlin_spring_forward_counts_elapsed_hours() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    d = run(at(2026, 3, 28, 10, 20, tz=berlin), "48h", PeriodKind.PROCEDURAL, tz="Europe/Berlin")
    assert d.expires_at_utc == datetime(2026, 3, 30, 10, tzinfo=UTC)  # 11:00 CET + 48 h
    assert d.expires_at.hour == 12  # the clock moved forward on 29 Mar


def test_day_period_in_berlin_ends_at_local_midnight_after_dst_end() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    d = run(at(2026, 10, 23, 9, tz=berlin), "3d", PeriodKind.CUSTODY, tz="Europe/Berlin")
    assert d.expires_at.isoformat() == "2026-10-27T00:00:00+01:00"


def test_trigger_in_first_repeated_hour_in_new_york_counts_from_the_repeated_full_hour() -> None:
    ny = ZoneInfo("America/New_York")
    first = datetime(2026, 11, 1, 1, 30, tzinfo=ny, fold=0)  # 01:30 EDT
    d = run(first, "24h", PeriodKind.CUSTODY, tz="America/New_York")
    # The next full hour is the second 01:00 (EST), 30 minutes later.
    assert d.expires_at_utc == first.astimezone(UTC) + timedelta(minutes=30, hours=24)


def test_trigger_in_second_repeated_hour_in_new_york_counts_from_02_00() -> None:
    ny = ZoneInfo("America/New_York")
    second = datetime(2026, 11, 1, 1, 30, tzinfo=ny, fold=1)  # 01:30 EST
    d = run(second, "24h", PeriodKind.CUSTODY, tz="America/New_York")
    assert d.expires_at.isoformat() == "2026-11-02T02:00:00-05:00"


def test_trigger_before_berlin_dst_gap_skips_the_missing_hour() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    d = run(at(2026, 3, 29, 1, 30, tz=berlin), "24h", PeriodKind.CUSTODY, tz="Europe/Berlin")
    assert d.expires_at.isoformat() == "2026-03-30T03:00:00+02:00"  # counted from 03:00 CEST


def test_day_period_ending_at_a_nonexistent_midnight_does_not_crash() -> None:
    sp = ZoneInfo("America/Sao_Paulo")  # 2018-11-04 00:00 did not exist there
    d = run(at(2018, 11, 2, 12, tz=sp), "1d", PeriodKind.CUSTODY, tz="America/Sao_Paulo")
    assert d.last_day == date(2018, 11, 3)
    assert d.expires_at.isoformat() == "2018-11-04T01:00:00-02:00"


# --- output and bad input --------------------------------------------------------------------


def test_to_json_dict_has_iso_values_and_both_locales() -> None:
    d = compute_deadline(
        at(2026, 9, 29, 10, 20), Period.parse("3d"), PeriodKind.DECISION,
        tz=SH, calendar=CAL, policies=DEFAULT, basis="CPL 39(3)",
    )  # fmt: skip
    j = d.to_json_dict()
    assert j["trigger"] == "2026-09-29T10:20:00+08:00"
    assert j["expires_at"] == "2026-10-09T00:00:00+08:00"
    assert (j["last_day"], j["shifted_from"]) == ("2026-10-08", "2026-10-02")
    assert (j["period"], j["kind"], j["timezone"]) == ("3d", "decision", "Asia/Shanghai")
    assert (j["basis"], j["rule"], j["provisional"]) == ("CPL 39(3)", "CPL 105", False)
    assert j["provisional_reason"] is None
    assert j["policies"] == {"decision_days_kind": "calendar"}
    explanation = j["explanation"]
    assert isinstance(explanation, dict)
    assert set(explanation) == {"zh-CN", "en"}
    assert explanation["zh-CN"][0] == "触发时间：2026-09-29 10:20（Asia/Shanghai，UTC+08:00）。"


def test_naive_trigger_is_rejected() -> None:
    with pytest.raises(PeriodError, match="timezone-aware"):
        run(datetime(2026, 9, 29, 10, 20), "3d", PeriodKind.PROCEDURAL)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "Asia", "../etc/passwd"])
def test_unknown_zone_is_rejected(zone: str) -> None:
    with pytest.raises(PeriodError, match="time zone"):
        run(at(2026, 9, 29), "3d", PeriodKind.PROCEDURAL, tz=zone)


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(PeriodError, match="kind"):
        run(at(2026, 9, 29), "3d", "eventually")  # type: ignore[arg-type]  # bad on purpose


@pytest.mark.parametrize(
    ("text", "expected"),
    [("48h", Period(48, PeriodUnit.HOURS)), ("3d", Period(3, PeriodUnit.DAYS)),
     (" 2M ", Period(2, PeriodUnit.MONTHS)), ("15d", Period(15, PeriodUnit.DAYS))],
)  # fmt: skip
def test_period_parse_accepts_units(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected
    assert str(Period.parse(text)) == str(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [("3w", "unknown unit"), ("48", "missing unit"), ("0d", "positive"), ("-3d", "positive"),
     ("1.5d", "whole numbers"), ("1.5m", "whole numbers"), ("abc", "not a period"),
     ("", "not a period"), ("3 days", "unknown unit"), ("99999999d", "implausibly long")],
)  # fmt: skip
def test_period_parse_rejects_bad_input(text: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message) as info:
        Period.parse(text)
    assert "\n" not in str(info.value)


def test_period_rejects_bool_amount() -> None:
    with pytest.raises(PeriodError):
        Period(True, PeriodUnit.DAYS)
