"""Engagements (委托): finding the client, the three documents, the engagement notice, the end.

Finding a detainee takes the facility, the exact name and the full document number: no partial
match, no listing, and a limit on attempts, so nobody can use it to learn who is held.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.roles import Role
from app.accounts.throttle import over_limit
from app.audit.service import record
from app.cases.kinds import (
    REQUIRED_DOCUMENTS,
    DocumentKind,
    DocumentReview,
    EngagementKind,
    EngagementStatus,
    EventKind,
)
from app.cases.models import Case, CaseEvent, Detainee, Engagement, EngagementDocument
from app.cases.services import normalise_id_number, valid_id_number
from app.cases.storage import UploadRejected, store
from app.errors import DomainError, together

LOOKUP_LIMIT = 10
LOOKUP_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Found:
    detainee: Detainee
    cases: list[Case]

    @classmethod
    async def for_case(cls, case: Case) -> Found:
        """The detainee of a one-detainee case, as a lawyer's look-up would find them
        (for demo data and tests, which know the case already)."""
        detainee = await Detainee.get(case_links__case_id=case.id)
        return cls(detainee, [case])


async def find_detainee(lawyer: User, facility_id: int, name: str, id_number: str) -> Found:
    if lawyer.role != Role.LAWYER:
        raise DomainError("lawyers_only", None, 403)
    if not valid_id_number(id_number):  # no such number is stored: said before it counts
        raise DomainError("id_number_invalid", "id_number", 422)
    wait = await over_limit(f"lookup:{lawyer.id}", LOOKUP_LIMIT, LOOKUP_WINDOW)
    if wait is not None:
        raise DomainError("lookup_throttled", None, 429, retry_after=wait)
    detainee = await Detainee.get_or_none(
        facility_id=facility_id, name=name.strip(), id_number=normalise_id_number(id_number)
    )
    if detainee is None:
        raise DomainError("detainee_not_found", None, 404)
    cases = await Case.filter(detainee_links__detainee_id=detainee.id).select_related("agency")
    return Found(detainee, list(cases))


# Local implementing rules (e.g. Guangzhou, art. 4) bar one lawyer from defending linked
# co-defendants: settings.legal.co_defendant_conflict says whether to warn or to refuse.
ConflictPolicy = Literal["warn", "refuse"]
CO_DEFENDANT_CONFLICT: Final = "co_defendant_conflict"


@dataclass(frozen=True)
class CoDefendantConflict:
    """Another engagement of the same lawyer, in the same case, for another detainee, not
    ended: the conflict the local rules name. Derived from the records, never stored."""

    engagement_id: int
    co_defendant: str  # the other client's name, whom this lawyer already defends
    kind: EngagementKind
    registered_at: datetime
    zone: str  # the other client's detention centre's, in which the day is said

    def facts(self) -> dict[str, Any]:
        """JSON-ready, for an error's extensions and the words of app.presentation."""
        day = self.registered_at.astimezone(ZoneInfo(self.zone)).date()
        return {
            "engagement_id": self.engagement_id,
            "co_defendant": self.co_defendant,
            "kind": self.kind.value,
            "registered_on": day.isoformat(),
        }


async def co_defendant_conflicts(
    lawyer_id: int, case_id: int, detainee_id: int
) -> list[CoDefendantConflict]:
    """The lawyer's other engagements in ``case_id`` that are not ended, for detainees other
    than ``detainee_id``, oldest first."""
    others = (
        Engagement.filter(
            lawyer_id=lawyer_id,
            case_id=case_id,
            status__in=[EngagementStatus.PENDING, EngagementStatus.ACTIVE],
        )
        .exclude(detainee_id=detainee_id)
        .select_related("detainee__facility")
        .order_by("created_at", "id")
    )
    return [
        CoDefendantConflict(
            e.id,
            e.detainee.name,
            EngagementKind(e.kind),
            e.created_at,
            e.detainee.facility.timezone,
        )
        for e in await others
    ]


async def conflicts_of(engagement: Engagement) -> list[CoDefendantConflict]:
    """The co-defendant conflicts of an engagement not ended (none once it has ended)."""
    if engagement.status == EngagementStatus.TERMINATED:
        return []
    return await co_defendant_conflicts(
        engagement.lawyer_id, engagement.case_id, engagement.detainee_id
    )


