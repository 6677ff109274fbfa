"""CSV exports and the printable compliance report: rows from data made through the services,
the BOM option, the auditor's jurisdiction, other roles refused, the verification shown."""

from __future__ import annotations

import csv
import io

import pytest
from httpx import AsyncClient, Response

from app.accounts.roles import Role
from app.audit.models import AuditVerification
from app.orgs.models import BarAssociation
from tests.integration.audit_tampering import allow_tampering, edit_summary
from tests.integration.export_world import ExportWorld, make_export_world
from tests.integration.helpers import in_english, login, signed_in

BOM = b"\xef\xbb\xbf"


@pytest.fixture
async def world(client: AsyncClient) -> ExportWorld:
    return await make_export_world()


async def as_auditor(client: AsyncClient, world: ExportWorld) -> None:
    assert (await login(client, world.auditor.username)).status_code == 303


def rows_of(response: Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def by_header(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_the_facility_csv_has_the_jurisdictions_centres_with_their_figures(
    client: AsyncClient, world: ExportWorld
) -> None:
    await as_auditor(client, world)
    in_english(client)
    response = await client.get("/compliance/export/facilities.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = by_header(rows_of(response))
    assert [row["Detention centre"] for row in rows] == [world.beijing.facility.name]
    m1 = "Meetings within 48 hours (M1): "
    assert rows[0][m1 + "Met on time"] == "1"
    assert rows[0][m1 + "Missed"] == "2"
    assert rows[0][m1 + "Share on time"] == "33.3%"


async def test_the_headers_are_chinese_by_default(client: AsyncClient, world: ExportWorld) -> None:
    await as_auditor(client, world)
    rows = rows_of(await client.get("/compliance/export/facilities.csv"))
    assert rows[0][0] == "看守所"
    assert rows[1][0] == world.beijing.facility.name  # Chinese names intact


async def test_the_download_is_an_attachment_named_for_the_period(
    client: AsyncClient, world: ExportWorld
) -> None:
    await as_auditor(client, world)
    response = await client.get("/compliance/export/agencies.csv?from=2026-01-01&to=2026-12-31")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "2026-01-01" in disposition and "2026-12-31" in disposition and ".csv" in disposition


async def test_a_bom_is_added_only_when_asked(client: AsyncClient, world: ExportWorld) -> None:
    await as_auditor(client, world)
    plain = await client.get("/compliance/export/facilities.csv")
    marked = await client.get("/compliance/export/facilities.csv?bom=1")
    assert not plain.content.startswith(BOM)
    assert marked.content.startswith(BOM)
    assert marked.content.removeprefix(BOM) == plain.content


async def test_the_breach_csv_lists_the_missed_requests_of_the_jurisdiction_only(
    client: AsyncClient, world: ExportWorld
) -> None:
    await as_auditor(client, world)
    in_english(client)
    rows = rows_of(await client.get("/compliance/export/breaches.csv?figure=meetings"))
    numbers = [row[0] for row in rows[1:]]
    assert sorted(numbers) == sorted(world.beijing_missed)
    assert world.shanghai_missed not in numbers and world.on_time_case not in numbers
    first = by_header(rows)[0]
    assert first["Duty"] == "M1" and first["Status"] == "Missed"
    assert first["Duty title"] == "Arrange the meeting within 48 hours"
    assert first["Detention centre"] == world.beijing.facility.name
    assert float(first["Hours late"]) > 24


async def test_an_admin_exports_every_jurisdiction(client: AsyncClient, world: ExportWorld) -> None:
    await signed_in(client, Role.ADMIN)
    numbers = [row[0] for row in rows_of(await client.get("/compliance/export/breaches.csv"))]
    assert set(world.beijing_missed) | {world.shanghai_missed} <= set(numbers)
    names = [row[0] for row in rows_of(await client.get("/compliance/export/facilities.csv"))]
    assert {world.beijing.facility.name, world.shanghai.facility.name} <= set(names)


async def test_the_trend_csv_has_a_week_and_a_month_row_for_the_meetings(
    client: AsyncClient, world: ExportWorld
) -> None:
    await as_auditor(client, world)
    in_english(client)
    rows = rows_of(await client.get("/compliance/export/trends.csv"))
    kinds = {row[0] for row in rows[1:] if "M1" in row[2]}
    assert kinds == {"Week", "Month"}


async def test_the_exports_never_name_people(client: AsyncClient, world: ExportWorld) -> None:
    await as_auditor(client, world)
    for table in ("facilities", "agencies", "trends", "breaches"):
        text = (await client.get(f"/compliance/export/{table}.csv")).text
        assert "张三丰" not in text and "Lawyer Wang Fang" not in text


async def test_another_jurisdictions_facility_or_agency_is_not_found(
    client: AsyncClient, world: ExportWorld
) -> None:
    await as_auditor(client, world)
    facility, agency = world.shanghai.facility.id, world.shanghai.agency.id
    for path in ("/compliance/export/facilities.csv", "/compliance/export/breaches.csv",
                 "/compliance/report"):  # fmt: skip
        assert (await client.get(f"{path}?facility={facility}")).status_code == 404
        assert (await client.get(f"{path}?agency={agency}")).status_code == 404


async def test_an_unknown_table_is_not_found(client: AsyncClient, world: ExportWorld) -> None:
    await as_auditor(client, world)
    assert (await client.get("/compliance/export/lawyers.csv")).status_code == 404


async def test_a_malformed_date_answers_400_with_a_message(
    client: AsyncClient, world: ExportWorld
) -> None:
    await as_auditor(client, world)
    in_english(client)
    response = await client.get("/compliance/export/facilities.csv?from=2026-13-01")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.text


@pytest.mark.parametrize("role", [Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR])
async def test_other_roles_are_refused(client: AsyncClient, role: Role) -> None:
    await signed_in(client, role)
    assert (await client.get("/compliance/export/facilities.csv")).status_code == 403
    assert (await client.get("/compliance/export/breaches.csv")).status_code == 403
    assert (await client.get("/compliance/report")).status_code == 403


async def test_signed_out_visitors_are_sent_to_log_in(client: AsyncClient) -> None:
    response = await client.get("/compliance/report")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_the_printable_report_shows_scope_figures_and_the_verification_it_ran(
    client: AsyncClient, world: ExportWorld
) -> None:
    await as_auditor(client, world)
    response = await client.get("/compliance/report?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 200
    html = response.text
    assert "2026-01-01 – 2026-12-31" in html
    assert world.beijing.facility.name in html and world.shanghai.facility.name not in html
    assert "完整" in html  # the audit trail verified intact
    assert 'href="/static/compliance_report.css"' in html and "<script" not in html
    assert "<svg" in html
    bar = await BarAssociation.get(id=world.auditor.bar_association_id)
    assert f"{bar.name} (110000)" in html  # the scope, named
    assert 'href="/compliance?from=2026-01-01&amp;to=2026-12-31"' in html
    # Verified for the report, not stored: a GET changes nothing.
    assert await AuditVerification.all().count() == 0


async def test_the_printable_report_says_when_the_audit_trail_is_broken(
    client: AsyncClient, world: ExportWorld
) -> None:
    await allow_tampering()
    await edit_summary()
    await as_auditor(client, world)
    in_english(client)
    html = (await client.get("/compliance/report")).text
    assert "Broken" in html and "first bad entry: 3" in html
