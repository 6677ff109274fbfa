"""Filing a defence submission: the one command the lawyer's form, the API and any script build
(O1 a written defence opinion, O2 and M7 applications; CPL 161, 97; MPS 54, 58, 160).

``file_submission`` checks, in this order: the actor's permission to file (lawyers), that the
actor sees the case (else not found), the engagement it is filed through (the one named, which
must be the lawyer's own in this case, else not found; by default the lawyer's active one in
the case, else a conflict); then ``submissions.submit`` applies the rest (the engagement is
active, the text is given and not too long, at most five attachments and only to an opinion,
each a PDF, JPEG or PNG within the size limit), fingerprints and files it, starts the
decision's period where the catalogue times it and tells the agency.

The attached files' bytes travel beside the command (``files``: name and content of each), not
in it: a command is a small validated value, an upload is a stream read by the entry point.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import Field

from app.accounts.models import User
from app.accounts.policy import Action, NotFound, require
from app.accounts.scopes import visible_row
from app.cases.kinds import EngagementStatus
from app.cases.models import Case, Engagement
from app.commands import Command
from app.errors import DomainError
from app.law.context import LegalContext
from rights_checklist import submissions
from rights_checklist.kinds import SubmissionKind
from rights_checklist.models import Submission


class FileSubmission(Command):
    """A written opinion or an application to the agency of case ``case_id``, through the
    lawyer's engagement ``engagement_id`` (by default their active one in the case)."""

    case_id: int = Field(ge=1)
    engagement_id: int | None = Field(None, ge=1)
    kind: SubmissionKind
    text: str = ""  # required and at most submissions.MAX_TEXT long: checked when filed


async def file_submission(
    actor: User,
    command: FileSubmission,
    files: Sequence[tuple[str, bytes]],
    legal: LegalContext,
    *,
    root: Path,
    max_bytes: int,
    public_url: str = "",
) -> Submission:
    """File what ``command`` describes with ``files`` attached, or raise DomainError naming the
    field at fault (NotPermitted, NotFound outside the actor's role or scope)."""
    require(actor, Action.FILE_SUBMISSIONS)
    case = await visible_row(Case, actor, command.case_id)
    engagement = await _engagement(actor, case, command.engagement_id)
    return await submissions.submit(
        actor, engagement, command.kind, command.text, list(files), root, max_bytes, legal,
        public_url=public_url,
    )  # fmt: skip


async def _engagement(actor: User, case: Case, engagement_id: int | None) -> Engagement:
    if engagement_id is not None:
        engagement = await visible_row(Engagement, actor, engagement_id)
        if engagement.case_id != case.id:
            raise NotFound("engagement")
        return engagement
    active = await (
        Engagement.filter(lawyer_id=actor.id, case_id=case.id, status=EngagementStatus.ACTIVE)
        .order_by("-id")
        .first()
    )
    if active is None:
        raise DomainError("submission_needs_active_engagement", None, 409)
    return active
