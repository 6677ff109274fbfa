"""API models of meeting requests, bookings, attendance and the day board."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.api.fields import Day, Flag, MeetingLength, RowId, Timestamp, whole
from app.cases.kinds import DocumentKind
from app.commands import rule_error
from scheduling.asking import MAX_LENGTH_MINUTES
from scheduling.attendance import RefusalReason
from scheduling.kinds import LongerDecision, MeetingStatus, RequestPurpose, RequestStatus, RoomKind

RequestLength = whole(1, MAX_LENGTH_MINUTES)  # longer than the facility's with a reason


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WindowIn(_In):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: Timestamp = Field(alias="from")
    end: Timestamp = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> WindowIn:
        if self.end <= self.start:
            raise rule_error("window_order")  # the words the command and the page use
        return self


class RequestCreate(_In):
    engagement_id: RowId = Field(description="An engagement whose three documents are uploaded "
                               "and none rejected, or checked (lawyer: your own; staff: of a "
                               "detainee held at your facility)")  # fmt: skip
    length_minutes: RequestLength = Field(  # type: ignore[valid-type]
        60,
        description="One of the facility's allowed lengths, or a longer one with "
        "longer_reason (R2015 art. 7: the lengths are no cap; the desk accepts or refuses it)",
    )
    longer_reason: str = Field("", max_length=2000, description="Why a longer meeting")
    purpose: RequestPurpose = Field(
        RequestPurpose.ORDINARY,
        description="All but ordinary are priority meetings; "
        "engagement_confirmation is R2015 art. 8's meeting to confirm an ended engagement",
    )
    room_kind: RoomKind = RoomKind.IN_PERSON
    interrogation_room_consent: Flag = Field(
        False,
        description="The lawyer's written consent to an interrogation room if lawyer "
        "rooms are short (R2015 art. 7); required for room_kind interrogation",
    )
    preferred_windows: list[WindowIn] = Field([], max_length=10)
    assistant_name: str = Field("", max_length=100, description="One assistant (M6)")
    assistant_id_number: str = Field("", max_length=32, description="Licence or ID number")
    interpreter_needed: Flag = Field(False, description="M7")
    walk_in: Flag = Field(False, description="Staff only: registered at the desk (M2)")
    requested_at: Timestamp | None = Field(
        None, description="Staff only: when the lawyer asked, if recorded afterwards"
    )
    documents_presented: list[DocumentKind] | None = Field(
        None,
        max_length=4,
        description="Staff only: the documents checked at the gate for a walk-in (story 2); "
        "every one the engagement needs activates it and starts the 48 hours now",
    )


class VideoLinkOut(BaseModel):
    url: str = Field(description="The reader's own join link; never names the detainee")
    opens_at: datetime = Field(description="The link works from this time ...")
    closes_at: datetime = Field(description="... until the meeting's end")


class MeetingOut(BaseModel):
    id: int
    reference: str = Field(description="8 characters, Crockford base32")
    request_id: int
    request_status: RequestStatus
    room_id: int
    lawyer_id: int
    detainee_id: int
    starts_at: datetime
    ends_at: datetime
    status: MeetingStatus
    sequence: int = Field(description="iCalendar SEQUENCE, raised on every change")
    uid: str
    cancelled_at: datetime | None
    cancel_reason: str
    documents_verified: bool
    assistant_present: bool
    checked_in_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    no_show_at: datetime | None
    needs_rebooking: bool
    confidentiality_confirmed_at: datetime | None = Field(
        None, description="When staff confirmed it is neither monitored nor recorded (CPL 39(4))"
    )
    video: VideoLinkOut | None = Field(
        None, description="A video meeting: the lawyer's (or the centre staff's) join link"
    )


class RequestOut(BaseModel):
    id: int
    engagement_id: int
    lawyer_id: int
    detainee_id: int
    facility_id: int
    status: RequestStatus
    walk_in: bool
    purpose: RequestPurpose
    priority: bool = Field(description="A priority meeting: any purpose but ordinary")
    longer_reason: str = Field(description="Why a length beyond the facility's lengths")
    longer_decision: LongerDecision = Field(description="The desk's answer; empty: undecided")
    longer_refusal_ground: str
    interrogation_room_consent_at: datetime | None = Field(
        description="The lawyer's written consent to an interrogation room (R2015 art. 7)"
    )
    requested_at: datetime
    length_minutes: int
    room_kind: RoomKind
    preferred_windows: list[dict[str, str]]
    assistant_name: str
    assistant_id_number: str | None = Field(description="Lawyer and facility staff only")
    interpreter_needed: bool
    clock_started_at: datetime | None
    deadline_at: datetime | None = Field(description="48-hour limit (M1); empty while waiting")
    deadline: dict[str, object] | None = Field(description="Rule, policies, explanation")
    overdue: bool
    permission_due_at: datetime | None = Field(description="M5 answer due (3 days)")
    permission_deadline: dict[str, object] | None
    permission_decided_at: datetime | None
    permission_granted: bool | None
    permission_reasons: str
    permission_contact_unit: str = Field(description="Named with the decision (R2015 art. 9)")
    permission_contact_person: str
    permission_contact_phone: str
    permission_lifted_at: datetime | None = Field(description="When a refusal was lifted")
    refusal_reason: str
    facility_cancel_reason: str
    meeting: MeetingOut | None = Field(description="The active meeting, if booked")


class RequestQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: RequestStatus | None = None


class AvailabilityQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: Timestamp | None = Field(None, alias="from", description="Default: now")
    end: Timestamp | None = Field(
        None, alias="to", description="Default: the deadline, or 7 days ahead; at most 14 days"
    )
    room_id: RowId | None = None
    limit: whole(1, 1000) = 200  # type: ignore[valid-type]


class SlotOut(BaseModel):
    room_id: int
    starts_at: datetime
    ends_at: datetime


class AvailabilityOut(BaseModel):
    request_id: int
    deadline_at: datetime | None
    window_from: datetime
    window_to: datetime
    length_minutes: int
    slots: list[SlotOut]


class BookingIn(_In):
    room_id: RowId | None = Field(None, description="Empty: any room of the wanted kind")
    starts_at: Timestamp | None = Field(
        None, description="Empty: the earliest fitting slot before the deadline"
    )
    length_minutes: MeetingLength | None = Field(None, description="Empty: the request's length")


class RescheduleIn(_In):
    room_id: RowId | None = Field(None, description="Empty: the same room")
    starts_at: Timestamp
    length_minutes: MeetingLength | None = Field(None, description="Empty: the same length")
    reason: str = Field("", max_length=300, description="Required from facility staff")


class CancelIn(_In):
    reason: str = Field("", max_length=300, description="Required from facility staff")


class CheckInIn(_In):
    documents_verified: Flag = Field(description="The three documents were checked")
    assistant_present: Flag = Field(False, description="The registered assistant came (M6)")
    confidentiality_confirmed: Flag = Field(
        False,
        description="The meeting is neither monitored nor recorded (CPL 39(4)); required for a "
        "video meeting",
    )
    at: Timestamp | None = Field(None, description="Default: now; never in the future")


class MomentIn(_In):
    at: Timestamp | None = Field(None, description="Default: now; never in the future")


class PermissionIn(_In):
    granted: Flag
    reasons: str = Field("", max_length=10_000, description="Required when refusing (M5)")
    contact_unit: str = Field(
        "", max_length=200, description="Required: the unit to contact about it (R2015 art. 9)"
    )
    contact_person: str = Field("", max_length=100, description="Required: the person to contact")
    contact_phone: str = Field("", max_length=40, description="Optional")


class LiftIn(_In):
    reason: str = Field(
        "", max_length=2000, description="Required: why the reason for refusing has ended"
    )


class RefusalIn(_In):
    reason: RefusalReason = Field(description="A lawful ground; never the lack of a booking (M2)")
    details: str = Field("", max_length=400, description="Required for missing documents")
    document: DocumentKind | None = Field(
        None, description="The document missing or not valid, when that is the ground"
    )


class BoardQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: Day | None = Field(None, description="YYYY-MM-DD in the facility's zone; default today")


class PersonOut(BaseModel):
    id: int
    name: str


class LawyerOut(PersonOut):
    law_firm: str
    licence_number: str


class BoardMeetingOut(BaseModel):
    meeting: MeetingOut
    lawyer: LawyerOut
    detainee: PersonOut
    assistant_name: str
    interpreter_needed: bool
    walk_in: bool
    deadline_at: datetime | None
    purpose: RequestPurpose = Field(description="All but ordinary are priority meetings")
    interrogation_room_consent_at: datetime | None = Field(
        description="In an interrogation room: the lawyer's written consent (R2015 art. 7)"
    )


class BoardRoomOut(BaseModel):
    id: int
    name: str
    kind: RoomKind
    in_service: bool
    meetings: list[BoardMeetingOut]


class RiskOut(BaseModel):
    request_id: int
    meeting_id: int | None = Field(description="A booked meeting a closure fell on")
    lawyer: LawyerOut
    detainee: PersonOut
    walk_in: bool
    deadline_at: datetime
    purpose: RequestPurpose = Field(description="All but ordinary are priority meetings")
    hours_left: float
    earliest_slot: SlotOut | None
    breach_forecast: bool = Field(description="No free slot before the deadline")


class BoardOut(BaseModel):
    facility_id: int
    day: date
    timezone: str
    rooms: list[BoardRoomOut]
    at_risk: list[RiskOut]
