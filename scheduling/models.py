"""Scheduling records: rooms, opening hours, closures, meetings.

Meeting overlaps are refused by the database itself (migration 0007), not only here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from scheduling.kinds import (
    CapacityCause,
    LongerDecision,
    MeetingStatus,
    OfferStatus,
    RequestPurpose,
    RequestStatus,
    RoomKind,
    default_lengths,
)

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.cases.models import Detainee, Engagement
    from app.orgs.models import Facility


class Room(Model):
    """A meeting room of a detention centre."""

    id = fields.IntField(primary_key=True)
    facility: fields.ForeignKeyRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name="rooms", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(RoomKind, max_length=20, default=RoomKind.IN_PERSON)
    in_service = fields.BooleanField(default=True)
    # A video room's fixed address (web or SIP), used by the "fixed" video provider.
    video_address = fields.CharField(max_length=300, default="", db_default="")

    facility_id: int

    class Meta:
        table = "room"
        unique_together = (("facility", "name"),)
        ordering = ["facility_id", "name"]


class FacilitySchedule(Model):
    """Meeting lengths a facility allows and the turnover buffer between meetings."""

    id = fields.IntField(primary_key=True)
    facility: fields.OneToOneRelation[Facility] = fields.OneToOneField(
        "lawmeet.Facility", related_name="schedule", on_delete=fields.CASCADE
    )
    allowed_lengths: fields.Field[list[int]] = fields.JSONField(default=default_lengths)
    buffer_minutes = fields.IntField(default=10)

    facility_id: int

    class Meta:
        table = "facility_schedule"


class OpeningSession(Model):
    """A weekly session in local time. With a room it adds hours for that room only."""

    id = fields.IntField(primary_key=True)
    facility: fields.ForeignKeyRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name="opening_sessions", on_delete=fields.CASCADE
    )
    weekday = fields.SmallIntField()  # 0 Monday .. 6 Sunday, as date.weekday()
    # Local wall times as minutes after midnight: Tortoise's TimeField would tag them UTC.
    start_minute = fields.SmallIntField()
    end_minute = fields.SmallIntField()
    room: fields.ForeignKeyNullableRelation[Room] = fields.ForeignKeyField(
        "lawmeet.Room", related_name="opening_sessions", null=True, on_delete=fields.CASCADE
    )
    valid_from = fields.DateField(null=True)
    valid_to = fields.DateField(null=True)  # inclusive

    facility_id: int
    room_id: int | None

    class Meta:
        table = "opening_session"
        ordering = ["weekday", "start_minute"]


class Closure(Model):
    """A time the whole facility (no room) or one room takes no meetings."""

    id = fields.IntField(primary_key=True)
    facility: fields.ForeignKeyRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name="closures", on_delete=fields.RESTRICT
    )
    room: fields.ForeignKeyNullableRelation[Room] = fields.ForeignKeyField(
        "lawmeet.Room", related_name="closures", null=True, on_delete=fields.RESTRICT
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    reason = fields.CharField(max_length=300)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    facility_id: int
    room_id: int | None
    created_by_id: int | None

    class Meta:
        table = "closure"
        ordering = ["starts_at"]


class MeetingRequest(Model):
    """A lawyer's request to meet a detainee and the statutory clock it starts (M1, P1)."""

    id = fields.IntField(primary_key=True)
    engagement: fields.ForeignKeyRelation[Engagement] = fields.ForeignKeyField(
        "lawmeet.Engagement", related_name="meeting_requests", on_delete=fields.RESTRICT
    )
    lawyer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name="meeting_requests", on_delete=fields.RESTRICT
    )
    detainee: fields.ForeignKeyRelation[Detainee] = fields.ForeignKeyField(
        "lawmeet.Detainee", related_name="meeting_requests", on_delete=fields.RESTRICT
    )
    facility: fields.ForeignKeyRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name="meeting_requests", on_delete=fields.RESTRICT
    )
    requested_at = fields.DatetimeField()
    # Empty while the clock waits (policy P1 after_document_check, or permission under M5).
    clock_started_at = fields.DatetimeField(null=True)
    deadline_at = fields.DatetimeField(null=True)
    deadline: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)
    preferred_windows: fields.Field[list[dict[str, str]]] = fields.JSONField(default=list)
    length_minutes = fields.IntField(default=60)
    room_kind = fields.CharEnumField(RoomKind, max_length=20, default=RoomKind.IN_PERSON)
    assistant_name = fields.CharField(max_length=100, default="")  # M6: one assistant
    assistant_id_number = fields.CharField(max_length=32, default="")
    interpreter_needed = fields.BooleanField(default=False)  # M7
    walk_in = fields.BooleanField(default=False)  # M2: never a reason to refuse
    status = fields.CharEnumField(RequestStatus, max_length=24, default=RequestStatus.REQUESTED)
    refusal_reason = fields.CharField(max_length=500, default="")
    # M5: the investigating authority's written answer, due within 3 days of the application.
    permission_due_at = fields.DatetimeField(null=True)
    permission_deadline: fields.Field[dict[str, object] | None] = fields.JSONField(null=True)
    permission_decided_at = fields.DatetimeField(null=True)
    permission_decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    permission_granted = fields.BooleanField(null=True)
    permission_reasons = fields.TextField(default="", db_default="")
    # Why the facility cancelled the last meeting: the request goes back to scheduling.
    facility_cancel_reason = fields.CharField(max_length=300, default="", db_default="")
    # R2015 art. 9: the decision names whom the lawyer and the centre contact about it.
    permission_contact_unit = fields.CharField(max_length=200, default="", db_default="")
    permission_contact_person = fields.CharField(max_length=100, default="", db_default="")
    permission_contact_phone = fields.CharField(max_length=40, default="", db_default="")
    # When the reason for a refusal ended and the request became permitted (R2015 art. 9).
    permission_lifted_at = fields.DatetimeField(null=True)
    purpose = fields.CharEnumField(
        RequestPurpose, max_length=32, default=RequestPurpose.ORDINARY, db_default="ordinary"
    )
    # A booked request whose lawyer asked to be offered an earlier slot if one frees up.
    wants_earlier = fields.BooleanField(default=False, db_default=False)
    # R2015 art. 7: the lawyer's written consent to an interrogation room when rooms are short.
    interrogation_room_consent_at = fields.DatetimeField(null=True)
    # A length beyond the facility's lengths needs a reason, accepted or refused by the desk.
    longer_reason = fields.TextField(default="", db_default="")
    longer_decision = fields.CharEnumField(
        LongerDecision, max_length=12, default=LongerDecision.UNDECIDED, db_default=""
    )
    longer_refusal_ground = fields.CharField(max_length=300, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    engagement_id: int
    lawyer_id: int
    detainee_id: int
    facility_id: int
    permission_decided_by_id: int | None
    meetings: fields.ReverseRelation[Meeting]

    class Meta:
        table = "meeting_request"
        ordering = ["-requested_at"]


class Meeting(Model):
    """A booked room and time. The database refuses overlapping active meetings (0007)."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[MeetingRequest] = fields.ForeignKeyField(
        "lawmeet.MeetingRequest", related_name="meetings", on_delete=fields.RESTRICT
    )
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField(
        "lawmeet.Room", related_name="meetings", on_delete=fields.RESTRICT
    )
    lawyer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name="meetings", on_delete=fields.RESTRICT
    )
    detainee: fields.ForeignKeyRelation[Detainee] = fields.ForeignKeyField(
        "lawmeet.Detainee", related_name="meetings", on_delete=fields.RESTRICT
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    status = fields.CharEnumField(MeetingStatus, max_length=12, default=MeetingStatus.ACTIVE)
    reference = fields.CharField(max_length=8, unique=True)  # Crockford base32, reference.py
    idempotency_key = fields.CharField(max_length=100, null=True)
    sequence = fields.IntField(default=0)  # iCalendar SEQUENCE, raised on every change
    uid = fields.CharField(max_length=100, unique=True)  # iCalendar UID, stable
    created_at = fields.DatetimeField(auto_now_add=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.CharField(max_length=300, default="")
    # Day-board attendance. Times and document checks only: never what was said (M4).
    documents_verified = fields.BooleanField(default=False, db_default=False)
    assistant_present = fields.BooleanField(default=False, db_default=False)
    checked_in_at = fields.DatetimeField(null=True)
    started_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    no_show_at = fields.DatetimeField(null=True)
    # Set when a closure falls on the meeting: staff must rebook it and its lawyer is told.
    needs_rebooking = fields.BooleanField(default=False, db_default=False)
    closure: fields.ForeignKeyNullableRelation[Closure] = fields.ForeignKeyField(
        "lawmeet.Closure", related_name="affected_meetings", null=True, on_delete=fields.SET_NULL
    )
    # A video meeting's Jitsi room name: random, never the detainee's identity.
    video_room = fields.CharField(max_length=100, default="", db_default="")
    # At check-in staff record that the meeting is neither monitored nor recorded (CPL 39(4)).
    confidentiality_confirmed_at = fields.DatetimeField(null=True)

    request_id: int
    room_id: int
    lawyer_id: int
    detainee_id: int
    closure_id: int | None

    class Meta:
        table = "meeting"
        # NULL keys never collide, so meetings booked without a key are unaffected.
        unique_together = (("lawyer", "idempotency_key"),)
        ordering = ["starts_at"]


class FreedCapacity(Model):
    """Room time that became free at a facility: an outbox row that an offer round consumes.

    Written in the transaction of the change that freed it (a cancellation, a closure
    withdrawn, hours added...), so a crash before the round loses nothing: the worker runs it.
    """

    id = fields.IntField(primary_key=True)
    facility: fields.ForeignKeyRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name=False, on_delete=fields.CASCADE
    )
    room: fields.ForeignKeyNullableRelation[Room] = fields.ForeignKeyField(
        "lawmeet.Room", related_name=False, null=True, on_delete=fields.CASCADE
    )  # None: every room of the facility
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    cause = fields.CharEnumField(CapacityCause, max_length=32)
    created_at = fields.DatetimeField(auto_now_add=True)
    offered_at = fields.DatetimeField(null=True, db_index=True)  # set by the round that used it

    facility_id: int
    room_id: int | None

    class Meta:
        table = "freed_capacity"
        ordering = ["id"]


class SlotOffer(Model):
    """A freed slot held for one waiting request until the lawyer answers or it expires.

    The database refuses two open offers of one room that overlap, and a second open offer
    for one request (migration 0020); a booking by anyone else into a held slot is refused
    under the room's lock (``scheduling.booking``).
    """

    id = fields.IntField(primary_key=True)
    facility: fields.ForeignKeyRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name=False, on_delete=fields.CASCADE
    )
    request: fields.ForeignKeyRelation[MeetingRequest] = fields.ForeignKeyField(
        "lawmeet.MeetingRequest", related_name="offers", on_delete=fields.CASCADE
    )
    # Set for an "earlier slot" offer: accepting moves this meeting instead of booking one.
    meeting: fields.ForeignKeyNullableRelation[Meeting] = fields.ForeignKeyField(
        "lawmeet.Meeting", related_name=False, null=True, on_delete=fields.CASCADE
    )
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField(
        "lawmeet.Room", related_name=False, on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    status = fields.CharEnumField(OfferStatus, max_length=12, default=OfferStatus.OPEN)
    offered_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)
    # The rank it was offered on, kept for the audit: deadline (None: no clock) and priority.
    deadline_at = fields.DatetimeField(null=True)
    priority = fields.BooleanField(default=False)
    cause = fields.CharEnumField(CapacityCause, max_length=32)

    facility_id: int
    request_id: int
    meeting_id: int | None
    room_id: int

    class Meta:
        table = "slot_offer"
        ordering = ["-offered_at"]


class CalendarFeed(Model):
    """A secret, revocable subscription URL: a lawyer's meetings, or a facility's or room's.

    Only a hash of the token is stored, like API tokens, so a database reader cannot subscribe.
    """

    id = fields.IntField(primary_key=True)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name="calendar_feeds", on_delete=fields.CASCADE
    )
    scope = fields.CharField(max_length=12)  # "lawyer", "facility" or "room"
    facility: fields.ForeignKeyNullableRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name=False, null=True, on_delete=fields.CASCADE
    )
    room: fields.ForeignKeyNullableRelation[Room] = fields.ForeignKeyField(
        "lawmeet.Room", related_name=False, null=True, on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    owner_id: int
    facility_id: int | None
    room_id: int | None

    class Meta:
        table = "calendar_feed"
        ordering = ["-created_at"]


# This package's entries in the scope table (app.accounts.scopes): loaded with the models, so
# that the table is complete wherever they are.
from scheduling import access as _scope_rules  # noqa: E402, F401
