"""Handling a defence submission: the commands the investigator's forms, the API and any script
build to acknowledge it, attach a written opinion to the case file (O1; CPL 161, MPS 58) or
decide an application (O2, M7; CPL 97, MPS 54, 160).

Each function checks, in this order: the actor's permission to handle submissions
(investigators), that the actor sees the submission (else not found: their agency's cases);
then ``submissions`` applies the step's rules (not acknowledged twice; only an opinion is
attached, once, under a file reference; only an application is decided, once, a refusal with
written reasons, at a time between the filing and now) and tells the lawyer.
"""

from __future__ import annotations

from pydantic import AwareDatetime, ConfigDict, Field

from app.accounts.models import User
from app.accounts.policy import Action, require
from app.accounts.scopes import visible_row
from app.commands import Command
from rights_checklist import submissions
from rights_checklist.kinds import Decision
from rights_checklist.models import Submission

MAX_FILE_REFERENCE = 120
MAX_REASONS = 10_000


class AcknowledgeSubmission(Command):
    submission_id: int = Field(ge=1)


class AttachOpinionToFile(Command):
    """A written opinion attached to the case file (附卷) under ``file_reference``."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    submission_id: int = Field(ge=1)
    file_reference: str = Field("", max_length=MAX_FILE_REFERENCE)  # required: checked there


class DecideApplication(Command):
    """An application granted or refused (with written reasons), at ``decided_at`` if it was
    decided earlier than it is recorded."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    submission_id: int = Field(ge=1)
    decision: Decision
    reasons: str = Field("", max_length=MAX_REASONS)  # required when refusing: checked there
    decided_at: AwareDatetime | None = None


async def _handled(actor: User, submission_id: int) -> Submission:
    require(actor, Action.HANDLE_SUBMISSIONS)
    return await visible_row(Submission, actor, submission_id)


async def acknowledge_submission(
    actor: User, command: AcknowledgeSubmission, *, public_url: str = ""
) -> Submission:
    """Acknowledge receipt, or raise DomainError (NotPermitted, NotFound outside the actor's
    role or scope)."""
    submission = await _handled(actor, command.submission_id)
    return await submissions.acknowledge(actor, submission, public_url=public_url)


async def attach_opinion_to_file(
    actor: User, command: AttachOpinionToFile, *, public_url: str = ""
) -> Submission:
    """Record the opinion attached to the case file, or raise DomainError naming the field."""
    submission = await _handled(actor, command.submission_id)
    return await submissions.attach_to_file(
        actor, submission, command.file_reference, public_url=public_url
    )


async def decide_application(
    actor: User, command: DecideApplication, *, public_url: str = ""
) -> Submission:
    """Record the application's decision, or raise DomainError naming the field at fault."""
    submission = await _handled(actor, command.submission_id)
    return await submissions.decide(
        actor, submission, command.decision, command.reasons, command.decided_at,
        public_url=public_url,
    )  # fmt: skip
