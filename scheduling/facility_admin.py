"""Detention-centre staff run their rooms, weekly opening sessions and meeting settings.

Every change is validated here (entry points only check the role and the facility scope with
`managed_*`) and audited in the same transaction. Opening sessions are local wall times of the
facility; a session with a room adds hours for that room only (availability.py, story 10), so
overlaps are refused only within one scope: the same weekday, the same room (or the whole
facility) and validity ranges that share a day. Back-to-back sessions are fine ([a, b)).
Adding a session tells the lawyers still waiting for a slot at the facility (story 10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.policy import NotFound
from app.audit.service import record
from app.errors import DomainError, raise_all
from app.orgs.models import Facility
from notifications.kinds import Channel
from notifications.services import notify_user
from scheduling import offers
from scheduling.availability import FacilityPlan, Interval, Session, opening_intervals
from scheduling.kinds import CapacityCause, MeetingStatus, RequestStatus, RoomKind
from scheduling.models import FacilitySchedule, Meeting, MeetingRequest, OpeningSession, Room
from scheduling.video import valid_address

LENGTH_CHOICES: Final = (15, 30, 45, 60, 90, 120, 180)  # minutes a facility may offer
MAX_BUFFER_MINUTES: Final = 120
MINUTES_PER_DAY: Final = 24 * 60
MAX_OVERRIDE_DAYS: Final = 6  # a date range this short may leave the weekdays to the dates
NEW_SLOTS_KIND: Final = "meeting_new_slots"
FREED_AHEAD: Final = timedelta(days=28)  # new hours offered to the waitlist this far ahead
WEEKDAYS: Final = range(7)


@dataclass(frozen=True, slots=True)
class NewSessions:
    """One or more weekly sessions: each weekday x each room (no rooms: the whole facility)."""

    start_minute: int
    end_minute: int
    weekdays: Sequence[int] = ()  # empty with a short date range: the weekdays it covers
    room_ids: Sequence[int] = ()
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive


# --- scope: staff manage their own facility only (404 elsewhere) --------------------------


async def managed_facility(user: User, facility_id: int) -> Facility:
    if user.facility_id is None or user.facility_id != facility_id:
        raise NotFound("facility")
    return await Facility.get(id=facility_id)


async def managed_room(user: User, room_id: int) -> Room:
    room = await Room.get_or_none(id=room_id)
    if room is None or user.facility_id is None or room.facility_id != user.facility_id:
        raise NotFound("room")
    return room


async def managed_session(user: User, session_id: int) -> OpeningSession:
    found = await OpeningSession.get_or_none(id=session_id)
    if found is None or user.facility_id is None or found.facility_id != user.facility_id:
        raise NotFound("opening_session")
    return found


# --- rooms ---------------------------------------------------------------------------------


async def create_room(
    actor: User, facility: Facility, *, name: str, kind: RoomKind, video_address: str = ""
) -> Room:
    raise_all(_room_problems(name, video_address))  # the name and the address, at once
    name, address = _room_name(name), _video_address(video_address)
    if await Room.filter(facility_id=facility.id, name=name).exists():
        raise DomainError("room_name_taken", field="name", status=409)
    async with in_transaction():
        room = await Room.create(facility_id=facility.id, name=name, kind=kind,
                                 video_address=address)  # fmt: skip
        await record(actor, "room.created", "room", room.id, _room_summary(room))
    return room


async def update_room(
    actor: User,
    room: Room,
    *,
    name: str | None = None,
    kind: RoomKind | None = None,
    in_service: bool | None = None,
    video_address: str | None = None,
) -> Room:
    """Rename, change the kind or a video room's fixed address (web or SIP; empty: none), or
    take a room out of (or back into) service."""
    before = _room_summary(room)
    raise_all(_room_problems(room.name if name is None else name, video_address or ""))
    if video_address is not None:
        room.video_address = _video_address(video_address)
    if name is not None:
        name = _room_name(name)
        taken = Room.filter(facility_id=room.facility_id, name=name).exclude(id=room.id)
        if await taken.exists():
            raise DomainError("room_name_taken", field="name", status=409)
        room.name = name
    if kind is not None:
        room.kind = kind
    back_in_service = in_service is True and not room.in_service
    if in_service is not None:
        room.in_service = in_service
    async with in_transaction() as connection:
        await room.save(update_fields=["name", "kind", "in_service", "video_address"])
        if back_in_service:  # its hours are capacity again, for the waitlist
            now = clock.now()
            await offers.free_capacity(room.facility_id, room.id, now, now + FREED_AHEAD,
                                       CapacityCause.ROOM_IN_SERVICE, connection)  # fmt: skip
        await record(actor, "room.updated", "room", room.id,
                     {"before": before, "after": _room_summary(room)})  # fmt: skip
    return room


def _room_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError("required", field="name")
    if len(name) > 100:
        raise DomainError("room_name_too_long", field="name")
    return name


def _room_problems(name: str, video_address: str) -> list[DomainError]:
    problems: list[DomainError] = []
    for check, value in ((_room_name, name), (_video_address, video_address)):
        try:
            check(value)
        except DomainError as exc:
            problems.append(exc)
    return problems


def _video_address(address: str) -> str:
    """A video room's fixed address: an http(s) address or a SIP URI; empty for none."""
    address = address.strip()
    if address and not valid_address(address):
        raise DomainError("video_address_invalid", field="video_address")
    return address


