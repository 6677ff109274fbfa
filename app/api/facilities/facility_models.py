"""API models of rooms, weekly opening sessions, meeting settings and closures."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.api.fields import Day, Flag, MeetingLength, RowId, Timestamp, whole
from scheduling.facility_admin import LENGTH_CHOICES, MAX_BUFFER_MINUTES
from scheduling.kinds import RoomKind

WALL_TIME = r"^\d{1,2}:\d{2}$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RoomOut(BaseModel):
    id: int
    facility_id: int
    name: str
    kind: RoomKind
    in_service: bool


class RoomCreate(_In):
    name: str = Field(min_length=1, max_length=100)
    kind: RoomKind = RoomKind.IN_PERSON


class RoomPatch(_In):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: RoomKind | None = None
    in_service: Flag | None = Field(None, description="False takes the room out of service")


class SessionOut(BaseModel):
    id: int
    facility_id: int
    weekday: int = Field(description="0 Monday .. 6 Sunday")
    start: str = Field(description="Local wall time HH:MM in the facility's zone")
    end: str
    room_id: int | None = Field(description="Null: every room of the facility")
    valid_from: date | None
    valid_to: date | None = Field(description="Inclusive")


class SessionCreate(_In):
    weekdays: list[whole(0, 6)] = Field(  # type: ignore[valid-type]
        default_factory=list,
        max_length=7,
        description="0 Monday .. 6 Sunday; empty with a range of at most 7 days: its weekdays",
    )
    start: str = Field(pattern=WALL_TIME, description="Local HH:MM")
    end: str = Field(pattern=WALL_TIME, description="Local HH:MM (24:00 for midnight)")
    room_ids: list[RowId] = Field(
        default_factory=list, description="Room overrides: one session per room; empty: all rooms"
    )
    valid_from: Day | None = None
    valid_to: Day | None = Field(None, description="Inclusive")


class ScheduleOut(BaseModel):
    facility_id: int
    timezone: str
    allowed_lengths: list[int] = Field(description="Meeting lengths in minutes")
    buffer_minutes: int = Field(description="Turnover time kept around every meeting")
    length_choices: list[int] = Field(description="Lengths a facility may allow")


class ScheduleIn(_In):
    allowed_lengths: list[MeetingLength] = Field(min_length=1, max_length=len(LENGTH_CHOICES))
    buffer_minutes: whole(0, MAX_BUFFER_MINUTES)  # type: ignore[valid-type]


class AffectedMeetingOut(BaseModel):
    id: int
    reference: str
    room_id: int
    starts_at: datetime
    ends_at: datetime
    needs_rebooking: bool


class ClosureOut(BaseModel):
    id: int
    facility_id: int
    room_id: int | None = Field(description="Null: the whole facility")
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_at: datetime
    affected_meetings: list[AffectedMeetingOut] | None = Field(
        description="The meetings it fell on; shown to the facility's staff only"
    )


class ClosureEnd(_In):
    ends_at: Timestamp = Field(description="Sooner than the closure's end; the hours after it "
                               "are offered to waiting requests")  # fmt: skip


class ClosureCreate(_In):
    room_id: RowId | None = None
    starts_at: Timestamp
    ends_at: Timestamp
    reason: str = Field(min_length=1, max_length=300)
