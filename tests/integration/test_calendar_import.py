"""Importing rest-day calendar years: the service, and the admin page /admin/calendar."""

from __future__ import annotations

from datetime import date

import pytest
from httpx import AsyncClient, Response

from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.law.calendar_store import import_calendar, imported_years, load_rest_day_calendar
from app.law.models import ImportedRestDay, ImportedRestDayYear
from app.law.restdays import CalendarFileError
from tests.integration.helpers import csrf_from, make_user, signed_in

CAL_2027 = "date,kind,name\n2027-01-01,holiday,New Year's Day\n2027-01-04,holiday,Test holiday\n"
TOML_2027_2028 = """source = "国务院办公厅通知"
[[day]]
date = 2027-02-06
kind = "workday"
name = "Spring Festival"
[[day]]
date = 2028-01-03
kind = "holiday"
"""


# --- the service ---------------------------------------------------------------------------


async def test_imported_year_is_official_in_the_loaded_calendar(database: None) -> None:
    assert await import_calendar(CAL_2027, "2027.csv", None) == [2027]
    calendar = await load_rest_day_calendar()
    assert calendar.is_official(2027)
    assert calendar.day_status(date(2027, 1, 4)).name == "Test holiday"
    assert calendar.is_rest_day(date(2027, 1, 4))


async def test_a_make_up_working_day_is_a_working_day(database: None) -> None:
    await import_calendar(TOML_2027_2028, "2027.toml", None)
    calendar = await load_rest_day_calendar()
    assert calendar.is_working_day(date(2027, 2, 6))  # a Saturday
    assert calendar.year_calendar(2027).source == "国务院办公厅通知"  # type: ignore[union-attr]


async def test_importing_a_year_again_replaces_its_days(database: None) -> None:
    await import_calendar(CAL_2027, "first.csv", None)
    await import_calendar("2027-05-03,holiday,Labour Day\n", "second.csv", None)
    (year,) = await imported_years()
    assert [d.day for d in year.days] == [date(2027, 5, 3)]
    assert year.filename == "second.csv"


async def test_importing_one_year_leaves_other_years_alone(database: None) -> None:
    await import_calendar(TOML_2027_2028, "both.toml", None)
    await import_calendar(CAL_2027, "2027.csv", None)
    assert [y.year for y in await imported_years()] == [2027, 2028]


async def test_each_imported_year_writes_an_audit_entry(database: None) -> None:
    actor = await make_user(Role.ADMIN)
    await import_calendar(TOML_2027_2028, "both.toml", actor)
    entries = await AuditEntry.filter(action="rest_days.imported").order_by("seq")
    assert [(e.object_id, e.actor_id) for e in entries] == [("2027", actor.id), ("2028", actor.id)]
    assert entries[0].summary == {
        "filename": "both.toml",
        "source": "国务院办公厅通知",
        "holidays": 0,
        "workdays": 1,
        "replaced": False,
    }


async def test_a_file_with_an_error_in_its_second_year_stores_nothing(database: None) -> None:
    text = "2027-01-01,holiday\n2028-01-03,workday\n"  # 3 Jan 2028 is a Monday
    with pytest.raises(CalendarFileError) as info:
        await import_calendar(text, "bad.csv", None)
    assert info.value.location == "line 2"
    assert await ImportedRestDayYear.all().count() == 0
    assert await ImportedRestDay.all().count() == 0


async def test_an_unknown_file_type_is_refused(database: None) -> None:
    with pytest.raises(CalendarFileError, match=r"use a \.csv or \.toml file"):
        await import_calendar(CAL_2027, "2027.xlsx", None)


# --- the admin page --------------------------------------------------------------------------


async def upload(client: AsyncClient, name: str, content: str | bytes) -> Response:
    token = csrf_from((await client.get("/admin/calendar")).text)
    files = {"file": (name, content, "text/csv")}
    return await client.post("/admin/calendar", data={"csrf_token": token}, files=files)


async def test_lawyers_may_not_see_the_calendar_admin_page(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER)
    assert (await client.get("/admin/calendar")).status_code == 403


async def test_admin_sees_official_years_and_who_imported_which_year(client: AsyncClient) -> None:
    admin = await signed_in(client, Role.ADMIN, locale="en")
    response = await upload(client, "2027.csv", CAL_2027)
    assert response.status_code == 303
    html = (await client.get(response.headers["location"])).text
    assert "2004 to 2026, from chinese_calendar" in html
    assert '<h3 id="h-year-2027">2027</h3>' in html
    assert f"<dt>Imported by</dt><dd>{admin.username}</dd>" in html
    assert '<td data-label="Holiday name">Test holiday</td>' in html


async def test_import_through_the_page_makes_2027_deadlines_official(client: AsyncClient) -> None:
    await signed_in(client, Role.ADMIN, locale="en")
    params = {"trigger_date": "2026-12-29", "trigger_time": "10:00", "amount": "6",
              "unit": "d", "kind": "procedural", "tz": "Asia/Shanghai"}  # fmt: skip
    assert "alert-warn" in (await client.get("/deadlines", params=params)).text
    await upload(client, "2027.csv", CAL_2027)
    html = (await client.get("/deadlines", params=params)).text
    assert "alert-warn" not in html
    assert 'datetime="2027-01-05"' in html  # 4 Jan is a holiday in the imported calendar


async def test_a_bad_file_shows_the_line_and_stores_nothing(client: AsyncClient) -> None:
    await signed_in(client, Role.ADMIN, locale="en")
    response = await upload(client, "bad.csv", "2027-01-01,holiday\n2027-01-04,workday\n")
    assert response.status_code == 400
    assert 'aria-describedby="e-file"' in response.text
    assert "line 2: 2027-01-04 is a Monday" in response.text
    assert await ImportedRestDay.all().count() == 0


async def test_a_file_that_is_not_utf8_is_refused(client: AsyncClient) -> None:
    await signed_in(client, Role.ADMIN, locale="en")
    response = await upload(client, "gbk.csv", "2027-01-01,holiday,元旦\n".encode("gbk"))
    assert response.status_code == 400
    assert "not UTF-8 text" in response.text


async def test_submitting_without_a_file_is_a_400(client: AsyncClient) -> None:
    await signed_in(client, Role.ADMIN, locale="en")
    token = csrf_from((await client.get("/admin/calendar")).text)
    response = await client.post("/admin/calendar", data={"csrf_token": token})
    assert response.status_code == 400
    assert "Choose a CSV or TOML file" in response.text


async def test_the_import_form_requires_the_csrf_token(client: AsyncClient) -> None:
    await signed_in(client, Role.ADMIN)
    files = {"file": ("2027.csv", CAL_2027, "text/csv")}
    response = await client.post("/admin/calendar", files=files)
    assert response.status_code == 403
    assert await ImportedRestDay.all().count() == 0


async def test_lawyers_may_not_import(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER)
    token = csrf_from((await client.get("/deadlines")).text)
    files = {"file": ("2027.csv", CAL_2027, "text/csv")}
    response = await client.post("/admin/calendar", data={"csrf_token": token}, files=files)
    assert response.status_code == 403
    assert await ImportedRestDay.all().count() == 0
