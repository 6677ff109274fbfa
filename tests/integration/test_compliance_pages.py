"""The compliance dashboard (/compliance) and its breach drill-down (/compliance/breaches):
figures judged from real records, scope by jurisdiction, filters, errors (both backends)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.kinds import EngagementStatus
from app.cases.models import Case, CaseDetainee, Detainee, Engagement
from app.orgs.models import Agency, Facility
from app.web.compliance import compliance as compliance_routes
from rights_checklist import compliance
from rights_checklist.compliance_types import ComplianceReport, ReportScope
from scheduling.kinds import MeetingStatus, RequestStatus
from scheduling.models import Meeting, MeetingRequest, Room
from tests.integration.helpers import in_english, make_organisation, make_user, sign_in_as

_serial = itertools.count(1)
H = timedelta(hours=1)


@dataclass
class Audited:
    haidian: Facility  # Beijing: one meeting on time, one late
    chaoyang: Facility  # Beijing: one meeting on time
    pudong: Facility  # Shanghai: one request never met
    late_case: Case
    on_time_case: Case
    auditor: User  # Beijing bar auditor


async def meeting_case(
    facility: Facility, agency: Agency, asked_ago: timedelta, met_after: timedelta | None
) -> Case:
    """A case whose lawyer asked to meet `asked_ago`; met `met_after` the request, or never."""
    tag = next(_serial)
    asked = datetime.now(UTC) - asked_ago
    case = await Case.create(agency=agency, case_number=f"AUD-{tag}")
    detainee = await Detainee.create(
        name=f"Detainee {tag}", id_number=f"AUD{tag:08d}", facility=facility,
        admitted_at=asked - timedelta(days=1),
    )  # fmt: skip
    await CaseDetainee.create(case=case, detainee=detainee)
    lawyer = await make_user(Role.LAWYER)
    engagement = await Engagement.create(
        lawyer=lawyer, case=case, detainee=detainee, status=EngagementStatus.ACTIVE,
        activated_at=asked - timedelta(days=1), notice_sent_at=asked - timedelta(days=1),
    )  # fmt: skip
    request = await MeetingRequest.create(
        engagement=engagement, lawyer=lawyer, detainee=detainee, facility=facility,
        requested_at=asked, clock_started_at=asked,
        status=RequestStatus.COMPLETED if met_after else RequestStatus.REQUESTED,
    )  # fmt: skip
    if met_after is not None:
        room = await Room.create(facility=facility, name=f"Room {tag}")
        await Meeting.create(
            request=request, room=room, lawyer=lawyer, detainee=detainee,
            starts_at=asked + met_after, ends_at=asked + met_after + H,
            status=MeetingStatus.ACTIVE, reference=f"AUD{tag:05d}", uid=f"aud-{tag}@test",
            started_at=asked + met_after, ended_at=asked + met_after + H,
        )  # fmt: skip
    return case


@pytest.fixture
async def audited(client: AsyncClient) -> Audited:
    haidian = await make_organisation("facility", "110108", "Haidian <&> centre")
    chaoyang = await make_organisation("facility", "110105", "Chaoyang centre")
    pudong = await make_organisation("facility", "310115", "Pudong centre")
    beijing_police = await make_organisation("agency", "110108", "Haidian police")
    shanghai_police = await make_organisation("agency", "310115", "Pudong police")
    assert isinstance(haidian, Facility) and isinstance(chaoyang, Facility)
    assert isinstance(pudong, Facility)
    assert isinstance(beijing_police, Agency) and isinstance(shanghai_police, Agency)
    on_time = await meeting_case(haidian, beijing_police, timedelta(days=10), 20 * H)
    late = await meeting_case(haidian, beijing_police, timedelta(days=8), 70 * H)
    await meeting_case(chaoyang, beijing_police, timedelta(days=6), 10 * H)
    await meeting_case(pudong, shanghai_police, timedelta(days=5), None)
    auditor = await make_user(Role.BAR_AUDITOR, region_code="110000")
    return Audited(haidian, chaoyang, pudong, late, on_time, auditor)


def totals_row(html: str, figure: str) -> str:
    """The text of the totals table row of `figure` (its English name), tags removed."""
    table = html.split('id="h-totals"', 1)[1].split("</table>", 1)[0]
    for row in table.split("<tr>"):
        if figure in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {figure}")


async def test_the_auditor_sees_the_meeting_figures_of_the_jurisdiction(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    page = await client.get("/compliance")
    assert page.status_code == 200
    # Two met on time, one late; the Shanghai request never met is not in Beijing's figures.
    assert totals_row(page.text, "Meetings within 48 hours (M1)").endswith("2 1 0 0 1 67% (2/3)")
    assert "Haidian &lt;&amp;&gt; centre" in page.text and "Pudong centre" not in page.text


async def test_the_dashboard_draws_an_accessible_chart_per_table(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    page = await client.get("/compliance")
    assert 'role="img" aria-labelledby="facilities-meetings-title facilities-meetings-desc"' in (
        page.text
    )
    assert page.text.count("<svg") == 4  # facilities, agencies, weekly and monthly trends
    assert "<script" not in page.text


async def test_the_facility_filter_narrows_the_figures(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    page = await client.get(f"/compliance?facility={audited.chaoyang.id}")
    assert page.status_code == 200
    assert totals_row(page.text, "Meetings within 48 hours (M1)").endswith("1 0 0 0 0 100% (1/1)")


async def test_a_breach_count_links_to_its_drill_down(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    page = await client.get("/compliance")
    links = re.findall(r'href="(/compliance/breaches\?[^"]*figure=meetings[^"]*)"', page.text)
    assert links
    assert all("&amp;" in link or "figure=" in link for link in links)


async def test_the_drill_down_lists_the_breach_with_a_link_to_the_checklist(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    page = await client.get("/compliance/breaches?figure=meetings")
    assert page.status_code == 200
    assert f'href="/cases/{audited.late_case.id}/checklist"' in page.text
    assert audited.late_case.case_number in page.text
    assert audited.on_time_case.case_number not in page.text
    assert "/compliance/export/breaches.csv?" in page.text
    checklist = await client.get(f"/cases/{audited.late_case.id}/checklist")
    assert checklist.status_code == 200 and "duty-status-met_late" in checklist.text


async def test_the_drill_down_of_another_jurisdiction_shows_nothing_of_it(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    page = await client.get("/compliance/breaches")
    assert page.status_code == 200
    assert "Pudong" not in page.text.split('id="h-breaches"', 1)[1]


async def test_an_admin_sees_every_jurisdiction(client: AsyncClient, audited: Audited) -> None:
    await sign_in_as(client, await make_user(Role.ADMIN))
    page = await client.get("/compliance")
    assert page.status_code == 200
    assert "Pudong centre" in page.text
    assert totals_row(page.text, "Meetings within 48 hours (M1)").endswith("2 1 1 0 2 50% (2/4)")


async def test_a_facility_outside_the_jurisdiction_is_not_found(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    assert (await client.get(f"/compliance?facility={audited.pudong.id}")).status_code == 404
    breaches = await client.get(f"/compliance/breaches?facility={audited.pudong.id}")
    assert breaches.status_code == 404


async def test_a_bad_date_answers_400_with_a_message_and_keeps_the_form(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    page = await client.get(f"/compliance?from=2026-13-01&facility={audited.chaoyang.id}")
    assert page.status_code == 400
    assert "Enter the dates as YYYY-MM-DD" in page.text
    assert 'value="2026-13-01"' in page.text
    assert f'<option value="{audited.chaoyang.id}" selected>' in page.text


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("from=2026-10-01&to=2026-09-01", "The end date is before the start date."),
        ("from=2020-01-01&to=2026-01-01", "A report covers at most three years."),
        ("figure=nonsense", "Choose one of the figures listed."),
        ("facility=abc", "Choose a detention centre from the list."),
    ],
)
async def test_other_bad_filters_answer_400_with_their_message(
    client: AsyncClient, audited: Audited, query: str, text: str
) -> None:
    await sign_in_as(client, audited.auditor)
    for path in ("/compliance", "/compliance/breaches"):
        page = await client.get(f"{path}?{query}")
        assert page.status_code == 400
        assert text in page.text


@pytest.mark.parametrize("role", [Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR])
async def test_other_roles_are_refused(client: AsyncClient, role: Role) -> None:
    await sign_in_as(client, await make_user(role))
    assert (await client.get("/compliance")).status_code == 403
    assert (await client.get("/compliance/breaches")).status_code == 403


async def test_signed_out_visitors_are_sent_to_log_in(client: AsyncClient) -> None:
    response = await client.get("/compliance/breaches?figure=meetings")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


async def test_the_navigation_offers_the_dashboard_to_auditors(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    home = await client.get("/")
    assert 'href="/compliance"' in home.text


async def test_the_page_is_in_chinese_by_default(client: AsyncClient, audited: Audited) -> None:
    await sign_in_as(client, audited.auditor)
    client.cookies.delete("lawmeet_lang")
    page = await client.get("/compliance")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert "合规审计" in page.text


async def test_the_english_page_uses_the_english_names(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    in_english(client)
    page = await client.get("/compliance")
    assert "Compliance audit" in page.text


async def test_a_report_with_cases_awaiting_judgement_says_so(
    client: AsyncClient, audited: Audited, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = compliance.compliance_report

    async def lagging(scope: ReportScope, **kwargs: object) -> ComplianceReport:
        return replace(await real(scope, refresh_by=None), pending_refresh=3)

    monkeypatch.setattr(compliance, "compliance_report", lagging)
    await sign_in_as(client, audited.auditor)
    page = await client.get("/compliance")
    assert "3 cases changed since their duties were last judged" in page.text


async def test_the_drill_down_pages_through_the_breaches(
    client: AsyncClient, audited: Audited, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compliance_routes, "PAGE_SIZE", 1)
    await sign_in_as(client, audited.auditor)
    first = await client.get("/compliance/breaches")
    assert "page 1 of 4" in first.text  # the late meeting and three engagement notices (N1)
    [following] = re.findall(r'href="([^"]*page=2[^"]*)" rel="next"', first.text)
    second = await client.get(following.replace("&amp;", "&"))
    assert second.status_code == 200 and 'rel="prev"' in second.text
    rows = re.compile(r'href="/cases/(\d+)/checklist"')
    assert rows.findall(first.text) != rows.findall(second.text)


async def test_the_quick_periods_keep_the_chosen_facility(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    page = await client.get(f"/compliance?facility={audited.chaoyang.id}")
    quick = page.text.split('class="quick-periods"', 1)[1].split("</nav>", 1)[0]
    assert quick.count(f"facility={audited.chaoyang.id}") == 4
