"""The per-case rights checklist as each reader may see it, and the complaint it can start.

Investigators and bar auditors see every duty of the case; a lawyer sees the duties owed on
their own engagement (their requests, their notices, their submissions and complaints) and the
case-wide ones, never a co-defendant's. Auditors get dates and statuses only: the rows carry no
free text beyond the catalogue's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from app import clock
from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.models import Case, CaseEvent, Engagement
from app.law.catalogue import load_catalogue
from app.law.context import LegalContext
from rights_checklist.evaluation import evaluate
from rights_checklist.kinds import ComplaintType, complaint_duty
from rights_checklist.models import Complaint, Submission
from rights_checklist.timeline import DutyResult, DutyStatus
from rights_checklist.timeline_store import load_timeline
from scheduling.models import MeetingRequest

BREACHED: Final = frozenset({DutyStatus.MISSED, DutyStatus.MET_LATE})
# Which complaint a breached duty leads to (C1 obstruction, C2 custody): story 7.
COMPLAINT_FOR: Final[dict[str, ComplaintType]] = {
    "M1": ComplaintType.MEETING_REFUSED,
    "M2": ComplaintType.MEETING_REFUSED,
    "M5": ComplaintType.MEETING_REFUSED,
    "M7": ComplaintType.OTHER,
    "N1": ComplaintType.NOT_INFORMED,
    "N2": ComplaintType.NOT_INFORMED,
    "N3": ComplaintType.NOT_INFORMED,
    "N4": ComplaintType.NOT_INFORMED,
    "N5": ComplaintType.NOT_INFORMED,
    "O1": ComplaintType.OPINION_IGNORED,
    "O2": ComplaintType.OTHER,
    "K1": ComplaintType.CUSTODY_OVERDUE,
}


@dataclass(frozen=True, slots=True)
class ComplaintDraft:
    """What the complaint form is pre-filled with from a breached duty."""

    case_id: int
    complaint_type: ComplaintType
    duty: str  # C1 or C2: the complaint's own handling duty
    breached_duty: str
    occurrence: str
    due_at: datetime | None
    status: DutyStatus


async def case_checklist(
    case: Case,
    context: LegalContext,
    *,
    viewer: User | None = None,
    now: datetime | None = None,
) -> list[DutyResult]:
    """Every duty of the case judged now, narrowed to what ``viewer`` may see."""
    timeline = await load_timeline(case)
    results = evaluate(
        timeline, now or clock.now(), load_catalogue(), context.calendar, context.policies
    )
    if viewer is None or viewer.role != Role.LAWYER:
        return results
    mine = await _lawyer_occurrences(case, viewer)
    return [r for r in results if _visible(r.occurrence, mine)]


def complaint_draft(case: Case, result: DutyResult) -> ComplaintDraft | None:
    """The complaint a breached duty can lead to, or None (not breached, or no complaint)."""
    kind = COMPLAINT_FOR.get(result.duty_id)
    if kind is None or result.status not in BREACHED:
        return None
    return ComplaintDraft(case.id, kind, complaint_duty(kind), result.duty_id,
                          result.occurrence, result.due_at, result.status)  # fmt: skip


async def _lawyer_occurrences(case: Case, lawyer: User) -> set[str]:
    """Occurrence keys that concern this lawyer's engagements on the case."""
    own = await Engagement.filter(case_id=case.id, lawyer_id=lawyer.id)
    engagement_ids = {g.id for g in own}
    clients = {g.detainee_id for g in own}
    keys = {f"engagement:{g}" for g in engagement_ids} | {f"case:{case.id}"}
    for r in await MeetingRequest.filter(engagement_id__in=engagement_ids).only("id"):
        keys.add(f"request:{r.id}")
    for s in await Submission.filter(engagement_id__in=engagement_ids).only("id"):
        keys.add(f"submission:{s.id}")
    for c in await Complaint.filter(case_id=case.id, lawyer_id=lawyer.id).only("id"):
        keys.add(f"complaint:{c.id}")
    for e in await CaseEvent.filter(case_id=case.id).only("id", "detainee_id"):
        if e.detainee_id is None or e.detainee_id in clients:
            keys.add(f"event:{e.id}")
    return keys


def _visible(occurrence: str, mine: set[str]) -> bool:
    # "event:5/engagement:3" is the lawyer's only if both halves are.
    return all(part in mine for part in occurrence.split("/"))