async def start_engagement(
    lawyer: User,
    found: Found,
    case_id: int,
    kind: EngagementKind,
    *,
    conflict_policy: ConflictPolicy = "warn",
) -> Engagement:
    """Register the lawyer's engagement for the found detainee in one of their cases (the same
    one again if she registered it already). Where she already defends a co-defendant in that
    case, ``conflict_policy`` "refuse" raises ``co_defendant_conflict`` (409) naming the other
    engagements, and "warn" registers it and records them in its audit entry; the pages and
    the API show them, from ``conflicts_of``. Demo data and tests take the default, "warn";
    entry points pass settings.legal.co_defendant_conflict."""
    case = next((c for c in found.cases if c.id == case_id), None)
    if case is None:
        raise DomainError("case_not_for_detainee", "case_id")
    summary: dict[str, Any] = {"case_id": case.id, "detainee_id": found.detainee.id}
    return await _register(
        lawyer, lawyer, case.id, found.detainee, kind, conflict_policy,
        "engagement.started", summary,
    )  # fmt: skip


async def _register(
    actor: User,
    lawyer: User,
    case_id: int,
    detainee: Detainee,
    kind: EngagementKind,
    conflict_policy: ConflictPolicy,
    action: str,
    summary: dict[str, Any],
) -> Engagement:
    """The engagement of ``lawyer`` for ``detainee`` in the case: the one not ended already on
    record, else a new one unless the policy refuses a co-defendant conflict; audited as
    ``action`` by ``actor``. A lawyer's registrations run one at a time (``_lock_lawyer``), so
    two at once cannot both miss each other: neither twice the same engagement, nor two
    co-defendants' under "refuse"."""
    async with in_transaction() as connection:
        await _lock_lawyer(connection, lawyer.id)
        existing = await Engagement.get_or_none(
            lawyer_id=lawyer.id, case_id=case_id, detainee_id=detainee.id,
            status__in=[EngagementStatus.PENDING, EngagementStatus.ACTIVE],
        )  # fmt: skip
        if existing is not None:
            return existing
        conflicts = await co_defendant_conflicts(lawyer.id, case_id, detainee.id)
        if conflicts and conflict_policy == "refuse":
            facts = {"conflicts": [c.facts() for c in conflicts], "policy": conflict_policy}
            raise DomainError(CO_DEFENDANT_CONFLICT, None, 409, extensions=facts)
        engagement = await Engagement.create(
            lawyer=lawyer, case_id=case_id, detainee=detainee, kind=kind
        )
        summary = {**summary, "kind": kind.value}
        if conflicts:  # registered despite the conflict: the trail says with which engagements
            summary[CO_DEFENDANT_CONFLICT] = [c.engagement_id for c in conflicts]
        await record(actor, action, "engagement", engagement.id, summary)
    return engagement


async def _lock_lawyer(connection: BaseDBAsyncClient, lawyer_id: int) -> None:
    """Hold the lawyer's row until the transaction ends (FOR NO KEY UPDATE: her bookings and
    notices, which only refer to the row, need not wait for it). SQLite: a write first takes
    the database's write lock before anything is read."""
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query(
            "SELECT id FROM user_account WHERE id = $1 FOR NO KEY UPDATE", [lawyer_id]
        )
    else:
        await connection.execute_query("UPDATE user_account SET id = id WHERE id = ?", [lawyer_id])


async def upload_document(
    lawyer: User,
    engagement: Engagement,
    kind: DocumentKind,
    filename: str,
    data: bytes,
    root: Path,
    max_bytes: int,
) -> EngagementDocument:
    if engagement.lawyer_id != lawyer.id:
        raise DomainError("not_found", None, 404)
    if engagement.status == EngagementStatus.TERMINATED:
        raise DomainError("engagement_terminated", None, 409)
    if kind not in REQUIRED_DOCUMENTS[engagement.kind]:
        raise DomainError("document_not_required", "kind")
    try:
        # The checks parse the whole file (seconds at worst): off the event loop.
        stored = await asyncio.to_thread(store, root, filename, data, max_bytes)
    except UploadRejected as exc:
        raise DomainError(exc.code, "file", exc.status) from None
    async with in_transaction():
        document = await EngagementDocument.create(
            engagement=engagement,
            kind=kind,
            sha256=stored.sha256,
            size=stored.size,
            content_type=stored.content_type,
            original_name=stored.label,
        )
        await record(
            lawyer,
            "document.uploaded",
            "engagement",
            engagement.id,
            {"document_id": document.id, "kind": kind.value, "sha256": stored.sha256},
        )
    return document


