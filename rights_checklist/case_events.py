"""Recording a case event: the one function the investigator's case page, the detention
centre's release and move forms, the API and any script call with the command
``app.cases.recording.RecordCaseEvent``.

``record_case_event`` checks, in this order: the actor's permission to record events, that the
actor reaches the case (else not found: staff through a detainee held at their facility), that
the role records this kind of event for this case (an investigator of the case's agency: the
measures, extensions, the end of the investigation, corrections; detention staff: releases,
moves, corrections); then ``case_notices.record_case_event`` applies O1 (ending the
investigation with written opinions not yet acknowledged needs a stated reason) and
``app.cases.services.record_event`` the registry's rules (the time has its zone and has passed,
the detainee is of the case, a correction names an event of the case, an extension has its new
expiry and basis, a move a receiving facility), records the event and owes its notices.
"""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.policy import Action, require
from app.cases.models import CaseEvent
from app.cases.recording import RecordCaseEvent, case_for_recording, check_kind, new_event
from app.law.context import LegalContext
from rights_checklist import case_notices


async def record_case_event(
    actor: User, command: RecordCaseEvent, legal: LegalContext, *, public_url: str
) -> CaseEvent:
    """Record the event ``command`` describes and owe its notices, or raise DomainError naming
    the field at fault (NotPermitted, NotFound outside the actor's role or scope)."""
    require(actor, Action.RECORD_CASE_EVENTS)
    case = await case_for_recording(actor, command.case_id)
    check_kind(actor, case, command.kind)
    return await case_notices.record_case_event(
        actor, case, new_event(command), context=legal, public_url=public_url,
        unheard_reason=command.unheard_reason,
    )  # fmt: skip
