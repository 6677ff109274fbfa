"""The desk's answer to a request for a meeting longer than the facility's lengths (R2015 art. 7).

A facility's allowed lengths (``FacilitySchedule.allowed_lengths``) must not become a cap on
the time the defence needs: a lawyer may ask for a longer meeting if she states why
(``scheduling.requests.length_rule``). The desk accepts it, or refuses it on a lawful ground,
which is recorded and shown to the lawyer. Until then the request is booked only at one of the
facility's lengths; once accepted at the length asked for; once refused at the longest the
facility offers, which becomes the request's length (the length asked for stays in the audit
entry). Nor is the number of meetings capped: a lawyer can always ask again.
"""

from __future__ import annotations

from typing import Final

from pydantic import Field
from tortoise.transactions import in_transaction

from app.accounts.models import User
from app.accounts.policy import Action, require
from app.accounts.scopes import visible_row
from app.audit.service import record
from app.commands import Command
from app.errors import DomainError
from scheduling.kinds import LongerDecision, RequestStatus
from scheduling.models import MeetingRequest
from scheduling.plan_store import schedule_of

MAX_GROUND: Final = 300
# Before a meeting is booked: afterwards the answer would come too late to matter.
DECIDABLE: Final = (RequestStatus.REQUESTED, RequestStatus.AWAITING_PERMISSION)


class DecideLongerMeeting(Command):
    """Accept the longer meeting request ``request_id`` asks for, or refuse it on ``ground``."""

    request_id: int = Field(ge=1)
    accepted: bool
    ground: str = Field("", max_length=MAX_GROUND)


async def decide_longer_meeting(actor: User, command: DecideLongerMeeting) -> MeetingRequest:
    """Record the desk's answer, or raise: NotPermitted (only the desk), NotFound (outside its
    facility), DomainError (409 ``no_longer_meeting_asked``, 409 ``longer_already_decided``,
    ``longer_refusal_ground_required`` at "ground", 409 ``meeting_wrong_state``)."""
    require(actor, Action.RUN_DAY_BOARD)
    request = await visible_row(MeetingRequest, actor, command.request_id)
    if not request.longer_reason:
        raise DomainError("no_longer_meeting_asked", status=409)
    ground = command.ground.strip()
    if not command.accepted and not ground:
        raise DomainError("longer_refusal_ground_required", field="ground")
    decision = LongerDecision.ACCEPTED if command.accepted else LongerDecision.REFUSED
    changes: dict[str, object] = {
        "longer_decision": decision,
        "longer_refusal_ground": "" if command.accepted else ground,
    }
    if not command.accepted:  # the meeting is then of the longest length the facility offers
        allowed, _buffer = await schedule_of(request.facility_id)
        changes["length_minutes"] = max(allowed)
    async with in_transaction() as connection:
        # Conditional, so of two answers given at once only the first counts.
        changed = (
            await MeetingRequest.filter(
                id=request.id, longer_decision=LongerDecision.UNDECIDED, status__in=[*DECIDABLE]
            )
            .using_db(connection)
            .update(**changes)
        )
        if not changed:
            current = await MeetingRequest.filter(id=request.id).using_db(connection).get()
            if current.longer_decision != LongerDecision.UNDECIDED:
                raise DomainError("longer_already_decided", status=409)
            raise DomainError("meeting_wrong_state", status=409)
        await record(actor, "meeting_request.longer_decided", "meeting_request", request.id,
                     {"decision": decision.value, "ground": changes["longer_refusal_ground"],
                      "asked_minutes": request.length_minutes,
                      "length_minutes": changes.get("length_minutes", request.length_minutes),
                      "basis": "R2015 art. 7"})  # fmt: skip
        await request.refresh_from_db(using_db=connection)
    return request