async def send_engagement_notice(lawyer: User, engagement: Engagement) -> CaseEvent:
    """The lawyer tells the agency of the engagement (CPL 34(4)); later the trigger of N1."""
    if engagement.lawyer_id != lawyer.id:
        raise DomainError("not_found", None, 404)
    if engagement.notice_sent_at is not None:
        raise DomainError("notice_already_sent", None, 409)
    if engagement.status == EngagementStatus.TERMINATED:
        raise DomainError("engagement_terminated", None, 409)
    now = clock.now()
    async with in_transaction():
        engagement.notice_sent_at = now
        await engagement.save(update_fields=["notice_sent_at"])
        event = await CaseEvent.create(
            case_id=engagement.case_id,
            detainee_id=engagement.detainee_id,
            kind=EventKind.ENGAGEMENT_NOTICE,
            effective_at=now,
            recorded_by=lawyer,
            engagement=engagement,
            details={"lawyer_id": lawyer.id},
        )
        await record(
            lawyer, "engagement.notice_sent", "engagement", engagement.id, {"event_id": event.id}
        )
    return event


def _missing(engagement: Engagement, accepted: set[DocumentKind]) -> list[DocumentKind]:
    return [k for k in REQUIRED_DOCUMENTS[engagement.kind] if k not in accepted]


async def documents_not_presented(engagement: Engagement) -> list[DocumentKind]:
    """The required documents the lawyer cannot show: never uploaded, or the latest upload of
    that kind rejected. With none missing she holds the three documents and may ask for a
    meeting (CPL 39(2)), whether or not the desk has checked them yet."""
    latest: dict[DocumentKind, DocumentReview] = {}
    rows = EngagementDocument.filter(engagement_id=engagement.id)
    for document in await rows.order_by("uploaded_at", "id"):
        latest[DocumentKind(document.kind)] = DocumentReview(document.review)
    presented = {kind for kind, review in latest.items() if review != DocumentReview.REJECTED}
    return _missing(engagement, presented)


async def register_at_gate(
    staff: User,
    lawyer_id: int,
    detainee_id: int,
    case_id: int,
    kind: EngagementKind,
    *,
    conflict_policy: ConflictPolicy = "warn",
) -> Engagement:
    """A lawyer arrives with documents for an engagement not yet on record (story 2): the desk
    registers it for her from the documents presented. Only a registered, verified lawyer can
    be named (a meeting is recorded against her account); the detainee must be held here. A
    co-defendant conflict is judged as when she registers it herself (``start_engagement``)."""
    if staff.role != Role.DETENTION_STAFF or staff.facility_id is None:
        raise DomainError("not_found", None, 404)
    problems: list[DomainError] = []  # the detainee and the lawyer, reported at once
    detainee = await Detainee.get_or_none(id=detainee_id, facility_id=staff.facility_id)
    if detainee is None:
        problems.append(DomainError("detainee_required", "detainee_id"))
    lawyer = await User.get_or_none(id=lawyer_id, role=Role.LAWYER)
    if lawyer is None or not lawyer.is_active:
        problems.append(DomainError("lawyer_required", "lawyer_id"))
    if problems or detainee is None or lawyer is None:
        raise together(problems)
    cases = await Case.filter(detainee_links__detainee_id=detainee.id)
    if not any(case.id == case_id for case in cases):
        raise DomainError("case_not_for_detainee", "case_id")
    summary: dict[str, Any] = {"case_id": case_id, "detainee_id": detainee.id,
                               "lawyer_id": lawyer.id}  # fmt: skip
    return await _register(
        staff, lawyer, case_id, detainee, kind, conflict_policy,
        "engagement.registered_at_gate", summary,
    )  # fmt: skip


