"""Parsing the calculator's inputs (shared by the CLI, the API and the page)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.law.periods import Period, PeriodKind, PeriodUnit
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from scheduling.deadline_service import (
    DeadlineInputError,
    InputProblem,
    calculate,
    parse_kind,
    parse_period,
    parse_trigger,
    parse_zone,
    read_request,
)

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")


def problem_of(exc: pytest.ExceptionInfo[DeadlineInputError]) -> InputProblem:
    (problem,) = exc.value.problems
    return problem


def test_wall_time_is_read_in_the_given_zone() -> None:
    assert parse_trigger("2026-09-29 10:20", SH) == datetime(2026, 9, 29, 10, 20, tzinfo=SH)


def test_t_separator_and_seconds_are_accepted() -> None:
    assert parse_trigger("2026-09-29T10:20:30", SH) == datetime(2026, 9, 29, 10, 20, 30, tzinfo=SH)


def test_a_time_with_an_offset_is_kept_as_that_instant() -> None:
    parsed = parse_trigger("2026-09-29T02:20+00:00", SH)
    assert parsed == datetime(2026, 9, 29, 10, 20, tzinfo=SH)
    assert parsed.utcoffset() == timedelta(0)


def test_z_suffix_means_utc() -> None:
    assert parse_trigger("2026-09-29T02:20Z", SH) == datetime(2026, 9, 29, 2, 20, tzinfo=UTC)


def test_compact_offset_is_accepted() -> None:
    expected = datetime(2026, 9, 29, 10, 20, tzinfo=timezone(timedelta(hours=8)))
    assert parse_trigger("2026-09-29T10:20+0800", NY) == expected


@pytest.mark.parametrize(
    "text", ["2026-09-29", "10:20", "29/09/2026 10:20", "tomorrow", "2026-9-29 10:20"]
)
def test_anything_but_a_full_date_and_time_is_refused(text: str) -> None:
    with pytest.raises(DeadlineInputError) as exc:
        parse_trigger(text, SH)
    assert problem_of(exc).code == "trigger_format"
    assert problem_of(exc).field == "from"


def test_empty_trigger_is_required() -> None:
    with pytest.raises(DeadlineInputError) as exc:
        parse_trigger("  ", SH)
    assert problem_of(exc).code == "required"


@pytest.mark.parametrize("text", ["2026-02-30 10:00", "2026-13-01 10:00", "2026-09-29 24:00"])
def test_impossible_dates_and_times_are_refused(text: str) -> None:
    with pytest.raises(DeadlineInputError) as exc:
        parse_trigger(text, SH)
    assert problem_of(exc).code == "trigger_impossible"
    assert text in problem_of(exc).message


def test_years_before_1900_are_refused() -> None:
    with pytest.raises(DeadlineInputError) as exc:
        parse_trigger("0026-09-29 10:00", SH)
    assert problem_of(exc).code == "trigger_too_early"


def test_wall_time_skipped_by_dst_is_refused() -> None:
    with pytest.raises(DeadlineInputError) as exc:
        parse_trigger("2026-03-08 02:30", NY)
    assert problem_of(exc).code == "trigger_nonexistent"
    assert "America/New_York" in problem_of(exc).message


def test_wall_time_repeated_by_dst_is_refused() -> None:
    with pytest.raises(DeadlineInputError) as exc:
        parse_trigger("2026-11-01 01:30", NY)
    assert problem_of(exc).code == "trigger_ambiguous"


def test_repeated_wall_time_with_an_offset_is_accepted() -> None:
    parsed = parse_trigger("2026-11-01T01:30-05:00", NY)
    assert parsed.astimezone(UTC) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["Mars/Base", "", "../etc/passwd", "asia/shanghai "])
def test_unknown_zones_are_refused(text: str) -> None:
    with pytest.raises(DeadlineInputError) as exc:
        parse_zone(text)
    assert problem_of(exc).field == "tz"
    assert problem_of(exc).code == "tz_unknown"


def test_zone_name_is_trimmed() -> None:
    assert parse_zone(" Asia/Shanghai ") == SH


def test_period_text_is_parsed_by_the_engine() -> None:
    assert parse_period("0.5m") == Period(15, PeriodUnit.DAYS)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("3x", "period_invalid"),
        ("-3d", "period_invalid"),
        ("3", "period_invalid"),
        (" ", "required"),
    ],
)
def test_bad_periods_name_the_period_field(text: str, code: str) -> None:
    with pytest.raises(DeadlineInputError) as exc:
        parse_period(text)
    assert problem_of(exc).field == "period"
    assert problem_of(exc).code == code


def test_kind_defaults_to_procedural_and_ignores_case() -> None:
    assert parse_kind("") is PeriodKind.PROCEDURAL
    assert parse_kind("Custody") is PeriodKind.CUSTODY


def test_unknown_kind_lists_the_kinds() -> None:
    with pytest.raises(DeadlineInputError) as exc:
        parse_kind("weekly")
    assert problem_of(exc).code == "kind_unknown"
    assert "custody, procedural, decision, target" in problem_of(exc).message


def test_read_request_returns_every_part() -> None:
    wanted = read_request("2026-09-29 10:20", "3d", "decision", "Asia/Shanghai")
    assert wanted.trigger == datetime(2026, 9, 29, 10, 20, tzinfo=SH)
    assert wanted.period == Period(3, PeriodUnit.DAYS)
    assert wanted.kind is PeriodKind.DECISION
    assert wanted.zone == SH


def test_read_request_reports_every_bad_field_on_one_line() -> None:
    with pytest.raises(DeadlineInputError) as exc:
        read_request("2026-02-30 10:00", "3x", "weekly", "Mars/Base")
    assert [p.field for p in exc.value.problems] == ["tz", "from", "period", "kind"]
    assert "\n" not in str(exc.value)


def test_a_target_must_be_counted_in_hours() -> None:
    with pytest.raises(DeadlineInputError) as exc:
        read_request("2026-09-29 10:20", "3d", "target", "Asia/Shanghai")
    assert problem_of(exc).code == "target_needs_hours"


def test_calculate_gives_the_users_story_answer() -> None:
    wanted = read_request("2026-09-29 10:20", "3d", "decision", "Asia/Shanghai")
    deadline = calculate(wanted, calendar=RestDayCalendar(), policies=LegalPolicies())
    assert deadline.last_day == date(2026, 10, 8)
    assert deadline.shifted_from == date(2026, 10, 2)


def test_a_period_past_the_year_9999_names_the_period_field() -> None:
    wanted = read_request("9990-01-01 10:00", "1200m", "custody", "UTC")
    with pytest.raises(DeadlineInputError) as exc:
        calculate(wanted, calendar=RestDayCalendar(), policies=LegalPolicies())
    assert problem_of(exc).field == "period"
    assert problem_of(exc).code == "period_out_of_range"
