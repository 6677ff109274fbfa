"""The deadline calculator page /deadlines."""

from __future__ import annotations

import re

import pytest
from httpx import AsyncClient

from app.accounts.roles import Role
from tests.integration.helpers import signed_in

STORY = {
    "trigger_date": "2026-09-29",
    "trigger_time": "10:20",
    "amount": "3",
    "unit": "d",
    "kind": "decision",
    "tz": "Asia/Shanghai",
}


def field_error(html: str, name: str) -> str | None:
    """The error text shown for a form field, if any (and check it is wired to the input)."""
    found = re.search(rf'<p class="error" id="e-{name}"[^>]*>([^<]*)</p>', html)
    if found is None:
        return None
    assert re.search(rf'id="f-{name}"[^>]*aria-invalid="true" aria-describedby="e-{name}"', html)
    return found.group(1)


async def test_visitors_are_sent_to_sign_in(client: AsyncClient) -> None:
    response = await client.get("/deadlines")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/deadlines"


@pytest.mark.parametrize("role", [Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR])
async def test_every_signed_in_role_gets_the_empty_form(client: AsyncClient, role: Role) -> None:
    await signed_in(client, role)
    response = await client.get("/deadlines")
    assert response.status_code == 200
    assert 'value="Asia/Shanghai"' in response.text
    assert "deadline-result" not in response.text


async def test_user_story_shows_8_october_and_national_day_and_links_the_rule(
    client: AsyncClient,
) -> None:
    await signed_in(client, Role.LAWYER, locale="en")
    response = await client.get("/deadlines", params=STORY)
    html = response.text
    assert response.status_code == 200
    assert re.search(r'class="deadline-expiry"><time datetime="2026-10-09T00:00:00\+08:00">'
                     r"Thursday, 8 October 2026 24:00</time>", html)  # fmt: skip
    assert "Skipped: 2 Oct 2026 to 7 Oct 2026 (National Day)" in html
    assert "Friday, 2 October 2026" in html  # the day it moved from
    assert '<a href="#rule-cpl-105">Criminal Procedure Law, art. 105</a>' in html
    assert "Beijing time · UTC+08:00" in html
    assert 'id="rule-cpl-105"' in html
    assert "以节假日后的第一日为期满日期" in html


async def test_explanation_follows_the_page_language(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER, locale="zh-CN")
    html = (await client.get("/deadlines", params=STORY)).text
    # The counting steps say their times and days in words, not "2026-09-29 10:20".
    assert "跳过：2026年10月2日至2026年10月7日（国庆节）" in html
    assert "触发时间：2026年9月29日（周二）10:20（北京时间，UTC+08:00）" in html
    steps = html.split('class="deadline-steps">')[1].split("</ol>")[0]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", steps)
    assert "2026年10月8日星期四 24:00" in html


async def test_policies_used_are_named_with_their_value(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER, locale="en")
    html = (await client.get("/deadlines", params=STORY)).text
    assert "Decision limits in days are: calendar days (P4)" in html


async def test_a_result_without_official_calendar_shows_a_provisional_alert(
    client: AsyncClient,
) -> None:
    await signed_in(client, Role.LAWYER, locale="en")
    params = {**STORY, "trigger_date": "2026-12-29", "amount": "6", "kind": "procedural"}
    html = (await client.get("/deadlines", params=params)).text
    alert = re.search(r'<div class="alert alert-warn" role="alert">(.*?)</div>', html, re.S)
    assert alert is not None
    assert "no official rest-day calendar for 2027" in alert.group(1)


async def test_an_official_result_has_no_provisional_alert(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER, locale="en")
    html = (await client.get("/deadlines", params=STORY)).text
    assert "alert-warn" not in html


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "3x"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"trigger_date": "2026-02-30"}, "trigger_date"),
        ({"trigger_date": "29.09.2026"}, "trigger_date"),
        ({"trigger_time": "1020"}, "trigger_time"),
        ({"tz": "Mars/Base"}, "tz"),
        ({"kind": "weekly"}, "kind"),
        ({"kind": "target"}, "unit"),
    ],
)
async def test_bad_input_is_a_400_with_the_error_next_to_the_field(
    client: AsyncClient, changes: dict[str, str], field: str
) -> None:
    await signed_in(client, Role.LAWYER, locale="en")
    response = await client.get("/deadlines", params={**STORY, **changes})
    assert response.status_code == 400
    assert field_error(response.text, field)
    assert "deadline-result" not in response.text


async def test_bad_input_keeps_the_entered_values(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER, locale="en")
    params = {**STORY, "amount": "3x", "tz": "Asia/Urumqi"}
    html = (await client.get("/deadlines", params=params)).text
    assert 'name="amount" type="text" value="3x"' in html
    assert 'name="trigger_date" type="date" value="2026-09-29"' in html
    assert 'value="Asia/Urumqi"' in html
    assert '<option value="decision" selected>' in html


async def test_a_time_skipped_by_daylight_saving_is_an_error_on_the_time(
    client: AsyncClient,
) -> None:
    await signed_in(client, Role.LAWYER, locale="en")
    params = {**STORY, "trigger_date": "2026-03-08", "trigger_time": "02:30"}
    response = await client.get("/deadlines", params={**params, "tz": "America/New_York"})
    assert response.status_code == 400
    assert field_error(response.text, "trigger_time")
