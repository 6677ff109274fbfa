"""Demo cases for `make run`: detainees, engagements with their documents, case timelines, and
one case of two co-defendants of whom a lawyer defends one (registering the other shows the
co-defendant conflict).

Loaded through the same services a user would call, so the audit trail tells the same story;
the families were told of each detention and arrest in time (no overdue task from the start).
Idempotent: a case number that exists already is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from app import clock
from app.accounts.models import User
from app.cases import engagements, services
from app.cases.kinds import (
    REQUIRED_DOCUMENTS,
    CaseCategory,
    DocumentKind,
    EngagementKind,
    EventKind,
)
from app.cases.models import Case, Detainee, EngagementDocument
from app.cases.storage import document_root
from app.demo.compliance import demo_lawyers
from app.demo.documents import demo_pdf
from app.orgs.models import Facility
from rights_checklist.case_notices import FAMILY_DUTY, record_family_notice

FAMILY_TOLD_AFTER = timedelta(hours=5)


@dataclass(frozen=True)
class DemoCase:
    case_number: str
    category: CaseCategory
    charges: str
    investigator: str
    facility: str
    detainee: str
    id_number: str
    detained_days_ago: int
    events: tuple[tuple[EventKind, int, str], ...]  # kind, days ago, note
    lawyer: str | None
    lawyer_documents_accepted: bool
    notice_sent: bool


CASES = [
    DemoCase(
        "京海公(刑)立字〔2026〕1024号",
        CaseCategory.ORDINARY,
        "诈骗罪",
        "zhao.investigator",
        "北京市海淀区看守所",
        "刘建国",
        "110108198503120017",
        3,
        ((EventKind.CRIMINAL_DETENTION, 3, "涉嫌诈骗，刑事拘留"),),
        "zhang.lawyer",
        True,
        True,
    ),
    DemoCase(
        "京海公(刑)立字〔2026〕0871号",
        CaseCategory.ORDINARY,
        "职务侵占罪",
        "zhao.investigator",
        "北京市海淀区看守所",
        "王晓明",
        "11010519900707123X",
        40,
        (
            (EventKind.CRIMINAL_DETENTION, 40, "刑事拘留"),
            (EventKind.ARREST, 33, "经检察院批准逮捕"),
        ),
        "li.lawyer",
        False,
        False,
    ),
]


@dataclass(frozen=True)
class DemoCoDefendants:
    """A case of two detainees: the lawyer defends the first; registering the second too is
    the conflict local implementing rules bar (e.g. Guangzhou, art. 4)."""

    case_number: str
    charges: str
    investigator: str
    facility: str
    detainees: tuple[tuple[str, str], tuple[str, str]]  # (name, id number) each
    detained_days_ago: int
    lawyer: str  # a lawyer of the demo history, with no other client in this case


CO_DEFENDANTS = DemoCoDefendants(
    "京海公(刑)立字〔2026〕1109号",
    "合同诈骗罪",
    "zhao.investigator",
    "北京市海淀区看守所",
    (("马俊峰", "110108198806150035"), ("何永生", "110108199102280048")),
    5,
    "kong.lawyer",
)


async def _user(username: str) -> User:
    return await User.get(username=username)


async def load_demo_cases(data_dir: Path, max_bytes: int) -> int:
    """Create the demo cases that are missing; return how many were created."""
    created = 0
    now = clock.now()
    for demo in CASES:
        investigator = await _user(demo.investigator)
        if await Case.filter(
            agency_id=investigator.agency_id, case_number=demo.case_number
        ).exists():
            continue
        facility = await Facility.get(name=demo.facility)
        detained_at = now - timedelta(days=demo.detained_days_ago)
        case = await services.open_case(
            investigator,
            services.NewCase(
                demo.case_number,
                demo.category,
                demo.charges,
                services.NewDetainee(demo.detainee, demo.id_number, facility.id, detained_at),
            ),
        )
        for kind, days_ago, note in demo.events:
            event = await services.record_event(
                investigator,
                case,
                services.NewEvent(kind, now - timedelta(days=days_ago), note),
            )
            if kind in FAMILY_DUTY:  # the family was told within the 24 hours (N6, N7)
                await record_family_notice(
                    investigator, event, notified_at=event.effective_at + FAMILY_TOLD_AFTER,
                    manner="电话",
                )  # fmt: skip
        if demo.lawyer:
            await _engage(demo, case, facility, data_dir, max_bytes)
        created += 1
    return created + await _load_co_defendants(CO_DEFENDANTS)


async def _load_co_defendants(demo: DemoCoDefendants) -> int:
    """The co-defendants' case, unless it is there (1 when it was created)."""
    investigator = await _user(demo.investigator)
    if await Case.filter(agency_id=investigator.agency_id, case_number=demo.case_number).exists():
        return 0
    facility = await Facility.get(name=demo.facility)
    detained_at = clock.now() - timedelta(days=demo.detained_days_ago)
    first, *others = (
        services.NewDetainee(name, number, facility.id, detained_at)
        for name, number in demo.detainees
    )
    case = await services.open_case(
        investigator,
        services.NewCase(
            demo.case_number, CaseCategory.ORDINARY, demo.charges, first,
            co_defendants=tuple(others),
        ),
    )  # fmt: skip
    for detainee in await Detainee.filter(case_links__case_id=case.id).order_by("id"):
        event = await services.record_event(
            investigator,
            case,
            services.NewEvent(EventKind.CRIMINAL_DETENTION, detained_at, "涉嫌合同诈骗，刑事拘留",
                              detainee_id=detainee.id),
        )  # fmt: skip
        await record_family_notice(
            investigator, event, notified_at=detained_at + FAMILY_TOLD_AFTER, manner="电话"
        )
    await demo_lawyers()  # the demo history's lawyers, among them this case's
    lawyer = await _user(demo.lawyer)
    defended = await Detainee.get(case_links__case_id=case.id, name=demo.detainees[0][0])
    found = engagements.Found(defended, [case])
    await engagements.start_engagement(lawyer, found, case.id, EngagementKind.RETAINED)
    return 1


async def _engage(
    demo: DemoCase, case: Case, facility: Facility, data_dir: Path, max_bytes: int
) -> None:
    lawyer = await _user(demo.lawyer or "")
    found = await engagements.Found.for_case(case)
    engagement = await engagements.start_engagement(lawyer, found, case.id, EngagementKind.RETAINED)
    for kind in REQUIRED_DOCUMENTS[EngagementKind.RETAINED]:
        await engagements.upload_document(
            lawyer,
            engagement,
            DocumentKind(kind),
            f"{kind.value}.pdf",
            demo_pdf(f"lawmeet demo: {kind.value}"),
            document_root(data_dir),
            max_bytes,
        )
    if demo.notice_sent:
        await engagements.send_engagement_notice(lawyer, engagement)
    if demo.lawyer_documents_accepted:
        staff = await User.filter(facility_id=facility.id, role="detention_staff").first()
        if staff is None:
            return
        for document in await EngagementDocument.filter(engagement_id=engagement.id):
            await engagements.review_document(staff, document, accept=True)