def _room_summary(room: Room) -> dict[str, object]:
    summary: dict[str, object] = {
        "name": room.name, "kind": room.kind.value, "in_service": room.in_service,
    }  # fmt: skip
    if room.video_address:
        summary["video_address"] = room.video_address
    return summary


# --- opening sessions ----------------------------------------------------------------------


async def add_sessions(
    actor: User, facility: Facility, new: NewSessions, public_url: str = ""
) -> list[OpeningSession]:
    """Add the sessions, all or none, and tell lawyers waiting at the facility (story 10)."""
    weekdays = _weekdays(new)
    rooms = await _rooms_of(facility, new.room_ids)
    scopes: list[int | None] = [*rooms] or [None]
    made = [
        OpeningSession(
            facility_id=facility.id,
            weekday=weekday,
            start_minute=new.start_minute,
            end_minute=new.end_minute,
            room_id=room_id,
            valid_from=new.valid_from,
            valid_to=new.valid_to,
        )
        for weekday in weekdays
        for room_id in scopes
    ]
    existing = await OpeningSession.filter(facility_id=facility.id)
    for session in made:
        if any(_clash(session, other) for other in existing):
            raise DomainError("session_overlaps", field="start", status=409)
    async with in_transaction():
        for session in made:
            await session.save()
            await record(actor, "opening_session.added", "opening_session", session.id,
                         session_summary(session))  # fmt: skip
        await _free_new_hours(facility, made)
        await _tell_waiting_lawyers(facility, made, public_url)
    return made


async def delete_session(actor: User, session: OpeningSession) -> None:
    """Remove a session. Booked meetings stay: staff rebook them if they must."""
    summary = session_summary(session)
    async with in_transaction():
        await OpeningSession.filter(id=session.id).delete()
        await record(actor, "opening_session.deleted", "opening_session", session.id, summary)


def session_summary(session: OpeningSession) -> dict[str, object]:
    return {
        "facility": session.facility_id,
        "weekday": session.weekday,
        "start": wall_clock(session.start_minute),
        "end": wall_clock(session.end_minute),
        "room": session.room_id,
        "valid_from": session.valid_from,
        "valid_to": session.valid_to,
    }


def wall_clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_wall(text: str, field: str) -> int:
    """'HH:MM' (24:00 allowed, for a session running to midnight) as minutes after midnight."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or len(minutes) != 2 or not minutes.isdigit():
        raise DomainError("time_invalid", field=field)
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > MINUTES_PER_DAY:
        raise DomainError("time_invalid", field=field)
    return value


def _weekdays(new: NewSessions) -> list[int]:
    """The sessions' weekdays, or every field at fault at once (times, validity, weekdays)."""
    problems: list[DomainError] = []
    if not 0 <= new.start_minute < MINUTES_PER_DAY or not 0 < new.end_minute <= MINUTES_PER_DAY:
        problems.append(DomainError("session_outside_day", field="start"))
    elif new.end_minute <= new.start_minute:
        problems.append(DomainError("session_ends_before_start", field="end"))
    if new.valid_from and new.valid_to and new.valid_to < new.valid_from:
        problems.append(DomainError("valid_to_before_valid_from", field="valid_to"))
    elif new.valid_to and new.valid_to < clock.now().date() - timedelta(days=1):
        problems.append(DomainError("session_in_past", field="valid_to"))
    weekdays: list[int] = []
    first, last = new.valid_from, new.valid_to
    if any(day not in WEEKDAYS for day in new.weekdays):
        problems.append(DomainError("weekday_invalid", field="weekdays"))
    elif new.weekdays:
        weekdays = sorted(set(new.weekdays))
    elif first and last and (last - first).days <= MAX_OVERRIDE_DAYS:
        days = (last - first).days + 1
        weekdays = sorted({(first + timedelta(days=n)).weekday() for n in range(days)})
    else:
        problems.append(DomainError("weekdays_required", field="weekdays"))
    raise_all(problems)
    return weekdays


