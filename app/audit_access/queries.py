"""Listing audit entries within a reader's scope, filtered, newest first, by keyset pages.

Scope: an admin sees every entry. A bar auditor sees the entries whose actor is a user with a
region inside their jurisdiction, and the entries about such users (object_type "user").
Entries about cases will join the scope (by the case's region) once cases record their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.queryset import QuerySet

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.models import AuditEntry, AuditVerification
from app.orgs.regions import jurisdiction_prefix

PAGE_SIZE = 50


@dataclass(frozen=True)
class EntryFilter:
    action: str = ""  # a prefix: "user." matches every action on users
    object_type: str = ""
    actor: str = ""  # user name as recorded, or "system"
    date_from: date | None = None  # whole days in the reader's zone, both included
    date_to: date | None = None


@dataclass(frozen=True)
class EntryPage:
    entries: list[AuditEntry]
    older: int | None  # before_seq for the next (older) page, None on the last
    newer: int | None  # after_seq for the previous (newer) page, None on the newest


def scoped_entries(reader: User) -> QuerySet[AuditEntry]:
    if reader.role == Role.ADMIN:
        return AuditEntry.all()
    if reader.role != Role.BAR_AUDITOR or not reader.region_code:
        return AuditEntry.filter(seq__in=[])
    users = User.filter(region_code__startswith=jurisdiction_prefix(reader.region_code))
    # object_id is text (it names objects of every kind), so the user ids are cast to match.
    user_ids_as_text = users.annotate(id_text=RawSQL('CAST("id" AS VARCHAR(40))')).values("id_text")
    return AuditEntry.filter(
        Q(actor_id__in=Subquery(users.values("id")))
        | Q(object_type="user", object_id__in=Subquery(user_ids_as_text))
    )


def _filtered(
    query: QuerySet[AuditEntry], chosen: EntryFilter, zone: ZoneInfo
) -> QuerySet[AuditEntry]:
    if chosen.action:
        query = query.filter(action__startswith=chosen.action)
    if chosen.object_type:
        query = query.filter(object_type=chosen.object_type)
    if chosen.actor:
        query = query.filter(actor_label=chosen.actor.strip().lower())
    if chosen.date_from:
        query = query.filter(at__gte=datetime.combine(chosen.date_from, time(), tzinfo=zone))
    if chosen.date_to:
        end = datetime.combine(chosen.date_to + timedelta(days=1), time(), tzinfo=zone)
        query = query.filter(at__lt=end)
    return query


async def entry_page(
    reader: User,
    chosen: EntryFilter,
    zone: ZoneInfo,
    before_seq: int | None = None,
    after_seq: int | None = None,
    size: int = PAGE_SIZE,
) -> EntryPage:
    """One page, newest first: the entries just older than `before_seq`, or just newer than
    `after_seq`, or the newest. Keyset paging stays fast at any depth, unlike OFFSET."""
    query = _filtered(scoped_entries(reader), chosen, zone)
    if after_seq is not None:
        rows = await query.filter(seq__gt=after_seq).order_by("seq").limit(size + 1)
        more_newer = len(rows) > size
        entries = list(reversed(rows[:size]))
        more_older = bool(entries) and await query.filter(seq__lt=entries[-1].seq).exists()
    else:
        page_query = query.filter(seq__lt=before_seq) if before_seq is not None else query
        rows = await page_query.order_by("-seq").limit(size + 1)
        more_older = len(rows) > size
        entries = rows[:size]
        more_newer = (
            before_seq is not None
            and bool(entries)
            and await query.filter(seq__gt=entries[0].seq).exists()
        )
    return EntryPage(
        entries=entries,
        older=entries[-1].seq if entries and more_older else None,
        newer=entries[0].seq if entries and more_newer else None,
    )


async def latest_verification() -> AuditVerification | None:
    return await AuditVerification.all().order_by("-id").first()
