"""Reads one facility's rooms, sessions, closures and meetings into an availability plan."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from app.orgs.models import Facility
from scheduling.availability import Closure as ClosureSpan
from scheduling.availability import FacilityPlan, Interval, Session
from scheduling.kinds import DEFAULT_LENGTHS, MeetingStatus, RoomKind
from scheduling.models import Closure, FacilitySchedule, Meeting, OpeningSession, Room

DEFAULT_BUFFER_MINUTES = 10


async def schedule_of(facility_id: int) -> tuple[list[int], timedelta]:
    """Allowed meeting lengths (minutes) and the turnover buffer of a facility."""
    row = await FacilitySchedule.get_or_none(facility_id=facility_id)
    if row is None:
        return list(DEFAULT_LENGTHS), timedelta(minutes=DEFAULT_BUFFER_MINUTES)
    return list(row.allowed_lengths), timedelta(minutes=row.buffer_minutes)


async def load_plan(
    facility: Facility,
    window: Interval,
    *,
    room_kind: RoomKind | None = None,
    room_id: int | None = None,
    detainee_id: int | None = None,
    lawyer_id: int | None = None,
    exclude_meeting_id: int | None = None,
    connection: BaseDBAsyncClient | None = None,
) -> FacilityPlan:
    """Everything free_slots needs for ``window``: rooms in service (of a kind, or one room)."""
    rooms = Room.filter(facility_id=facility.id, in_service=True).using_db(connection)
    if room_kind is not None:
        rooms = rooms.filter(kind=room_kind)
    if room_id is not None:
        rooms = rooms.filter(id=room_id)
    room_ids = [room.id for room in await rooms]
    _lengths, buffer = await schedule_of(facility.id)
    # Meetings within a buffer of the window still push slots inside it away.
    near = Interval(window.start - buffer, window.end + buffer)
    active = Meeting.filter(
        status=MeetingStatus.ACTIVE, starts_at__lt=near.end, ends_at__gt=near.start
    ).using_db(connection)
    if exclude_meeting_id is not None:
        active = active.exclude(id=exclude_meeting_id)
    room_busy: dict[int, list[Interval]] = {}
    # Three columns, not whole Meeting objects: a week of a busy facility is hundreds of rows.
    rows = await active.filter(room_id__in=room_ids).values_list("room_id", "starts_at", "ends_at")
    for room, starts_at, ends_at in rows:
        room_busy.setdefault(room, []).append(_span(starts_at, ends_at))
    parties = Q(detainee_id=detainee_id) | Q(lawyer_id=lawyer_id)
    party_busy = [
        _span(starts_at, ends_at)
        for starts_at, ends_at in await active.filter(parties).values_list("starts_at", "ends_at")
    ]
    closures = await Closure.filter(
        facility_id=facility.id, starts_at__lt=window.end, ends_at__gt=window.start
    ).using_db(connection)
    sessions = await OpeningSession.filter(facility_id=facility.id).using_db(connection)
    return FacilityPlan(
        zone=ZoneInfo(facility.timezone),
        room_ids=room_ids,
        sessions=[
            Session(
                s.weekday,
                _wall(s.start_minute),
                _wall(s.end_minute),
                s.room_id,
                s.valid_from,
                s.valid_to,
            )
            for s in sessions
        ],
        closures=[ClosureSpan(_span(c.starts_at, c.ends_at), c.room_id) for c in closures],
        buffer=buffer,
        room_busy=room_busy,
        party_busy=party_busy,
    )


def _span(start: datetime, end: datetime) -> Interval:
    return Interval(start.astimezone(UTC), end.astimezone(UTC))


def _wall(minute: int) -> time:
    return time(minute // 60, minute % 60)
