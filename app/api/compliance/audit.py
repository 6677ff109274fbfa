"""The /api/v1/audit endpoints: entries in the reader's scope, verification and its result."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.api.fields import MAX_ID, Day, whole
from app.api.framework import Endpoint
from app.audit.models import AuditVerification
from app.audit.verify import run_verification
from app.audit_access.queries import PAGE_SIZE, EntryFilter, entry_page, latest_verification


class AuditEntryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: str = Field("", max_length=64, description="Action prefix, e.g. 'user.'")
    object_type: str = Field("", max_length=40)
    actor: str = Field("", max_length=100, description="User name as recorded, or 'system'")
    date_from: Day | None = Field(None, description="First day (server's zone), included")
    date_to: Day | None = Field(None, description="Last day (server's zone), included")
    before_seq: whole(1, MAX_ID) | None = Field(  # type: ignore[valid-type]
        None, description="Entries older than this seq: the last seq of the previous page"
    )
    limit: whole(1, 500) = PAGE_SIZE  # type: ignore[valid-type]


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    summary: dict[str, Any]
    prev_hash: str
    hash: str


class VerificationOut(BaseModel):
    id: int
    at: datetime
    ok: bool
    first_bad_seq: int | None
    reason: str
    entries_checked: int
    head_seq: int
    head_hash: str
    checkpoint: str = Field(description="File name of the checkpoint verified against, if any")
    checkpoint_seq: int | None
    actor_label: str


def verification_out(result: AuditVerification) -> VerificationOut:
    return VerificationOut(
        id=result.id,
        at=result.at,
        ok=result.ok,
        first_bad_seq=result.first_bad_seq,
        reason=result.reason,
        entries_checked=result.entries_checked,
        head_seq=result.head_seq,
        head_hash=result.head_hash,
        checkpoint=Path(result.checkpoint).name if result.checkpoint else "",
        checkpoint_seq=result.checkpoint_seq,
        actor_label=result.actor_label,
    )


async def list_audit_entries(
    request: Request, user: User, query: AuditEntryQuery
) -> list[AuditEntryOut]:
    chosen = EntryFilter(
        query.action, query.object_type, query.actor, query.date_from, query.date_to
    )
    zone = ZoneInfo(request.app.state.settings.i18n.timezone)
    page = await entry_page(user, chosen, zone, before_seq=query.before_seq, size=query.limit)
    return [AuditEntryOut.model_validate(e, from_attributes=True) for e in page.entries]


async def verify_audit_chain(request: Request, user: User) -> VerificationOut:
    _outcome, result = await run_verification(user, request.app.state.settings.data_dir)
    return verification_out(result)


async def latest_audit_verification(user: User) -> VerificationOut:
    result = await latest_verification()
    if result is None:
        raise NotFound("audit_verification")
    return verification_out(result)


P = "/api/v1/audit"
AUDIT_ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        f"{P}/entries",
        list_audit_entries,
        "Audit entries in my scope, newest first (page on with before_seq)",
        "audit",
        Action.VIEW_AUDIT,
        query=AuditEntryQuery,
        response=AuditEntryOut,
        list_response=True,
    ),
    Endpoint(
        "POST",
        f"{P}/verify",
        verify_audit_chain,
        "Verify the whole hash chain now and store the result",
        "audit",
        Action.VIEW_AUDIT,
        response=VerificationOut,
    ),
    Endpoint(
        "GET",
        f"{P}/verifications/latest",
        latest_audit_verification,
        "The result of the last verification",
        "audit",
        Action.VIEW_AUDIT,
        response=VerificationOut,
        errors=(404,),
    ),
]
