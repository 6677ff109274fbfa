"""Story 13: an agency's overdue tasks, seen by its supervisors, who are told when one falls due.

A task is an opinion to acknowledge or attach, an application to decide (C-duties with their
deadlines), or a notice the agency owes (N1, N6/N7). The supervisor is an investigator with the
`supervises_agency` flag; each overdue task is told to each supervisor once (inbox and e-mail).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from app import clock
from app.accounts.models import User
from app.accounts.policy import NotPermitted
from app.accounts.roles import AccountStatus, Role
from app.law.context import Law, LegalContext
from notifications.models import Notification
from notifications.services import notice_language, notify_user
from notifications.wording import local_time
from rights_checklist.models import Submission
from rights_checklist.notice_tasks import agency_owed_notices
from rights_checklist.submissions import unfinished

log = logging.getLogger("lawmeet.overdue")
TEMPLATE = "task_overdue"


@dataclass(frozen=True)
class OverdueTask:
    key: str  # stable across sweeps: what the supervisor was already told about
    duty_id: str
    what: str  # "opinion" | "application" | "notice"
    case_id: int
    case_number: str
    due_at: datetime
    timezone: str
    url: str  # the page where the task is done
    reference: str = ""  # a submission's receipt number


def is_supervisor(user: User) -> bool:
    return (user.role == Role.INVESTIGATOR and user.supervises_agency and user.is_active
            and user.agency_id is not None)  # fmt: skip


async def _submission_tasks(agency_id: int, now: datetime) -> list[OverdueTask]:
    scope = Submission.filter(case__agency_id=agency_id)
    late = await unfinished(scope).filter(due_at__lt=now).select_related("case")
    tasks = []
    for s in late:
        if s.due_at is None:
            continue
        what = "opinion" if s.kind == "opinion" else "application"
        tasks.append(OverdueTask(
            f"submission:{s.id}:{s.duty}", s.duty, what, s.case.id, s.case.case_number,
            s.due_at, s.timezone, f"/submissions/{s.id}", s.receipt_number))  # fmt: skip
    return tasks


async def agency_overdue(agency_id: int, context: LegalContext,
                         now: datetime | None = None) -> list[OverdueTask]:  # fmt: skip
    """Every task of the agency past its deadline, the longest overdue first."""
    now = now or clock.now()
    tasks = await _submission_tasks(agency_id, now)
    for notice in await agency_owed_notices(agency_id, context):
        if notice.due_at < now:
            subject = notice.engagement_id if notice.duty_id == "N1" else notice.event_id
            tasks.append(OverdueTask(
                f"notice:{notice.duty_id}:{notice.case.id}:{subject}", notice.duty_id, "notice",
                notice.case.id, notice.case.case_number, notice.due_at, notice.timezone,
                f"/cases/{notice.case.id}/checklist"))  # fmt: skip
    return sorted(tasks, key=lambda t: (t.due_at, t.key))


async def overdue_for_supervisor(user: User, context: LegalContext) -> list[OverdueTask]:
    if not is_supervisor(user):
        raise NotPermitted("tasks.supervise")
    assert user.agency_id is not None
    return await agency_overdue(user.agency_id, context)


async def _told(supervisor: User) -> set[str]:
    rows = await Notification.filter(recipient_id=supervisor.id, template=TEMPLATE).only("payload")
    return {str(row.payload.get("task", "")) for row in rows}


async def tell_supervisors(context: LegalContext, public_url: str = "",
                           now: datetime | None = None) -> int:  # fmt: skip
    """Tell each supervisor of each overdue task once; how many notices were written."""
    now = now or clock.now()
    supervisors = await User.filter(
        role=Role.INVESTIGATOR, supervises_agency=True, status=AccountStatus.ACTIVE,
        agency_id__not_isnull=True)  # fmt: skip
    by_agency: dict[int, list[User]] = {}
    for supervisor in supervisors:
        by_agency.setdefault(supervisor.agency_id or 0, []).append(supervisor)
    written = 0
    for agency_id, people in by_agency.items():
        tasks = await agency_overdue(agency_id, context, now)
        for supervisor in people:
            told = await _told(supervisor)
            language = await notice_language(supervisor)
            for task in tasks:
                if task.key in told:
                    continue
                payload = {
                    "task": task.key, "duty_id": task.duty_id, "what": task.what,
                    "case_number": task.case_number, "reference": task.reference,
                    "due_at": task.due_at.isoformat(), "timezone": task.timezone,
                    "due_local": local_time(task.due_at, task.timezone, language),
                    "url": public_url + task.url,
                }  # fmt: skip
                await notify_user(supervisor, TEMPLATE, payload)
                written += 1
    return written


async def watch_overdue(law: Law, public_url: str, stop: asyncio.Event,
                        interval_seconds: float = 60.0) -> None:  # fmt: skip
    """A companion of the notification worker: sweep for newly overdue tasks every minute."""
    while not stop.is_set():
        try:
            written = await tell_supervisors(await law.context(), public_url)
            if written:
                log.info("overdue tasks: %d supervisor notices written", written)
        except Exception:  # a bad row must not stop notice delivery beside it
            log.exception("overdue-task sweep failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_seconds)
