"""The desk's answer to a request for a meeting longer than the facility's lengths (R2015 art. 7).

A facility's allowed lengths (``FacilitySchedule.allowed_lengths``) must not become a cap on
the time the defence needs: a lawyer may ask for a longer meeting if she states why
(``scheduling.requests.length_rule``). The desk accepts it, or refuses it on a lawful ground,
which is recorded and shown to the lawyer. Until then the request is booked only at one of the
facility's lengths; once accepted at the length asked for; once refused at the longest the
facility offers, which becomes the request's length (the length asked for stays in the audit
entry). Either way the lawyer is told at once (``meeting_longer_decided``). Nor is the number
of meetings capped: a lawyer can always ask again.
"""

from __future__ import annotations

from typing import Final

from pydantic import Field
from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action, require
from app.accounts.scopes import visible_row
from app.audit.service import record
from app.commands import Command
from app.errors import DomainError
from notifications.kinds import Channel
from notifications.services import notice_language, notify_user
from notifications.wording import local_time
from scheduling.kinds import LongerDecision, RequestStatus
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import MeetingRequest
from scheduling.plan_store import schedule_of

MAX_GROUND: Final = 300
DECIDED_NOTICE: Final = "meeting_longer_decided"
# Before a meeting is booked: afterwards the answer would come too late to matter.
DECIDABLE: Final = (RequestStatus.REQUESTED, RequestStatus.AWAITING_PERMISSION)


class DecideLongerMeeting(Command):
    """Accept the longer meeting request ``request_id`` asks for, or refuse it on ``ground``."""

    request_id: int = Field(ge=1)
    accepted: bool
    ground: str = Field("", max_length=MAX_GROUND)


async def decide_longer_meeting(
    actor: User, command: DecideLongerMeeting, *, notices: NoticeSettings
) -> MeetingRequest:
    """Record the desk's answer and tell the lawyer (in the same transaction), or raise:
    NotPermitted (only the desk), NotFound (outside its facility), DomainError (409
    ``no_longer_meeting_asked``, 409 ``longer_already_decided``,
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
        asked_minutes = request.length_minutes
        await request.refresh_from_db(using_db=connection)
        await _tell_lawyer(request, asked_minutes, notices.public_url)
    return request


async def _tell_lawyer(request: MeetingRequest, asked_minutes: int, public_url: str) -> None:
    """The lawyer learns the answer at once: she plans the meeting by it (and on a refusal, its
    ground and the length she can book instead)."""
    await request.fetch_related("lawyer", "detainee", "facility", "engagement__case")
    lawyer: User = request.lawyer
    language = await notice_language(lawyer)
    payload = {
        "lawyer": lawyer.display_name,
        "detainee": request.detainee.name,
        "facility": request.facility.name,
        "case_number": request.engagement.case.case_number,
        "decision": LongerDecision(request.longer_decision).value,
        "asked_minutes": asked_minutes,
        "length_minutes": request.length_minutes,
        "ground": request.longer_refusal_ground,
        "decided_at": local_time(clock.now(), request.facility.timezone, language),
        "url": f"{public_url.rstrip('/')}/meeting-requests/{request.id}",
        "request_id": request.id,
    }
    await notify_user(lawyer, DECIDED_NOTICE, payload,
                      (Channel.INAPP, Channel.EMAIL, Channel.SMS),
                      case=request.engagement.case, language=language)  # fmt: skip
