"""Rest-day calendar: official years, make-up working days, fallback, imports and file errors."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.law.restdays import (
    CalendarFileError,
    RestDayCalendar,
    YearCalendar,
    parse_year_calendar_csv,
    parse_year_calendar_toml,
)

CAL = RestDayCalendar()

# The State Council's make-up working days (调休) for 2025 and 2026, as carried by
# chinese_calendar; every one is a Saturday or Sunday.
MAKEUP_2025_2026 = [
    date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28),
    date(2025, 10, 11), date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
    date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10),
]  # fmt: skip


def test_official_years_are_2004_to_2026() -> None:
    assert CAL.official_years == tuple(range(2004, 2027))
    assert CAL.is_official(2026)
    assert not CAL.is_official(2027)
    assert not CAL.is_official(2003)


@pytest.mark.parametrize("d", MAKEUP_2025_2026)
def test_makeup_weekend_days_of_2025_and_2026_are_working_days(d: date) -> None:
    assert d.weekday() >= 5
    status = CAL.day_status(d)
    assert status.rest is False
    assert status.official is True
    assert status.reason_code == "makeup_workday"
    assert CAL.is_working_day(d)


def test_national_day_2026_is_an_official_named_holiday() -> None:
    status = CAL.day_status(date(2026, 10, 5))
    assert (status.rest, status.official, status.reason_code) == (True, True, "holiday")
    assert status.name == "National Day"


def test_ordinary_weekend_is_a_rest_day_and_weekday_a_working_day() -> None:
    assert CAL.day_status(date(2026, 3, 14)).reason_code == "weekend"
    assert CAL.is_rest_day(date(2026, 3, 14))
    assert CAL.day_status(date(2026, 3, 16)).reason_code == "workday"
    assert CAL.is_working_day(date(2026, 3, 16))


def test_day_status_accepts_a_datetime() -> None:
    assert CAL.is_rest_day(datetime(2026, 10, 1, 12, 0))


@pytest.mark.parametrize(
    ("d", "rest", "reason"),
    [
        (date(2027, 1, 1), True, "holiday"),
        (date(2027, 5, 2), True, "holiday"),
        (date(2027, 10, 3), True, "holiday"),
        (date(2027, 10, 4), False, "workday"),  # a Monday; the real 2027 holiday is unknown
        (date(2027, 1, 2), True, "weekend"),
        (date(2003, 10, 2), True, "holiday"),
    ],
)
def test_unknown_year_falls_back_to_fixed_holidays_and_is_not_official(
    d: date, rest: bool, reason: str
) -> None:
    status = CAL.day_status(d)
    assert (status.rest, status.reason_code) == (rest, reason)
    assert status.official is False


def test_extra_year_fills_a_year_chinese_calendar_does_not_know() -> None:
    y2027 = YearCalendar(
        2027, frozenset({date(2027, 10, 4)}), frozenset({date(2027, 9, 26)}), "notice"
    )
    cal = RestDayCalendar(extra_years={2027: y2027})
    assert cal.is_official(2027)
    assert cal.day_status(date(2027, 10, 4)).rest is True
    assert cal.day_status(date(2027, 9, 26)).reason_code == "makeup_workday"
    assert cal.day_status(date(2027, 5, 2)).rest is True  # a Sunday, not listed
    assert cal.is_working_day(date(2027, 5, 3))  # no fixed-date fallback once imported


def test_extra_year_wins_over_chinese_calendar() -> None:
    override = YearCalendar(2026, frozenset({date(2026, 10, 8)}), frozenset(), "late change")
    cal = RestDayCalendar(extra_years={2026: override})
    assert cal.is_rest_day(date(2026, 10, 8))
    assert cal.is_working_day(date(2026, 10, 1))  # the whole year is replaced


def test_extra_year_under_the_wrong_key_is_rejected() -> None:
    y = YearCalendar(2027, frozenset(), frozenset(), "notice")
    with pytest.raises(ValueError, match="2028"):
        RestDayCalendar(extra_years={2028: y})


def test_year_calendar_rejects_dates_of_another_year() -> None:
    with pytest.raises(ValueError, match="does not belong"):
        YearCalendar(2027, frozenset({date(2028, 1, 1)}), frozenset(), "x")


def test_year_calendar_rejects_a_date_both_holiday_and_workday() -> None:
    d = date(2027, 2, 6)
    with pytest.raises(ValueError, match="both"):
        YearCalendar(2027, frozenset({d}), frozenset({d}), "x")


# --- TOML --------------------------------------------------------------------------------------

GOOD_TOML = """
source = "国务院办公厅通知"
[[day]]
date = 2027-01-01
kind = "holiday"
name = "New Year's Day"
[[day]]
date = "2027-02-20"
kind = "workday"
[[day]]
date = 2028-01-01
kind = "holiday"
"""


def test_toml_file_with_several_years_is_parsed() -> None:
    y2027, y2028 = parse_year_calendar_toml(GOOD_TOML)
    assert y2027.year == 2027
    assert y2027.holidays == {date(2027, 1, 1)}
    assert y2027.workdays == {date(2027, 2, 20)}
    assert y2027.names[date(2027, 1, 1)] == "New Year's Day"
    assert y2027.source == "国务院办公厅通知"
    assert y2028.holidays == {date(2028, 1, 1)}


def test_toml_holiday_on_a_weekend_is_accepted() -> None:
    (y,) = parse_year_calendar_toml('[[day]]\ndate = 2027-10-02\nkind = "holiday"\n')
    assert y.holidays == {date(2027, 10, 2)}


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ('[[day]]\ndate = 2027-01-04\nkind = "workday"', "entry 1", "must be a Saturday or Sunday"),
        ('[[day]]\ndate = "2027/01/01"\nkind = "holiday"', "entry 1", "not an ISO date"),
        ('[[day]]\ndate = "2027-02-30"\nkind = "holiday"', "entry 1", "not an ISO date"),
        ('[[day]]\ndate = 2027-01-01\nkind = "rest"', "entry 1", "kind 'rest' is unknown"),
        ('[[day]]\ndate = 2027-01-01T09:00:00\nkind = "holiday"', "entry 1", "has a time"),
        ('[[day]]\ndate = 2027-01-01\nkind = "holiday"\n[[day]]\ndate = 2027-01-01\n'
         'kind = "holiday"', "entry 2", "listed twice (first at [[day]] entry 1)"),
        ('[[day]]\ndate = 2027-01-01', "entry 1", "needs both date and kind"),
        ('[[day]]\ndate = 2027-01-01\nkind = "holiday"\nnote = 1', "entry 1", "unknown key"),
        ('year = 2027', "file", "unknown key 'year'"),
        ('[[day]\n', "file", "not valid TOML"),
        ('source = "x"', "file", "no days listed"),
    ],
)  # fmt: skip
def test_toml_errors_name_the_entry(text: str, location: str, message: str) -> None:
    with pytest.raises(CalendarFileError) as info:
        parse_year_calendar_toml(text)
    assert location in info.value.location
    assert message in str(info.value)


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_file_with_header_comments_and_names_is_parsed() -> None:
    text = "date,kind,name\n# 2027\n2027-01-01,holiday,元旦\n\n2027-02-20, workday\n"
    (y,) = parse_year_calendar_csv(text, source="notice 2027")
    assert y.holidays == {date(2027, 1, 1)}
    assert y.workdays == {date(2027, 2, 20)}
    assert y.names == {date(2027, 1, 1): "元旦"}
    assert y.source == "notice 2027"


def test_csv_several_years_are_returned_in_order() -> None:
    years = parse_year_calendar_csv("2028-01-01,holiday\n2027-01-01,holiday\n")
    assert [y.year for y in years] == [2027, 2028]


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("date,kind\n2027-01-04,workday\n", "line 2", "is a Monday"),
        ("2027-01-01,holiday\n2027-01-01,workday\n", "line 2", "listed twice"),
        ("01/01/2027,holiday\n", "line 1", "not an ISO date"),
        ("2027-1-1,holiday\n", "line 1", "not an ISO date"),
        ("2027-01-01,vacation\n", "line 1", "kind 'vacation' is unknown"),
        ("2027-01-01\n", "line 1", "expected 'date,kind[,name]'"),
        ("2027-01-01,holiday,a,b\n", "line 1", "got 4 fields"),
        ("# nothing\n", "file", "no days listed"),
    ],
)
def test_csv_errors_name_the_line(text: str, location: str, message: str) -> None:
    with pytest.raises(CalendarFileError) as info:
        parse_year_calendar_csv(text)
    assert info.value.location == location
    assert message in str(info.value)