async def _rooms_of(facility: Facility, room_ids: Sequence[int]) -> list[int]:
    wanted = set(room_ids)
    found = {r.id for r in await Room.filter(facility_id=facility.id, id__in=wanted)}
    if found != wanted:
        raise DomainError("room_unavailable", field="room_ids")
    return sorted(found)


def _clash(new: OpeningSession, other: OpeningSession) -> bool:
    """Same weekday and scope, validity sharing a day, and times overlapping."""
    return (
        new.weekday == other.weekday
        and new.room_id == other.room_id
        and (new.valid_to is None or other.valid_from is None or other.valid_from <= new.valid_to)
        and (other.valid_to is None or new.valid_from is None or new.valid_from <= other.valid_to)
        and new.start_minute < other.end_minute
        and other.start_minute < new.end_minute
    )


async def _free_new_hours(facility: Facility, sessions: Sequence[OpeningSession]) -> None:
    """The new sessions' hours over the coming weeks, offered to the waitlist."""
    now = clock.now()
    window = Interval(now, now + FREED_AHEAD)
    plan = FacilityPlan(
        zone=ZoneInfo(facility.timezone), room_ids=[], sessions=[_session_of(s) for s in sessions]
    )
    for session in sessions:
        room = session.room_id if session.room_id is not None else 0  # 0: any room
        for span in opening_intervals(replace(plan, sessions=[_session_of(session)]), room, window):
            await offers.free_capacity(facility.id, session.room_id, span.start, span.end,
                                       CapacityCause.HOURS_ADDED)  # fmt: skip


def _session_of(session: OpeningSession) -> Session:
    return Session(
        session.weekday, time(session.start_minute // 60, session.start_minute % 60),
        time(session.end_minute // 60, session.end_minute % 60)
        if session.end_minute < 24 * 60 else time(23, 59),
        session.room_id if session.room_id is not None else None,
        session.valid_from, session.valid_to,
    )  # fmt: skip


async def _tell_waiting_lawyers(
    facility: Facility, sessions: Sequence[OpeningSession], public_url: str
) -> None:
    """One in-app notice per lawyer with a request still waiting for a slot here."""
    waiting = MeetingRequest.filter(facility_id=facility.id, status=RequestStatus.REQUESTED)
    lawyer_ids = set(await waiting.values_list("lawyer_id", flat=True))
    to_rebook = Meeting.filter(
        room__facility_id=facility.id, status=MeetingStatus.ACTIVE, needs_rebooking=True
    )
    lawyer_ids |= set(await to_rebook.values_list("lawyer_id", flat=True))
    if not lawyer_ids:
        return
    first = sessions[0]
    room_ids = {s.room_id for s in sessions if s.room_id is not None}
    payload = {
        "facility": facility.name,
        "weekdays": sorted({s.weekday for s in sessions}),
        "start": wall_clock(first.start_minute),
        "end": wall_clock(first.end_minute),
        "valid_from": first.valid_from.isoformat() if first.valid_from else "",
        "valid_to": first.valid_to.isoformat() if first.valid_to else "",
        "rooms": await Room.filter(id__in=room_ids).order_by("name").values_list("name", flat=True),
        "url": f"{public_url}/facilities/{facility.id}/hours",
    }
    for lawyer in await User.filter(id__in=lawyer_ids).order_by("id"):
        await notify_user(lawyer, NEW_SLOTS_KIND, payload, channels=(Channel.INAPP,))


# --- meeting lengths and turnover buffer -------------------------------------------------


def lengths_problems(lengths: Sequence[int]) -> list[DomainError]:
    """What is wrong with a facility's choice of meeting lengths (none, or one not offered)."""
    if not lengths:
        return [DomainError("lengths_required", field="allowed_lengths")]
    if any(length not in LENGTH_CHOICES for length in lengths):
        return [DomainError("length_not_offered", field="allowed_lengths")]
    return []


async def set_schedule(
    actor: User, facility: Facility, *, allowed_lengths: Sequence[int], buffer_minutes: int
) -> FacilitySchedule:
    lengths = sorted(set(allowed_lengths))
    problems = lengths_problems(lengths)  # every field at fault, at once
    if not 0 <= buffer_minutes <= MAX_BUFFER_MINUTES:
        problems.append(DomainError("buffer_out_of_range", field="buffer_minutes"))
    raise_all(problems)
    async with in_transaction():
        row, _created = await FacilitySchedule.get_or_create(facility_id=facility.id)
        before = {"allowed_lengths": list(row.allowed_lengths), "buffer": row.buffer_minutes}
        row.allowed_lengths = lengths
        row.buffer_minutes = buffer_minutes
        await row.save()
        await record(actor, "facility_schedule.updated", "facility", facility.id,
                     {"before": before,
                      "after": {"allowed_lengths": lengths, "buffer": buffer_minutes}})  # fmt: skip
    return row
