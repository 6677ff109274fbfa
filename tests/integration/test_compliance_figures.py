"""The compliance figures (SQL over the duty ledger) agree with the per-case checklist
(Python), on generated timelines, on both backends; the ledger follows every change."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from app.accounts.policy import NotFound
from app.cases.models import Case
from app.law.context import Law, LegalContext, load_context
from app.settings import LegalSection, Settings
from notifications.kinds import Status
from notifications.models import Notification
from rights_checklist import ledger
from rights_checklist.checklist import case_checklist
from rights_checklist.compliance import breach_list, check_scope, compliance_report, scope_for
from rights_checklist.compliance_types import FIGURE_DUTIES, Figure, ReportScope, Tally
from rights_checklist.ledger_models import DutyLedgerMark, DutyRecord
from rights_checklist.timeline import DutyStatus
from tests.integration.compliance_world import ComplianceWorld, make_world

pytestmark = pytest.mark.usefixtures("database")
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
LAW = Law.from_settings(LegalSection())
EVERYTHING = ReportScope(date(2025, 1, 1), date(2027, 1, 1))
_FIELD = {DutyStatus.MET_ON_TIME: "met_on_time", DutyStatus.MET_LATE: "met_late",
          DutyStatus.MISSED: "missed", DutyStatus.PENDING: "open", DutyStatus.DUE_SOON: "open",
          DutyStatus.NOT_APPLICABLE: "not_applicable"}  # fmt: skip
_FIGURE_OF = {d: f for f, ds in FIGURE_DUTIES.items() for d in ds}


@pytest.fixture
async def context(settings: Settings) -> LegalContext:
    return await load_context(settings.legal)


async def checklist_tallies(
    world: ComplianceWorld, context: LegalContext, region: str = ""
) -> dict[tuple[str, Figure], Tally]:
    """Tallies counted from each case's checklist, by ("all" | "f<id>" | "a<id>", figure)."""
    counts: dict[tuple[str, Figure], Counter[str]] = defaultdict(Counter)
    for case in world.cases:
        case = await Case.get(id=case.id).prefetch_related("agency", "detainee_links__detainee")
        if not case.agency.region_code.startswith(region):
            continue
        facility = case.detainee_links[0].detainee.facility_id  # type: ignore[attr-defined]
        for result in await case_checklist(case, context, now=NOW):
            figure = _FIGURE_OF.get(result.duty_id)
            if figure is None:
                continue
            for key in ("all", f"f{facility}", f"a{case.agency_id}"):
                counts[(key, figure)][_FIELD[result.status]] += 1
    return {k: Tally(**v) for k, v in counts.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_report_counts_every_duty_as_the_checklist_judges_it(
    seed: int, context: LegalContext
) -> None:
    world = await make_world(seed, cases=8, now=NOW)
    expected = await checklist_tallies(world, context)
    report = await compliance_report(EVERYTHING, refresh_by=LAW, now=NOW)
    for figure in Figure:
        assert report.totals[figure] == expected.get(("all", figure), Tally()), figure
    for row in report.facilities:
        for figure, tally in row.tallies.items():
            assert tally == expected.get((f"f{row.facility_id}", figure), Tally()), figure
    for agency in report.agencies:
        for figure, tally in agency.tallies.items():
            assert tally == expected.get((f"a{agency.agency_id}", figure), Tally()), figure
    assert report.pending_refresh == 0


async def test_a_jurisdiction_counts_only_the_cases_of_its_agencies(
    context: LegalContext,
) -> None:
    world = await make_world(4, cases=10, now=NOW)
    expected = await checklist_tallies(world, context, region="11")
    scope = scope_for(world.auditor, EVERYTHING.period_from, EVERYTHING.period_to)
    report = await compliance_report(scope, refresh_by=LAW, now=NOW)
    assert scope.jurisdiction == "11"
    for figure in Figure:
        assert report.totals[figure] == expected.get(("all", figure), Tally())
    assert all(a.agency_id != world.agencies[2].id for a in report.agencies)


async def test_the_weekly_and_monthly_trends_add_up_to_the_totals() -> None:
    await make_world(5, cases=8, now=NOW)
    report = await compliance_report(EVERYTHING, refresh_by=LAW, now=NOW)
    for trend in (report.weekly, report.monthly):
        summed: dict[Figure, Counter[str]] = defaultdict(Counter)
        for point in trend:
            summed[point.figure].update({"judged": point.tally.judged,
                                         "breaches": point.tally.breaches})  # fmt: skip
        for figure, tally in report.totals.items():
            assert summed[figure]["judged"] == tally.judged
            assert summed[figure]["breaches"] == tally.breaches


async def test_the_breach_list_holds_exactly_the_late_and_missed_duties(
    context: LegalContext,
) -> None:
    world = await make_world(6, cases=8, now=NOW)
    expected = await checklist_tallies(world, context)
    found = await breach_list(EVERYTHING, Figure.MEETINGS, now=NOW, limit=1000, refresh_by=LAW)
    rows, total = found.rows, found.total
    assert total == expected.get(("all", Figure.MEETINGS), Tally()).breaches == len(rows)
    assert {r.status for r in rows} <= {"missed", "met_late"}
    assert all(r.duty_id == "M1" and r.case_number.startswith("CMP-") for r in rows)
    assert [r.arose_at for r in rows] == sorted(r.arose_at for r in rows)


async def test_a_period_before_any_record_has_no_figures() -> None:
    await make_world(7, cases=4, now=NOW)
    report = await compliance_report(
        ReportScope(date(2020, 1, 1), date(2020, 12, 31)), refresh_by=LAW, now=NOW
    )
    assert all(t == Tally() for t in report.totals.values())
    assert report.facilities == () and report.agencies == ()


async def test_a_change_made_behind_the_applications_back_reaches_the_report(
    context: LegalContext,
) -> None:
    world = await make_world(8, cases=6, now=NOW)
    await ledger.refresh_ledger(LAW, now=NOW)
    assert await DutyLedgerMark.all().count() == 0
    # A bulk update, as the notification worker makes: no ORM save, no application hook.
    await Notification.filter(case_id__in=[c.id for c in world.cases]).update(
        status=Status.DEAD, sent_at=None, delivered_at=None
    )
    assert await ledger.pending_refresh() > 0
    report = await compliance_report(EVERYTHING, refresh_by=LAW, now=NOW)
    assert report.totals[Figure.NOTICES].met_on_time == 0
    assert report.totals[Figure.NOTICES] == (await checklist_tallies(world, context)).get(
        ("all", Figure.NOTICES), Tally()
    )


async def test_a_change_to_the_case_row_itself_marks_the_case_for_re_judging() -> None:
    # SQLite lost this trigger when migration 0013 rebuilt the table; 0018 restores it.
    world = await make_world(14, cases=2, now=NOW)
    await ledger.refresh_ledger(LAW, now=NOW)
    assert await DutyLedgerMark.all().count() == 0
    await Case.filter(id=world.cases[0].id).update(stage="investigation_ended")
    assert await DutyLedgerMark.filter(case_id=world.cases[0].id).count() == 1
    assert await DutyLedgerMark.filter(case_id=world.cases[1].id).count() == 0


async def test_refreshing_one_case_twice_at_once_keeps_one_row_per_duty() -> None:
    world = await make_world(9, cases=3, now=NOW)
    await asyncio.gather(ledger.refresh_ledger(LAW, all_cases=True, now=NOW),
                         ledger.refresh_ledger(LAW, all_cases=True, now=NOW))  # fmt: skip
    keys = await DutyRecord.filter(case_id__in=[c.id for c in world.cases]).values_list(
        "case_id", "duty_id", "occurrence"
    )
    assert len(keys) == len(set(keys)) > 0


async def test_median_and_90th_percentile_hours_are_nearest_rank() -> None:
    world = await make_world(10, cases=12, now=NOW)
    report = await compliance_report(EVERYTHING, refresh_by=LAW, now=NOW)
    for row in report.facilities:
        hours = sorted(
            (r.fulfilled_us - r.arose_us) / 3_600_000_000
            for r in await DutyRecord.filter(
                facility_id=row.facility_id, duty_id__in=["M1", "M2"],
                fulfilled_us__not_isnull=True, settled_status__isnull=True,
            )
        )  # fmt: skip
        if not hours:
            assert row.median_hours is None and row.p90_hours is None
            continue
        n = len(hours)
        assert row.median_hours == round(hours[(n * 50 + 99) // 100 - 1], 1)
        assert row.p90_hours == round(hours[(n * 90 + 99) // 100 - 1], 1)
    assert any(row.median_hours is not None for row in report.facilities), world.facilities


async def test_an_auditor_cannot_scope_a_facility_outside_the_jurisdiction() -> None:
    world = await make_world(11, cases=1, now=NOW)
    scope = scope_for(world.auditor, date(2026, 1, 1), date(2026, 3, 31),
                      facility_id=world.facilities[2].id)  # fmt: skip
    with pytest.raises(NotFound):
        await check_scope(scope)
    await check_scope(scope_for(world.auditor, date(2026, 1, 1), date(2026, 3, 31),
                                facility_id=world.facilities[0].id))  # fmt: skip


async def test_refusals_and_facility_cancellations_are_counted_with_their_reasons() -> None:
    await make_world(12, cases=12, now=NOW)
    report = await compliance_report(EVERYTHING, refresh_by=LAW, now=NOW)
    refused = sum(f.refusals for f in report.facilities)
    cancelled = sum(f.facility_cancellations for f in report.facilities)
    from tortoise.expressions import Q

    from scheduling.models import MeetingRequest

    assert refused == await MeetingRequest.filter(status="refused").count()
    assert (
        cancelled
        == await MeetingRequest.filter(
            Q(status="cancelled_by_facility") | ~Q(facility_cancel_reason="")
        ).count()
    )
    assert cancelled > await MeetingRequest.filter(status="cancelled_by_facility").count()
    reasons = {c.reason for f in report.facilities for c in f.refusal_reasons}
    assert reasons <= {"no rooms", "detainee in hospital"}
    assert timedelta(0) <= report.generated_at - NOW <= timedelta(0)


async def test_the_worker_companion_keeps_the_ledger_current() -> None:
    world = await make_world(13, cases=2, now=NOW)
    stop = asyncio.Event()
    task = asyncio.create_task(ledger.keep_current(LAW, stop, interval_seconds=0.05))
    for _ in range(200):
        if await ledger.pending_refresh() == 0:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert await ledger.pending_refresh() == 0
    assert await DutyRecord.filter(case_id=world.cases[0].id).exists()
