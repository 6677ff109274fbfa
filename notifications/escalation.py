"""Statutory notices that died or missed their deadline, raised to the unit that owes them.

The sweep runs in the worker loop (once per poll interval) and as `lawmeet notify escalate`
for cron. It is idempotent: the escalation is one-to-one with its notification, so a second
sweep, or two workers sweeping at once, raise nothing new (the loser's insert is refused by
the unique key and skipped). Each row is its own escalation: a dead e-mail is escalated even
when the in-app copy of the same notice was delivered, because a channel failing a legal
notice needs a person's attention.

The responsible unit is the case's agency, or the facility when the payload names one under
`responsible_facility_id` (duties owed by a detention centre, e.g. N8).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.scopes import visible
from app.audit.service import record
from app.cases.models import Case
from app.errors import DomainError
from notifications.kinds import Status
from notifications.models import Escalation, Notification

log = logging.getLogger("lawmeet.notifications")
DEAD = "dead"
OVERDUE = "overdue"
NOT_YET_OUT = (Status.PENDING, Status.SENDING, Status.FAILED)
NOTE_MAX = 300
FACILITY_KEY = "responsible_facility_id"


def _candidates(now: datetime, grace_minutes: int) -> QuerySet[Notification]:
    late = now - timedelta(minutes=grace_minutes)
    raised = Subquery(Escalation.all().values("notification_id"))
    return Notification.filter(
        Q(status=Status.DEAD) | Q(status__in=NOT_YET_OUT, deadline__lt=late),
        duty_id__not_isnull=True,
    ).exclude(id__in=raised)


async def _unit(row: Notification) -> tuple[int | None, int | None]:
    facility = row.payload.get(FACILITY_KEY)
    if isinstance(facility, int):
        return None, facility
    if row.case_id is None:
        return None, None
    case = await Case.get_or_none(id=row.case_id).only("id", "agency_id")
    return (case.agency_id if case else None), None


async def raise_for(row: Notification, now: datetime) -> Escalation | None:
    agency_id, facility_id = await _unit(row)
    reason = DEAD if row.status == Status.DEAD else OVERDUE
    try:
        async with in_transaction():
            escalation = await Escalation.create(
                notification_id=row.id,
                reason=reason,
                case_id=row.case_id,
                agency_id=agency_id,
                facility_id=facility_id,
                raised_at=now,
            )
            await record(
                None,
                "escalation.raised",
                "escalation",
                escalation.id,
                {"notification_id": row.id, "duty_id": row.duty_id, "reason": reason},
            )
    except IntegrityError:  # another sweep raised it first
        return None
    log.warning("statutory notification %s escalated (%s)", row.id, reason)
    return escalation


async def sweep(grace_minutes: int, now: datetime | None = None, limit: int = 500) -> int:
    """Raise an escalation for every dead or overdue statutory notice; how many were raised."""
    now = now or clock.now()
    rows = await _candidates(now, grace_minutes).order_by("id").limit(limit)
    raised = 0
    for row in rows:
        if await raise_for(row, now) is not None:
            raised += 1
    return raised


async def listing(user: User, *, open_only: bool = False, limit: int = 200) -> list[Escalation]:
    query = visible(Escalation, user)
    if open_only:
        query = query.filter(resolved_at__isnull=True)
    return (
        await query.order_by("-raised_at", "-id")
        .limit(limit)
        .select_related("notification", "case", "agency", "facility", "resolved_by")
    )


async def open_for_case(user: User, case_id: int) -> list[Escalation]:
    return (
        await visible(Escalation, user)
        .filter(case_id=case_id, resolved_at__isnull=True)
        .order_by("-raised_at", "-id")
        .select_related("notification")
    )


async def resolve(actor: User, escalation: Escalation, note: str) -> Escalation:
    """Close an escalation with what was done about it (required), audited."""
    note = note.strip()
    if not note:
        raise DomainError("escalation_note_required", "note", status=422)
    if len(note) > NOTE_MAX:
        raise DomainError("escalation_note_too_long", "note", status=422)
    now = clock.now()
    async with in_transaction():
        changed = await Escalation.filter(id=escalation.id, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by_id=actor.id, resolution=note
        )
        if not changed:
            raise DomainError("escalation_resolved", status=409)
        await record(
            actor,
            "escalation.resolved",
            "escalation",
            escalation.id,
            {"notification_id": escalation.notification_id, "note": note},
        )
    await escalation.refresh_from_db()
    return escalation
