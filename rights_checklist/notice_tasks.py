"""An investigator's owed notices: the N1 charges notice after an engagement notice, and the
family notice (N6/N7, 24 hours) after a detention or an arrest (story 12). A task leaves the
list once the notice is recorded; a retracted event owes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.kinds import EngagementStatus, EventKind
from app.cases.models import Case, CaseDetainee, CaseEvent, Engagement
from app.law.context import LegalContext, duty_deadline
from app.law.periods import prompt_target_deadline
from notifications.models import Notification
from rights_checklist.case_notices import FAMILY_DUTY
from rights_checklist.models import FamilyNotice

DEFAULT_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class NoticeTask:
    duty_id: str  # N1, N6 or N7
    case: Case
    due_at: datetime
    timezone: str
    engagement_id: int | None = None  # N1: the lawyer to tell
    event_id: int | None = None  # N6/N7: the detention or arrest


async def owed_notices(investigator: User, context: LegalContext) -> list[NoticeTask]:
    """The investigator's agency's open notice duties, the earliest due first."""
    if investigator.role != Role.INVESTIGATOR or investigator.agency_id is None:
        return []
    return await agency_owed_notices(investigator.agency_id, context)


async def agency_owed_notices(agency_id: int, context: LegalContext) -> list[NoticeTask]:
    cases = {c.id: c for c in await Case.filter(agency_id=agency_id)}
    zones = await _zones(list(cases))
    tasks = await _charges_tasks(cases, zones, context)
    tasks += await _family_tasks(cases, zones, context)
    return sorted(tasks, key=lambda t: (t.due_at, t.case.id, t.duty_id))


async def _charges_tasks(
    cases: dict[int, Case], zones: dict[int, str], context: LegalContext
) -> list[NoticeTask]:
    told = await Notification.filter(duty_id="N1", case_id__in=list(cases)).only("id", "payload")
    told_engagements = {row.payload.get("engagement_id") for row in told}
    tasks: list[NoticeTask] = []
    for g in await Engagement.filter(
        case_id__in=list(cases), status=EngagementStatus.ACTIVE, notice_sent_at__not_isnull=True
    ):
        if g.id in told_engagements or g.notice_sent_at is None:
            continue
        zone = zones.get(g.case_id, DEFAULT_ZONE)
        target = prompt_target_deadline(g.notice_sent_at, tz=zone, calendar=context.calendar,
                                        policies=context.policies)  # fmt: skip
        case = cases[g.case_id]
        tasks.append(NoticeTask("N1", case, target.expires_at, zone, engagement_id=g.id))
    return tasks


async def _family_tasks(
    cases: dict[int, Case], zones: dict[int, str], context: LegalContext
) -> list[NoticeTask]:
    events = await CaseEvent.filter(
        case_id__in=list(cases), kind__in=[EventKind.CRIMINAL_DETENTION, EventKind.ARREST]
    )
    ids = [e.id for e in events]
    recorded = {
        f.event_id for f in await FamilyNotice.filter(event_id__in=ids).only("id", "event_id")
    }
    corrections = await CaseEvent.filter(corrects_id__in=ids).only("id", "corrects_id")
    retracted = {c.corrects_id for c in corrections}
    tasks: list[NoticeTask] = []
    for e in events:
        if e.id in recorded or e.id in retracted:
            continue
        zone = zones.get(e.case_id, DEFAULT_ZONE)
        duty = FAMILY_DUTY[e.kind]
        deadline = duty_deadline(duty, e.effective_at, zone, context)
        tasks.append(NoticeTask(duty, cases[e.case_id], deadline.expires_at, zone, event_id=e.id))
    return tasks


async def _zones(case_ids: list[int]) -> dict[int, str]:
    zones: dict[int, str] = {}
    links = (
        await CaseDetainee.filter(case_id__in=case_ids)
        .order_by("id")
        .prefetch_related("detainee__facility")
    )
    for link in links:
        zones.setdefault(link.case_id, link.detainee.facility.timezone)
    return zones
