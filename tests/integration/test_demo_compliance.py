"""`lawmeet demo` loads six months of history that makes the compliance dashboard tell story 15:
three centres with different shares of meetings within 48 hours, breaches to drill into.

The history is written straight into the tables, outside the services and the audit trail, so
each of its cases is flagged ``demo_history`` and the compliance pages say how many of the cases
they count are such demo data; every other case was opened through the services (audited). It
leaves nothing of the past open: no day board shows a months-old request."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from app.audit.models import AuditEntry
from app.audit.verify import verify_chain
from app.cases.models import Case
from app.law.context import Law
from app.orgs.models import Agency, Facility
from app.settings import LegalSection, Settings
from notifications.models import Notification
from rights_checklist.compliance import compliance_report
from rights_checklist.compliance_types import Figure, ReportScope
from rights_checklist.ledger import from_us
from rights_checklist.ledger_models import DutyLedgerMark, DutyRecord
from rights_checklist.timeline import DutyStatus, judge
from scheduling.forecast import requests_at_risk
from scheduling.kinds import MeetingStatus, RequestStatus
from scheduling.models import Meeting, MeetingRequest
from tests.integration.helpers import in_database, sign_in_as
from tests.integration.test_cli import env, lawmeet, restore_logging
from tests.integration.test_compliance_pages import Audited, audited

__all__ = ["audited", "env", "restore_logging"]  # fixtures shared with other tests

HAIDIAN, CHAOYANG, XICHENG = "北京市海淀区看守所", "北京市朝阳区看守所", "北京市西城区看守所"


async def _statuses(duty_ids: tuple[str, ...]) -> list[tuple[str, str, DutyStatus]]:
    """(facility name, agency name, status as of now) of each ledger row of ``duty_ids``."""
    now = datetime.now(UTC)
    facilities = dict(await Facility.all().values_list("id", "name"))
    agencies = dict(await Agency.all().values_list("id", "name"))
    out = []
    for row in await DutyRecord.filter(duty_id__in=duty_ids).values(
        "facility_id", "agency_id", "due_us", "fulfilled_us", "settled_status"
    ):
        status = DutyStatus(row["settled_status"]) if row["settled_status"] else judge(
            from_us(row["due_us"]) if row["due_us"] is not None else None,
            from_us(row["fulfilled_us"]) if row["fulfilled_us"] is not None else None,
            now,
            timedelta(0),
        )  # fmt: skip
        out.append((facilities.get(row["facility_id"], ""), agencies[row["agency_id"]], status))
    return out


def _on_time_share(rows: list[tuple[str, DutyStatus]], name: str) -> float:
    counts = Counter(status for who, status in rows if who == name)
    judged = (
        counts[DutyStatus.MET_ON_TIME] + counts[DutyStatus.MET_LATE] + counts[DutyStatus.MISSED]
    )
    return counts[DutyStatus.MET_ON_TIME] / judged


@pytest.fixture
def demo(env: Callable[..., None], settings: Settings, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = lawmeet(capsys, "demo")
    assert code == 0, err
    return out


def test_demo_history_covers_three_centres_over_six_months(demo: str, settings: Settings) -> None:
    async def work() -> tuple[set[str], datetime, datetime]:
        rows = await _statuses(("M1",))
        times: list[datetime] = [
            r["requested_at"] for r in await MeetingRequest.all().values("requested_at")
        ]
        return {f for f, _, _ in rows}, min(times), max(times)

    facilities, first, last = in_database(settings, work)
    assert {HAIDIAN, CHAOYANG, XICHENG} <= facilities
    assert first < datetime.now(UTC) - timedelta(days=150)
    assert last <= datetime.now(UTC)


def test_demo_centres_meet_the_48_hours_in_different_shares(demo: str, settings: Settings) -> None:
    rows = [(f, s) for f, _, s in in_database(settings, lambda: _statuses(("M1",)))]
    assert _on_time_share(rows, HAIDIAN) == pytest.approx(0.96, abs=0.015)
    assert _on_time_share(rows, XICHENG) == pytest.approx(0.85, abs=0.03)
    assert _on_time_share(rows, CHAOYANG) == pytest.approx(0.71, abs=0.03)


def test_demo_has_breaches_of_every_agency_figure(demo: str, settings: Settings) -> None:
    duties = ("N1", "N2", "N4", "M5", "O1", "O2", "C1")
    rows = in_database(settings, lambda: _statuses(duties))
    breaches = Counter(a for _, a, s in rows if s in (DutyStatus.MET_LATE, DutyStatus.MISSED))
    on_time = Counter(a for _, a, s in rows if s is DutyStatus.MET_ON_TIME)
    assert breaches["北京市公安局朝阳分局刑侦支队"] > breaches["北京市公安局海淀分局刑侦支队"] > 0
    assert breaches["北京市国家安全局侦查处"] >= 1  # a permission answered late (M5)
    assert all(on_time[a] > breaches[a] for a in on_time)


def test_demo_records_cancellations_refusals_walk_ins_and_permissions(
    demo: str, settings: Settings
) -> None:
    async def work() -> dict[str, int]:
        requests = MeetingRequest.all()
        return {
            "cancelled": await Meeting.filter(status=MeetingStatus.CANCELLED)
            .exclude(cancel_reason="")
            .count(),
            "refused": await requests.filter(status=RequestStatus.REFUSED)
            .exclude(refusal_reason="")
            .count(),
            "walk_ins": await requests.filter(walk_in=True).count(),
            "permissions": await requests.filter(permission_due_at__not_isnull=True).count(),
            "statutory_notices": await Notification.filter(duty_id__not_isnull=True).count(),
        }

    counts = in_database(settings, work)
    assert counts["cancelled"] >= 3
    assert counts["refused"] >= 3
    assert counts["walk_ins"] >= 6
    assert counts["permissions"] >= 3
    assert counts["statutory_notices"] > 100


def test_demo_leaves_the_ledger_judged(demo: str, settings: Settings) -> None:
    async def work() -> tuple[int, int, int]:
        judged = await DutyRecord.all().distinct().values_list("case_id", flat=True)
        return await Case.all().count(), len(judged), await DutyLedgerMark.all().count()

    cases, judged, marks = in_database(settings, work)
    assert cases > 100
    assert judged == cases
    assert marks == 0


def test_demo_report_tells_story_15(demo: str, settings: Settings) -> None:
    """The compliance report over the demo year: 海淀 ~96%, 朝阳 ~71%, breaches to drill into."""
    today = datetime.now(UTC).date()
    scope = ReportScope(today - timedelta(days=365), today, jurisdiction="11")
    report = in_database(
        settings, lambda: compliance_report(scope, refresh_by=Law.from_settings(settings.legal))
    )
    shares = {f.name: f.tallies[Figure.MEETINGS].on_time_share for f in report.facilities}
    assert shares[HAIDIAN] == pytest.approx(0.96, abs=0.015)
    assert shares[CHAOYANG] == pytest.approx(0.71, abs=0.03)
    assert sum(f.refusals for f in report.facilities) >= 3
    assert report.totals[Figure.NOTICES].breaches > 0
    assert report.totals[Figure.PERMISSIONS].breaches == 1


def test_no_request_of_the_history_waits_on_a_day_board(demo: str, settings: Settings) -> None:
    """Every request still waiting falls due in the future: none shows hours overdue."""

    async def work() -> tuple[list[datetime], int]:
        deadlines = [
            item.deadline_at
            for facility in await Facility.all()
            for item in await requests_at_risk(facility.id)
        ]
        stale = await MeetingRequest.filter(
            status=RequestStatus.REQUESTED, deadline_at__lt=datetime.now(UTC)
        ).count()
        return deadlines, stale

    deadlines, stale = in_database(settings, work)
    assert deadlines and stale == 0
    assert all(d > datetime.now(UTC) for d in deadlines)


def test_the_history_is_flagged_and_every_other_case_is_audited(
    demo: str, settings: Settings
) -> None:
    async def work() -> tuple[list[Case], set[str], int, bool]:
        opened = await AuditEntry.filter(action="case.opened").values_list("object_id", flat=True)
        today = datetime.now(UTC).date()
        report = await compliance_report(
            ReportScope(today - timedelta(days=365), today),
            refresh_by=Law.from_settings(LegalSection()),
        )
        intact = (await verify_chain()).broken is None
        return await Case.all(), {str(o) for o in opened}, report.demo_history_cases, intact

    cases, opened, counted, intact = in_database(settings, work)
    flagged = [c for c in cases if c.demo_history]
    assert f"Demo history cases created: {len(flagged)}" in demo
    assert all(str(c.id) not in opened for c in flagged)  # written outside the services
    assert all(str(c.id) in opened for c in cases if not c.demo_history)  # in the audit trail
    assert counted == len(flagged) and intact


def test_a_demo_loaded_before_the_flag_is_flagged_on_the_next_load(
    demo: str, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    async def flagged() -> set[int]:
        return {c.id for c in await Case.filter(demo_history=True)}

    async def unflag() -> None:
        await Case.all().update(demo_history=False)

    history = in_database(settings, flagged)
    in_database(settings, unflag)  # as a database loaded before migration 0015 is
    assert lawmeet(capsys, "demo")[0] == 0
    assert in_database(settings, flagged) == history
    entry = in_database(settings, lambda: AuditEntry.get(action="demo.history_flagged"))
    assert entry.summary == {"cases": len(history)}


# The pages that count the history say so, from the flag of the cases they count.


async def test_the_dashboard_says_how_many_cases_are_demo_data(
    client: AsyncClient, audited: Audited
) -> None:
    await sign_in_as(client, audited.auditor)
    assert "Demo data" not in (await client.get("/compliance")).text  # nothing flagged
    await Case.filter(id=audited.late_case.id).update(demo_history=True)
    page = await client.get("/compliance")
    assert 'class="alert alert-warn demo-data" role="note">Demo data: 1 of the cases' in page.text
    report = await client.get("/compliance/report")
    assert 'class="warning demo-data" role="note">Demo data: 1 of the cases' in report.text


async def test_the_breaches_page_marks_the_demo_data(client: AsyncClient, audited: Audited) -> None:
    await sign_in_as(client, audited.auditor)
    assert "Demo data" not in (await client.get("/compliance/breaches")).text
    await Case.filter(id=audited.late_case.id).update(demo_history=True)
    page = (await client.get("/compliance/breaches")).text
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    flagged = f">{audited.late_case.case_number}</a>"
    marked = [row for row in rows if 'class="badge demo-data"' in row]
    assert marked == [row for row in rows if flagged in row]  # its breaches, and only those
    assert f"Demo data: {len(marked)} of the breaches on this page" in page
