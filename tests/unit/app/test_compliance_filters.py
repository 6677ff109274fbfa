"""Reading the compliance views' query parameters: defaults, periods, errors, scope by role.
(Facility and agency ids are checked against the database: tests/integration.)"""

from __future__ import annotations

from datetime import date

import pytest

from app.accounts.models import User
from app.accounts.roles import Role
from app.presentation.compliance_filters import FilterError, Filters, parse_filters, quick_periods
from rights_checklist.compliance_types import Figure, ReportScope

TODAY = date(2026, 11, 27)
AUDITOR = User(role=Role.BAR_AUDITOR, region_code="110000")
ADMIN = User(role=Role.ADMIN, region_code="")


async def parse(query: dict[str, str], user: User = AUDITOR) -> Filters:
    return await parse_filters(query, user, TODAY)


async def error(query: dict[str, str]) -> FilterError:
    with pytest.raises(FilterError) as caught:
        await parse(query)
    return caught.value


async def test_without_parameters_the_last_90_days_ending_today_are_shown() -> None:
    filters = await parse({})
    assert (filters.scope.period_from, filters.scope.period_to) == (date(2026, 8, 30), TODAY)
    assert (filters.figure, filters.page) == (None, 1)


async def test_an_auditor_is_scoped_to_the_jurisdiction_and_an_admin_to_everywhere() -> None:
    assert (await parse({})).scope.jurisdiction == "11"
    assert (await parse({}, ADMIN)).scope.jurisdiction is None


async def test_a_start_date_alone_runs_to_today() -> None:
    filters = await parse({"from": "2026-10-01"})
    assert (filters.scope.period_from, filters.scope.period_to) == (date(2026, 10, 1), TODAY)


async def test_an_end_date_alone_covers_the_90_days_before_it() -> None:
    filters = await parse({"to": "2026-06-30"})
    assert filters.scope.period_from == date(2026, 4, 2)


async def test_a_figure_and_a_page_are_read() -> None:
    filters = await parse({"figure": "notices", "page": "3"})
    assert (filters.figure, filters.page) == (Figure.NOTICES, 3)


@pytest.mark.parametrize("text", ["2026-13-01", "27/11/2026", "2026-2-1", "yesterday"])
async def test_a_malformed_date_is_refused(text: str) -> None:
    caught = await error({"from": text})
    assert (caught.code, caught.field, caught.status) == ("compliance_date_invalid", "from", 400)
    assert caught.values["from"] == text


async def test_an_end_before_the_start_is_refused() -> None:
    caught = await error({"from": "2026-10-02", "to": "2026-10-01"})
    assert (caught.code, caught.field) == ("compliance_period_reversed", "to")


async def test_three_years_are_allowed_and_a_day_more_is_not() -> None:
    await parse({"from": "2023-11-28", "to": "2026-11-27"})
    caught = await error({"from": "2023-11-26", "to": "2026-11-27"})
    assert caught.code == "compliance_period_too_long"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"figure": "M1"}, "compliance_figure_unknown"),
        ({"facility": "one"}, "compliance_facility_invalid"),
        ({"agency": "-4"}, "compliance_agency_invalid"),
        ({"page": "0"}, "compliance_page_invalid"),
        ({"page": "２"}, "compliance_page_invalid"),
    ],
)
async def test_other_bad_parameters_are_refused_with_their_code(
    query: dict[str, str], code: str
) -> None:
    assert (await error(query)).code == code


async def test_the_query_repeats_the_selection_and_takes_changes() -> None:
    filters = Filters(ReportScope(date(2026, 9, 1), date(2026, 9, 30), "11", 4), Figure.MEETINGS)
    assert filters.query() == "from=2026-09-01&to=2026-09-30&facility=4&figure=meetings"
    assert filters.query(figure=None, page=2) == "from=2026-09-01&to=2026-09-30&facility=4&page=2"


def test_quick_periods_are_the_quarters_and_the_last_twelve_months() -> None:
    periods = {p.key: (p.period_from, p.period_to) for p in quick_periods(TODAY)}
    assert periods["this_quarter"] == (date(2026, 10, 1), TODAY)
    assert periods["last_quarter"] == (date(2026, 7, 1), date(2026, 9, 30))
    assert periods["last_12_months"] == (date(2025, 11, 28), TODAY)


def test_last_quarter_in_january_is_the_previous_years_fourth() -> None:
    periods = {p.key: (p.period_from, p.period_to) for p in quick_periods(date(2027, 1, 5))}
    assert periods["last_quarter"] == (date(2026, 10, 1), date(2026, 12, 31))
