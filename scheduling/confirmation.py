"""The meeting that confirms a client's ending or changing of an engagement (R2015 art. 8).

When a client ends or changes the engagement, the lawyer may ask to meet the client to confirm
it in person (a request whose purpose is ``engagement_confirmation``); a lawyer engaged by the
relatives may ask to meet the client to confirm the new engagement. The detention centre
arranges it unless **the client refuses in writing**; the refusal then passes to the lawyer.

So the desk refuses such a meeting through this one command only, for the client's written
refusal (``record_written_refusal``): it ends the request (status refused, the refusal on the
record), frees any meeting booked for it, writes the audit entry and tells the lawyer, all in
one transaction. ``scheduling.attendance.refuse_request`` no longer accepts "the engagement
has ended" for such a request: that is what the meeting is for.
"""

from __future__ import annotations

from datetime import date
from typing import Final
from zoneinfo import ZoneInfo

from pydantic import Field
from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action, require
from app.accounts.scopes import visible_row
from app.audit.service import record
from app.commands import Command
from app.errors import DomainError, raise_all
from notifications.kinds import Channel
from notifications.services import notice_language, notify_user
from notifications.wording import day_in_words, local_time
from scheduling import booking
from scheduling.attendance import REFUSABLE, WrongState
from scheduling.kinds import MeetingStatus, RequestPurpose, RequestStatus
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import Meeting, MeetingRequest

NOTICE_KIND: Final = "meeting_client_refused"
REASON_CODE: Final = "client_refused_in_writing"  # how refusal_reason starts
MAX_STATEMENT: Final = 400


class RecordWrittenRefusal(Command):
    """The client of request ``request_id`` refused in writing, on ``refused_on`` (the date on
    the written refusal), to meet the lawyer; ``statement`` says what the refusal says or how
    it was made (signed note, thumbprint before two officers...)."""

    request_id: int = Field(ge=1)
    refused_on: date
    statement: str = Field("", max_length=MAX_STATEMENT)


async def record_written_refusal(
    actor: User, command: RecordWrittenRefusal, *, notices: NoticeSettings
) -> MeetingRequest:
    """End the art. 8 request on the client's written refusal, or raise: NotPermitted (only the
    desk), NotFound (outside the desk's facility), DomainError (409
    ``written_refusal_not_confirmation`` for any other purpose, ``refused_on`` in the future,
    no ``statement``), WrongState (409, the request is over already)."""
    require(actor, Action.RUN_DAY_BOARD)
    request = await visible_row(MeetingRequest, actor, command.request_id)
    if request.purpose != RequestPurpose.ENGAGEMENT_CONFIRMATION:
        raise DomainError("written_refusal_not_confirmation", status=409)
    await request.fetch_related("facility")
    zone = request.facility.timezone
    statement = command.statement.strip()
    problems: list[DomainError] = []
    if command.refused_on > clock.now().astimezone(ZoneInfo(zone)).date():
        problems.append(DomainError("time_in_future", field="refused_on"))
    if not statement:
        problems.append(DomainError("written_refusal_statement_required", field="statement"))
    raise_all(problems)
    text = f"{REASON_CODE}: {command.refused_on.isoformat()}: {statement}"[:500]
    async with in_transaction() as connection:
        current = await MeetingRequest.filter(id=request.id).using_db(connection).get()
        if current.status not in REFUSABLE:
            raise WrongState(current.status)
        meeting = await (
            Meeting.filter(request_id=request.id, status=MeetingStatus.ACTIVE)
            .using_db(connection)
            .first()
        )
        if meeting is not None:  # the slot is freed and the lawyer gets the CANCEL invite
            await booking.cancel(actor, meeting, text[:300], notices=notices)
        changed = await (
            MeetingRequest.filter(id=request.id, status__in=[*REFUSABLE])
            .using_db(connection)
            .update(status=RequestStatus.REFUSED, refusal_reason=text)
        )
        if not changed:
            raise WrongState(current.status)
        await record(actor, "meeting_request.client_refused_in_writing", "meeting_request",
                     request.id, {"refused_on": command.refused_on.isoformat(),
                                  "statement": statement, "basis": "R2015 art. 8",
                                  "meeting": meeting.id if meeting else None})  # fmt: skip
        await request.refresh_from_db(using_db=connection)
        await _tell_lawyer(request, command.refused_on, statement, notices.public_url)
    return request


def refused_in_writing(request: MeetingRequest) -> tuple[str, str] | None:
    """The date (ISO) and statement of a client's written refusal recorded on ``request``."""
    code, _, rest = request.refusal_reason.partition(": ")
    if code != REASON_CODE:
        return None
    day, _, statement = rest.partition(": ")
    return day, statement


async def _tell_lawyer(
    request: MeetingRequest, refused_on: date, statement: str, public_url: str
) -> None:
    """Art. 8: the refusal passes to the lawyer, with its date and what it says."""
    await request.fetch_related("lawyer", "detainee", "facility", "engagement__case")
    lawyer: User = request.lawyer
    language = await notice_language(lawyer)
    payload = {
        "lawyer": lawyer.display_name,
        "detainee": request.detainee.name,
        "facility": request.facility.name,
        "case_number": request.engagement.case.case_number,
        "refused_on": day_in_words(refused_on, language),
        "statement": statement,
        "recorded_at": local_time(clock.now(), request.facility.timezone, language),
        "url": f"{public_url.rstrip('/')}/meeting-requests/{request.id}",
        "request_id": request.id,
    }
    await notify_user(lawyer, NOTICE_KIND, payload, (Channel.INAPP, Channel.EMAIL, Channel.SMS),
                      case=request.engagement.case, language=language)  # fmt: skip
