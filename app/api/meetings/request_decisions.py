"""/api/v1 endpoints of the desk's two answers on a meeting request (R2015 art. 7-8): the
client's written refusal of a meeting to confirm the ending or changing of an engagement, and
a longer meeting accepted or refused on a lawful ground. They build the same domain commands as
the desk's page (``scheduling.confirmation``, ``scheduling.longer_meetings``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from app.accounts.models import User
from app.accounts.policy import Action
from app.api.fields import Day, Flag
from app.api.framework import Endpoint
from app.api.meetings.meeting_models import RequestOut
from app.api.meetings.meeting_presenters import active_meetings, request_out
from app.commands import build
from scheduling.confirmation import MAX_STATEMENT, RecordWrittenRefusal, record_written_refusal
from scheduling.longer_meetings import MAX_GROUND, DecideLongerMeeting, decide_longer_meeting
from scheduling.models import MeetingRequest

P = "/api/v1/meeting-requests/{request_id:int}"


class ClientRefusalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    refused_on: Day = Field(description="The date on the client's written refusal")
    statement: str = Field(
        "", max_length=MAX_STATEMENT,
        description="Required: what the written refusal says and how it was made",
    )  # fmt: skip


class LongerDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    accepted: Flag
    ground: str = Field("", max_length=MAX_GROUND, description="Required when refusing")


async def _out(user: User, item: MeetingRequest) -> RequestOut:
    meetings = await active_meetings([item.id])
    return request_out(user, item, meetings.get(item.id))


async def client_refusal(
    user: User, request_id: int, body: ClientRefusalIn, request: Request
) -> RequestOut:
    command = build(RecordWrittenRefusal, request_id=request_id, **body.model_dump())
    refused = await record_written_refusal(user, command, notices=request.app.state.notices)
    return await _out(user, refused)


async def longer_decision(
    user: User, request_id: int, body: LongerDecisionIn, request: Request
) -> RequestOut:
    command = build(DecideLongerMeeting, request_id=request_id, **body.model_dump())
    decided = await decide_longer_meeting(user, command, notices=request.app.state.notices)
    return await _out(user, decided)


REQUEST_DECISION_ENDPOINTS: list[Endpoint] = [
    Endpoint("POST", P + "/client-refusal", client_refusal,
             "Record the client's written refusal of a meeting to confirm the ending or "
             "changing of the engagement (R2015 art. 8): ends the request, tells the lawyer",
             "meeting requests", Action.RUN_DAY_BOARD, body=ClientRefusalIn,
             response=RequestOut, errors=(404, 409)),
    Endpoint("POST", P + "/longer-decision", longer_decision,
             "Accept a longer meeting than the facility's lengths, or refuse it on a lawful "
             "ground (R2015 art. 7)", "meeting requests", Action.RUN_DAY_BOARD,
             body=LongerDecisionIn, response=RequestOut, errors=(404, 409)),
]  # fmt: skip
