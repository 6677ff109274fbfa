"""/api/v1/audit/checkpoints and /api/v1/audit/consistency: the signed tree heads, and the
proof that today's log extends an older tree (RFC 9162 consistency proof), for a witness to
check against the copies it keeps."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.models import User
from app.accounts.policy import Action
from app.api.fields import MAX_ID, whole
from app.api.framework import Endpoint, InvalidInput
from app.audit import tree
from app.audit.models import AuditCheckpoint, AuditHead
from app.presentation.i18n import _, gettext


class CheckpointOut(BaseModel):
    size: int = Field(description="Entries in the tree")
    root: str = Field(description="The tree's root hash, hex (RFC 9162)")
    at: datetime
    note: str = Field(description="The signed note (C2SP tlog-checkpoint)")


class ConsistencyQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    old_size: whole(0, MAX_ID) = Field(alias="from", description="The older tree's size")  # type: ignore[valid-type]
    new_size: whole(1, MAX_ID) | None = Field(  # type: ignore[valid-type]
        None, alias="to", description="The newer tree's size (default: the whole log)"
    )


class ConsistencyOut(BaseModel):
    old_size: int
    new_size: int
    old_root: str = Field(description="Hex; compare with the root of your signed copy")
    new_root: str
    proof: list[str] = Field(description="Hex hashes, RFC 9162 section 2.1.4")


async def list_checkpoints(user: User) -> list[CheckpointOut]:
    rows = await AuditCheckpoint.all().order_by("-id").limit(500)
    return [CheckpointOut.model_validate(row, from_attributes=True) for row in rows]


async def consistency(user: User, query: ConsistencyQuery) -> ConsistencyOut:
    head = await AuditHead.get_or_none(id=1)
    size = head.tree_size if head else 0
    new_size = size if query.new_size is None else query.new_size
    if new_size > size:
        raise InvalidInput("to", gettext(_("The log holds fewer entries than that.")))
    if query.old_size > new_size:
        raise InvalidInput("from", gettext(_("The older tree cannot be larger than the newer.")))
    proof = await tree.consistency_proof(query.old_size, new_size) if query.old_size else []
    return ConsistencyOut(
        old_size=query.old_size,
        new_size=new_size,
        old_root=(await tree.root_at(query.old_size)).hex(),
        new_root=(await tree.root_at(new_size)).hex(),
        proof=[step.hex() for step in proof],
    )


P = "/api/v1/audit"
AUDIT_LOG_ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        f"{P}/checkpoints",
        list_checkpoints,
        "The signed tree heads, newest first (at most 500)",
        "audit",
        Action.VIEW_AUDIT,
        response=CheckpointOut,
        list_response=True,
    ),
    Endpoint(
        "GET",
        f"{P}/consistency",
        consistency,
        "Proof that the log of `to` entries extends the one of `from` entries",
        "audit",
        Action.VIEW_AUDIT,
        query=ConsistencyQuery,
        response=ConsistencyOut,
    ),
]
