"""Defence submissions: the lawyer files, the agency's investigator acknowledges, attaches a
written opinion to the file (O1) or decides an application (O2, M7), each step audited.

The fingerprint is a SHA-256 over a canonical JSON form of the kind, the text (NFC, LF line
ends) and the attachments' own SHA-256 in order, so anyone holding the receipt and the files
can recompute it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import unicodedata
from datetime import datetime
from pathlib import Path

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.roles import Role
from app.accounts.scopes import visible
from app.audit.service import record
from app.cases.kinds import EngagementStatus
from app.cases.models import Detainee, Engagement
from app.cases.storage import StoredFile, UploadRejected, check_file, save
from app.errors import DomainError, raise_all
from app.law.context import LegalContext, duty_deadline
from app.orgs.models import Facility
from rights_checklist import submission_notices
from rights_checklist.kinds import DECISION_DUTIES, MAX_ATTACHMENTS, Decision, SubmissionKind
from rights_checklist.models import Submission, SubmissionAttachment

MAX_TEXT = 50_000


def canonical_text(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def fingerprint(kind: str, text: str, attachment_hashes: list[str]) -> str:
    canonical = json.dumps(
        {"attachments": attachment_hashes, "kind": kind, "text": canonical_text(text)},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sees_content(user: User) -> bool:
    return user.role in (Role.LAWYER, Role.INVESTIGATOR)


async def submit(
    lawyer: User,
    engagement: Engagement,
    kind: SubmissionKind,
    text: str,
    files: list[tuple[str, bytes]],
    root: Path,
    max_bytes: int,
    context: LegalContext,
    now: datetime | None = None,
    *,
    public_url: str = "",
) -> Submission:
    if engagement.lawyer_id != lawyer.id:
        raise DomainError("not_found", None, 404)
    if engagement.status != EngagementStatus.ACTIVE:
        raise DomainError("submission_needs_active_engagement", None, 409)
    problems: list[DomainError] = []  # the text's fault and the files', reported at once
    if not canonical_text(text):
        problems.append(DomainError("required", "text"))
    elif len(text) > MAX_TEXT:
        problems.append(DomainError("submission_text_too_long", "text"))
    if len(files) > MAX_ATTACHMENTS:
        problems.append(DomainError("too_many_attachments", "files"))
    elif files and kind != SubmissionKind.OPINION:
        problems.append(DomainError("attachments_only_for_opinions", "files"))
    raise_all(problems)
    # Every file is checked before any is written, so a refused one leaves the store as it was;
    # the checks parse whole files (seconds at worst), off the event loop.
    content_types: list[str] = []
    for name, data in files:
        try:
            content_types.append(await asyncio.to_thread(check_file, name, data, max_bytes))
        except UploadRejected as exc:
            raise DomainError(exc.code, "files", exc.status) from None
    stored: list[StoredFile] = [
        save(root, name, data, content_type)
        for (name, data), content_type in zip(files, content_types, strict=True)
    ]
    submitted_at = now or clock.now()
    detainee = await Detainee.get(id=engagement.detainee_id)
    zone = (await Facility.get(id=detainee.facility_id)).timezone
    duty = DECISION_DUTIES.get(kind, "")
    deadline = duty_deadline(duty, submitted_at, zone, context) if duty else None
    async with in_transaction():
        submission = await Submission.create(
            receipt_number=f"pending-{lawyer.id}-{submitted_at.timestamp()}",
            case_id=engagement.case_id,
            engagement=engagement,
            lawyer=lawyer,
            kind=kind,
            text=canonical_text(text),
            sha256=fingerprint(kind.value, text, [s.sha256 for s in stored]),
            submitted_at=submitted_at,
            timezone=zone,
            duty=duty,
            due_at=deadline.expires_at if deadline else None,
            due_rule=f"{deadline.rule}; {deadline.basis}" if deadline else "",
        )
        # The id makes the receipt number unique without a separate counter table.
        submission.receipt_number = f"LM-{submitted_at.year}-{submission.id:06d}"
        await submission.save(update_fields=["receipt_number"])
        for position, item in enumerate(stored, start=1):
            await SubmissionAttachment.create(
                submission=submission,
                position=position,
                sha256=item.sha256,
                size=item.size,
                content_type=item.content_type,
                original_name=item.label,
            )
        await record(
            lawyer,
            "submission.filed",
            "submission",
            submission.id,
            {"receipt": submission.receipt_number, "kind": kind.value, "sha256": submission.sha256},
        )
        await submission_notices.submission_filed(submission, public_url=public_url)
    return submission


def _handler(user: User) -> None:
    # Scope (the case's agency) was checked when the submission was found: 404 otherwise.
    if user.role != Role.INVESTIGATOR:
        raise DomainError("investigators_only", None, 403)


async def _acknowledge(user: User, submission: Submission, now: datetime) -> None:
    if submission.acknowledged_at is None:
        submission.acknowledged_at = now
        submission.acknowledged_by_id = user.id
        await submission.save(update_fields=["acknowledged_at", "acknowledged_by_id"])
        await record(user, "submission.acknowledged", "submission", submission.id)


async def acknowledge(user: User, submission: Submission, *, public_url: str = "") -> Submission:
    _handler(user)
    if submission.acknowledged_at is not None:
        raise DomainError("already_acknowledged", None, 409)
    async with in_transaction():
        await _acknowledge(user, submission, clock.now())
        await submission_notices.submission_step(submission, "acknowledged", public_url=public_url)
    return submission


async def attach_to_file(
    user: User, submission: Submission, reference: str, *, public_url: str = ""
) -> Submission:
    """O1: a written opinion is attached to the case file (附卷), under a file reference."""
    _handler(user)
    if submission.kind != SubmissionKind.OPINION:
        raise DomainError("only_opinions_attach", None, 409)
    if submission.attached_at is not None:
        raise DomainError("already_attached", None, 409)
    if not reference.strip():
        raise DomainError("required", "file_reference")
    now = clock.now()
    async with in_transaction():
        await _acknowledge(user, submission, now)
        submission.attached_at = now
        submission.file_reference = reference.strip()[:120]
        await submission.save(update_fields=["attached_at", "file_reference"])
        await record(
            user,
            "submission.attached",
            "submission",
            submission.id,
            {"file_reference": submission.file_reference},
        )
        await submission_notices.submission_step(submission, "attached", public_url=public_url)
    return submission


async def decide(
    user: User,
    submission: Submission,
    decision: Decision,
    reasons: str,
    decided_at: datetime | None = None,
    *,
    public_url: str = "",
) -> Submission:
    """An application's decision; a refusal needs written reasons (CPL 97, MPS 160)."""
    _handler(user)
    if submission.kind == SubmissionKind.OPINION:
        raise DomainError("opinions_are_not_decided", None, 409)
    if submission.decided_at is not None:
        raise DomainError("already_decided", None, 409)
    problems: list[DomainError] = []  # the reasons' fault and the time's, reported at once
    if decision == Decision.REFUSED and not reasons.strip():
        problems.append(DomainError("refusal_needs_reasons", "reasons"))
    now = clock.now()
    when = decided_at or now
    if when > now or when < submission.submitted_at:
        problems.append(DomainError("decision_time_invalid", "decided_at"))
    raise_all(problems)
    async with in_transaction():
        await _acknowledge(user, submission, now)
        submission.decision = decision
        submission.decision_reasons = reasons.strip()
        submission.decided_at = when
        submission.decided_by_id = user.id
        await submission.save(
            update_fields=["decision", "decision_reasons", "decided_at", "decided_by_id"]
        )
        await record(
            user, "submission.decided", "submission", submission.id, {"decision": decision.value}
        )
        await submission_notices.submission_step(submission, "decided", public_url=public_url)
    return submission


def open_tasks(user: User) -> QuerySet[Submission]:
    """An investigator's to-do: unacknowledged, unattached opinions and undecided applications."""
    return unfinished(visible(Submission, user))


def unfinished(query: QuerySet[Submission]) -> QuerySet[Submission]:
    pending = Q(acknowledged_at=None) | Q(kind=SubmissionKind.OPINION, attached_at=None)
    undecided = ~Q(kind=SubmissionKind.OPINION) & Q(decided_at=None)
    return query.filter(Q(pending, undecided, join_type="OR"))