async def activate_at_gate(
    staff: User, engagement: Engagement, presented: set[DocumentKind]
) -> Engagement:
    """The desk checked the paper documents a lawyer showed at the gate (story 2): with every
    required one among them the engagement is active, as if each upload had been accepted.
    Only the three documents may be asked for (M2), so nothing else is looked at."""
    await engagement.fetch_related("detainee")
    if staff.role != Role.DETENTION_STAFF or engagement.detainee.facility_id != staff.facility_id:
        raise DomainError("not_found", None, 404)
    if engagement.status == EngagementStatus.TERMINATED:
        raise DomainError("engagement_terminated", None, 409)
    if _missing(engagement, presented):
        raise DomainError("documents_required", "documents")
    if engagement.status == EngagementStatus.ACTIVE:
        return engagement
    async with in_transaction():
        engagement.status = EngagementStatus.ACTIVE
        engagement.activated_at = clock.now()
        await engagement.save(update_fields=["status", "activated_at"])
        await record(staff, "engagement.activated", "engagement", engagement.id,
                     {"at_gate": sorted(kind.value for kind in presented)})  # fmt: skip
    return engagement


async def review_document(
    staff: User, document: EngagementDocument, accept: bool, note: str = ""
) -> Engagement:
    """Staff check a document; the engagement becomes active once every required one is
    accepted. A rejection needs a reason, and no document beyond the three can be asked for."""
    engagement = await Engagement.get(id=document.engagement_id).select_related("detainee")
    if staff.role != Role.DETENTION_STAFF or engagement.detainee.facility_id != staff.facility_id:
        raise DomainError("not_found", None, 404)
    if not accept and not note.strip():
        raise DomainError("rejection_needs_reason", "note")
    async with in_transaction():
        document.review = DocumentReview.ACCEPTED if accept else DocumentReview.REJECTED
        document.reviewed_by_id = staff.id
        document.reviewed_at = clock.now()
        document.review_note = note.strip()[:300]
        await document.save(
            update_fields=["review", "reviewed_by_id", "reviewed_at", "review_note"]
        )
        await record(
            staff,
            f"document.{document.review.value}",
            "engagement",
            engagement.id,
            {"document_id": document.id},
        )
        accepted = {
            DocumentKind(str(kind))
            for kind in await EngagementDocument.filter(
                engagement_id=engagement.id, review=DocumentReview.ACCEPTED
            ).values_list("kind", flat=True)
        }
        if engagement.status == EngagementStatus.PENDING and not _missing(engagement, accepted):
            engagement.status = EngagementStatus.ACTIVE
            engagement.activated_at = clock.now()
            await engagement.save(update_fields=["status", "activated_at"])
            await record(staff, "engagement.activated", "engagement", engagement.id, {})
    return engagement


async def record_termination(
    investigator: User, engagement: Engagement, received_at: datetime, note: str = ""
) -> CaseEvent:
    """The client's written termination reached the agency: it owes the lawyer word (N5)."""
    case = await Case.get(id=engagement.case_id)
    if investigator.role != Role.INVESTIGATOR or case.agency_id != investigator.agency_id:
        raise DomainError("not_found", None, 404)
    if engagement.status == EngagementStatus.TERMINATED:
        raise DomainError("engagement_terminated", None, 409)
    if received_at.tzinfo is None or received_at > clock.now() + timedelta(minutes=5):
        raise DomainError("effective_in_future", "received_at")
    async with in_transaction():
        engagement.status = EngagementStatus.TERMINATED
        engagement.terminated_at = received_at
        await engagement.save(update_fields=["status", "terminated_at"])
        event = await CaseEvent.create(
            case=case,
            detainee_id=engagement.detainee_id,
            kind=EventKind.ENGAGEMENT_TERMINATED,
            effective_at=received_at,
            recorded_by=investigator,
            engagement=engagement,
            note=note.strip(),
            details={"lawyer_id": engagement.lawyer_id},
        )
        await record(
            investigator,
            "engagement.terminated",
            "engagement",
            engagement.id,
            {"event_id": event.id},
        )
    return event
