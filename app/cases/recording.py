"""Recording a case event: the command the investigator's case page, the detention centre's
release and move forms and the API build, and the parts of recording it that belong to the case
registry (whose case the actor reaches, what the event carries).

The one function that checks every rule and records the event is
``rights_checklist.case_events.record_case_event``: an event can end the investigation, and the
rule that written defence opinions are heard first (O1) and the notices the event is owed
(N2-N4) live above the case registry. ``app.cases.services.record_event`` checks the registry's
own rules there (the role's kinds, the time, the detainee, a correction's anchor, an extension's
expiry and basis, a move's facility).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, ConfigDict, Field
from tortoise.expressions import Subquery

from app.accounts.models import User
from app.accounts.policy import NotFound
from app.accounts.roles import Role
from app.accounts.scopes import visible, visible_row
from app.cases import access
from app.cases.kinds import EventKind
from app.cases.models import Case, Detainee
from app.cases.services import NewEvent
from app.commands import Command
from app.errors import DomainError

MAX_NOTE = 2000
MAX_LEGAL_BASIS = 200
MAX_UNHEARD_REASON = 500


class RecordCaseEvent(Command):
    """An event of the case ``case_id`` (never an edit: a correction names the event it
    corrects). A field that belongs to another kind of event is not recorded."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    case_id: int = Field(ge=1)
    kind: EventKind
    effective_at: AwareDatetime
    note: str = Field("", max_length=MAX_NOTE)
    detainee_id: int | None = None  # the detainee concerned; None: the whole case
    corrects_id: int | None = None  # a correction: the event it corrects
    new_expiry: date | None = None  # a custody extension: the new expiry
    legal_basis: str = Field("", max_length=MAX_LEGAL_BASIS)  # a custody extension: its basis
    to_facility_id: int | None = None  # a move: the receiving detention centre
    # Ending the investigation while written opinions wait for acknowledgement: why (O1).
    unheard_reason: str = Field("", max_length=MAX_UNHEARD_REASON)


async def case_for_recording(actor: User, case_id: int) -> Case:
    """The case an event is recorded against, or NotFound (404): detention staff reach it
    through a detainee they see (held at their facility, they never read case files),
    everyone else through the case scope."""
    if actor.role == Role.DETENTION_STAFF:
        held = Subquery(visible(Detainee, actor).values("id"))
        case = await Case.filter(id=case_id, detainee_links__detainee_id__in=held).first()
        if case is None:
            raise NotFound("case")
        return case
    return await visible_row(Case, actor, case_id)


def check_kind(actor: User, case: Case, kind: EventKind) -> None:
    """The actor's role records this kind of event for this case, or DomainError (403)."""
    if not access.may_record_event(actor, case, kind):
        raise DomainError("event_not_allowed", "kind", 403)


def new_event(command: RecordCaseEvent) -> NewEvent:
    """The registry's record of ``command``: only the details of the command's own kind."""
    details: dict[str, Any] = {}
    if command.kind == EventKind.CUSTODY_EXTENSION:
        if command.new_expiry is not None:
            details["new_expiry"] = command.new_expiry.isoformat()
        if command.legal_basis:
            details["legal_basis"] = command.legal_basis
    if command.kind == EventKind.MOVED_FACILITY and command.to_facility_id is not None:
        details["to_facility_id"] = command.to_facility_id
    return NewEvent(
        kind=command.kind,
        effective_at=command.effective_at,
        note=command.note,
        detainee_id=command.detainee_id,
        details=details,
        corrects_id=command.corrects_id if command.kind == EventKind.CORRECTION else None,
    )
