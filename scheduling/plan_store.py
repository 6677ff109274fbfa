"""Reads one facility's rooms, sessions, closures and meetings into an availability plan.

One SQL statement, one round trip: the rows of every kind (facility zone, schedule, rooms,
opening sessions, closures, busy meetings of the rooms and of the lawyer and detainee) come
back as one UNION ALL, tagged by kind, through the Tortoise connection in use (so inside a
booking's transaction it reads what that transaction sees). Both dialects run the same text
with their own placeholders; PostgreSQL gets typed NULLs so the union's column types agree.

The meetings are read with a margin of the largest buffer a facility may set, because the
facility's buffer comes back in the same statement; the rows are then cut to the buffer
exactly, so the plan holds what a query with the buffer known beforehand would have read.
A buffer larger than the margin (set outside the application) costs a second statement.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import DoesNotExist

from app import clock
from app.orgs.models import Facility
from scheduling.availability import Closure as ClosureSpan
from scheduling.availability import FacilityPlan, Interval, Session, checked_interval
from scheduling.kinds import DEFAULT_LENGTHS, MeetingStatus, OfferStatus, RoomKind
from scheduling.models import FacilitySchedule, Meeting

DEFAULT_BUFFER_MINUTES = 10
# The largest buffer facility_admin accepts: meetings are read this far around the window.
MARGIN: Final = timedelta(minutes=120)

# A literal, not a parameter: PostgreSQL can then use the partial indexes of active meetings
# (migration 0011) in a cached generic plan instead of planning the statement every time.
_ACTIVE: Final = f"'{MeetingStatus.ACTIVE.value}'"
_OPEN: Final = f"'{OfferStatus.OPEN.value}'"
_ZONE, _SCHEDULE, _ROOM, _SESSION, _CLOSURE, _ROOM_BUSY, _PARTY_BUSY = range(7)


async def schedule_of(facility_id: int) -> tuple[list[int], timedelta]:
    """Allowed meeting lengths (minutes) and the turnover buffer of a facility."""
    row = await FacilitySchedule.get_or_none(facility_id=facility_id)
    if row is None:
        return list(DEFAULT_LENGTHS), timedelta(minutes=DEFAULT_BUFFER_MINUTES)
    return list(row.allowed_lengths), timedelta(minutes=row.buffer_minutes)


@dataclass(frozen=True)
class LoadedPlan:
    """What one statement read: the plan with every busy meeting, and the facility's lengths.

    ``plan(exclude=..., room_id=..., holder=...)`` narrows it without another query: leave
    out a meeting being moved, keep one room, or free the slot a request's own offer holds.
    Open offers are room rows under the negative id of their request (``_held``).
    """

    whole: FacilityPlan
    allowed_lengths: list[int]
    room_meetings: dict[int, list[tuple[int, Interval]]]  # room -> (meeting id, span)
    party_meetings: list[tuple[int, Interval]]

    def plan(
        self, *, exclude: int | None = None, room_id: int | None = None, holder: int | None = None
    ) -> FacilityPlan:
        if exclude is None and room_id is None and holder is None:
            return self.whole
        rooms = [r for r in self.whole.room_ids if room_id is None or r == room_id]
        held = None if holder is None else -holder
        return replace(
            self.whole,
            room_ids=rooms,
            room_busy={
                room: [span for meeting, span in rows if meeting not in (exclude, held)]
                for room, rows in self.room_meetings.items()
                if room in rooms
            },
            party_busy=[span for meeting, span in self.party_meetings if meeting != exclude],
        )


async def load_plan(
    facility: Facility | int,
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
    loaded = await load(
        facility, window, room_kind=room_kind, room_id=room_id, detainee_id=detainee_id,
        lawyer_id=lawyer_id, connection=connection,
    )  # fmt: skip
    return loaded.plan(exclude=exclude_meeting_id)


async def load(
    facility: Facility | int,
    window: Interval,
    *,
    room_kind: RoomKind | None = None,
    room_id: int | None = None,
    detainee_id: int | None = None,
    lawyer_id: int | None = None,
    connection: BaseDBAsyncClient | None = None,
) -> LoadedPlan:
    """The plan of ``window`` and the facility's allowed lengths, in one statement.

    ``facility`` may be its id: the zone is then read in the same statement.
    """
    client = connection if connection is not None else Meeting._meta.db
    query = _Query(client.capabilities.dialect == "postgres")
    if isinstance(facility, int):
        facility_id, zone = facility, None
        query.zone(facility_id)
    else:
        facility_id, zone = facility.id, facility.timezone
    near = Interval(window.start - MARGIN, window.end + MARGIN)
    query.union(facility_id, room_kind, room_id, detainee_id, lawyer_id, window, near)
    lengths, minutes = list(DEFAULT_LENGTHS), DEFAULT_BUFFER_MINUTES
    rooms: list[int] = []
    sessions: list[Session] = []
    closures: list[ClosureSpan] = []
    busy: list[Any] = []
    for row in (await client.execute_query(query.text(), query.values))[1]:
        kind, room, a, b, c, starts_at, ends_at, text_a, text_b = row
        if kind >= _ROOM_BUSY:
            busy.append(row)
        elif kind == _ROOM:
            rooms.append(room)
        elif kind == _SESSION:
            sessions.append(Session(a, _wall(b), _wall(c), room, _day(text_a), _day(text_b)))
        elif kind == _CLOSURE:
            closures.append(ClosureSpan(_span(starts_at, ends_at), room))
        elif kind == _SCHEDULE:
            lengths, minutes = list(json.loads(text_a)), room
        elif kind == _ZONE:
            zone = text_a
    if zone is None:
        raise DoesNotExist(Facility)
    buffer = timedelta(minutes=minutes)
    near = Interval(window.start - buffer, window.end + buffer)
    if buffer > MARGIN:  # only a buffer set outside the application: read the rest
        extra = _Query(query.postgres)
        extra.busy(facility_id, room_kind, room_id, detainee_id, lawyer_id, near)
        busy = list((await client.execute_query(extra.text(), extra.values))[1])
    room_meetings, party_meetings = _meetings(busy, near)
    whole = FacilityPlan(
        zone=ZoneInfo(zone),
        room_ids=rooms,
        sessions=sessions,
        closures=closures,
        buffer=buffer,
        room_busy={room: [s for _m, s in spans] for room, spans in room_meetings.items()},
        party_busy=[s for _m, s in party_meetings],
    )
    return LoadedPlan(whole, lengths, room_meetings, party_meetings)


def _meetings(
    rows: list[Any], near: Interval
) -> tuple[dict[int, list[tuple[int, Interval]]], list[tuple[int, Interval]]]:
    """The busy rows meeting ``near`` (the window widened by the facility's own buffer)."""
    rooms: dict[int, list[tuple[int, Interval]]] = {}
    parties: list[tuple[int, Interval]] = []
    near_start, near_end = near.start, near.end
    for kind, room, meeting, _b, _c, starts_at, ends_at, _text_a, _text_b in rows:
        if not isinstance(starts_at, datetime) or starts_at.tzinfo is not UTC:
            starts_at, ends_at = _instant(starts_at), _instant(ends_at)
        if starts_at < near_end and ends_at > near_start:
            # Aware UTC instants (above); a row ending before it starts keeps the full check.
            span = (
                checked_interval(starts_at, ends_at)
                if starts_at < ends_at
                else Interval(starts_at, ends_at)
            )
            (rooms.setdefault(room, []) if kind == _ROOM_BUSY else parties).append((meeting, span))
    return rooms, parties


class _Query:
    """The UNION ALL, with the dialect's placeholders ($n or ?) and typed NULLs."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.parts: list[str] = []
        self.values: list[Any] = []
        self.null_int = "CAST(NULL AS INTEGER)" if postgres else "NULL"
        self.null_time = "CAST(NULL AS TIMESTAMPTZ)" if postgres else "NULL"
        self.null_text = "CAST(NULL AS TEXT)"

    def text(self) -> str:
        return "\nUNION ALL\n".join(self.parts)

    def param(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.postgres else "?"

    def select(self, kind: int, columns: Sequence[str | None], rest: str) -> None:
        """One branch: kind, room, three integers, two instants, two texts."""
        nulls = [self.null_int] * 4 + [self.null_time] * 2 + [self.null_text] * 2
        listed = [given or null for given, null in zip(columns, nulls, strict=True)]
        # Only fixed column names and placeholders are spliced in; every value is a parameter.
        self.parts.append(f"SELECT {kind}, {', '.join(listed)} {rest}")

    def meets(self, span: Interval) -> str:
        return f" AND starts_at < {self.param(span.end)} AND ends_at > {self.param(span.start)}"

    def rooms(self, facility_id: int, room_kind: RoomKind | None, room_id: int | None) -> str:
        where = f"facility_id = {self.param(facility_id)} AND in_service"
        if room_kind is not None:
            where += f" AND kind = {self.param(room_kind.value)}"
        if room_id is not None:
            where += f" AND id = {self.param(room_id)}"
        return where

    def zone(self, facility_id: int) -> None:
        columns = [None] * 6 + ["timezone", None]
        self.select(_ZONE, columns, f"FROM facility WHERE id = {self.param(facility_id)}")

    def union(
        self,
        facility_id: int,
        room_kind: RoomKind | None,
        room_id: int | None,
        detainee_id: int | None,
        lawyer_id: int | None,
        window: Interval,
        near: Interval,
    ) -> None:

        def own() -> str:  # a placeholder per use: SQLite's "?" are positional
            return f"facility_id = {self.param(facility_id)}"

        schedule = ["buffer_minutes", *[None] * 5, "CAST(allowed_lengths AS TEXT)", None]
        self.select(_SCHEDULE, schedule, f"FROM facility_schedule WHERE {own()}")
        rooms = self.rooms(facility_id, room_kind, room_id)
        self.select(_ROOM, ["id", *[None] * 7], f"FROM room WHERE {rooms}")
        session = ["room_id", "weekday", "start_minute", "end_minute", None, None,
                   "CAST(valid_from AS TEXT)", "CAST(valid_to AS TEXT)"]  # fmt: skip
        self.select(_SESSION, session, f"FROM opening_session WHERE {own()}")
        closure = ["room_id", None, None, None, "starts_at", "ends_at", None, None]
        self.select(_CLOSURE, closure, f"FROM closure WHERE {own()}{self.meets(window)}")
        self.busy(facility_id, room_kind, room_id, detainee_id, lawyer_id, near)

    def busy(
        self,
        facility_id: int,
        room_kind: RoomKind | None,
        room_id: int | None,
        detainee_id: int | None,
        lawyer_id: int | None,
        near: Interval,
    ) -> None:
        columns = ["room_id", "id", None, None, "starts_at", "ends_at", None, None]
        active = f"FROM meeting WHERE status = {_ACTIVE}"
        wanted = self.rooms(facility_id, room_kind, room_id)
        rooms = f"room_id IN (SELECT id FROM room WHERE {wanted})"  # noqa: S608 - placeholders
        self.select(_ROOM_BUSY, columns, f"{active} AND {rooms}{self.meets(near)}")
        self._held(facility_id, room_kind, room_id, near)
        pairs = [
            (c, v)
            for c, v in (("detainee_id", detainee_id), ("lawyer_id", lawyer_id))
            if v is not None
        ]
        if pairs:  # placeholders in the order of the text
            active = f"FROM meeting WHERE status = {_ACTIVE}"
            parties = " OR ".join(f"{column} = {self.param(value)}" for column, value in pairs)
            where = f"{active} AND ({parties}){self.meets(near)}"
            self.select(_PARTY_BUSY, [None, *columns[1:]], where)

    def _held(
        self, facility_id: int, room_kind: RoomKind | None, room_id: int | None, near: Interval
    ) -> None:
        """Slots held by open offers (scheduling.offers) are busy for everyone but the
        request they are offered to: its id, negated, stands where a meeting's would."""
        columns = ["room_id", "0 - request_id", None, None, "starts_at", "ends_at", None, None]
        now = self.param(clock.now())  # before the rooms': SQLite's "?" are positional
        wanted = self.rooms(facility_id, room_kind, room_id)
        rooms = f"room_id IN (SELECT id FROM room WHERE {wanted})"  # noqa: S608 - placeholders
        where = f"FROM slot_offer WHERE status = {_OPEN} AND expires_at > {now} AND {rooms}"
        self.select(_ROOM_BUSY, columns, f"{where}{self.meets(near)}")


def _instant(value: datetime | str) -> datetime:
    # asyncpg gives aware datetimes; SQLite gives the ISO text Tortoise stored.
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    # asyncpg's instants are in UTC already (datetime.UTC is timezone.utc).
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def _span(start: datetime | str, end: datetime | str) -> Interval:
    return Interval(_instant(start), _instant(end))


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _wall(minute: int) -> time:
    return time(minute // 60, minute % 60)
