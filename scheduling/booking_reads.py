"""What a booking needs before it starts, read in one statement.

The request (in the user's scope, as ``scopes.visible_row``), the meeting booked earlier with
the request's lawyer's idempotency key, and the room asked for if it is in service at the
request's facility: one joined row instead of three queries on every booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from tortoise.models import Model

from app.accounts.models import User
from app.accounts.policy import NotFound
from app.accounts.scopes import scope_column, visible_row
from scheduling.booking import same_request
from scheduling.models import Meeting, MeetingRequest, Room


@dataclass(frozen=True)
class BookingReads:
    request: MeetingRequest
    earlier: Meeting | None  # booked earlier with the key, for this request (else a 409)
    room: Room | None  # the room asked for, in service at the request's facility


async def for_booking(
    user: User, request_id: int, key: str | None, room_id: int | None
) -> BookingReads:
    """Raises NotFound for a request outside the user's scope, DomainError (409) for a key
    already used for another request."""
    scope = scope_column(MeetingRequest, user)
    if scope is None:  # a rule wider than one column (investigators, auditors): three queries
        request = await visible_row(MeetingRequest, user, request_id)
        found = None
        if key:
            found = await Meeting.get_or_none(lawyer_id=request.lawyer_id, idempotency_key=key)
        room = None
        if room_id is not None:
            room = await Room.get_or_none(
                id=room_id, facility_id=request.facility_id, in_service=True
            )
        return BookingReads(request, same_request(found, request) if found else None, room)
    client = MeetingRequest._meta.db
    postgres = client.capabilities.dialect == "postgres"
    column, value = scope
    values = [key, room_id, request_id, value]
    rows = (await client.execute_query(_statement(postgres, column), values))[1]
    if not rows:
        raise NotFound("meeting_request")
    row = dict(rows[0])
    request = MeetingRequest._init_from_db(**_take(row, "", MeetingRequest))
    earlier_row, room_row = _take(row, "m_", Meeting), _take(row, "r_", Room)
    earlier = Meeting._init_from_db(**earlier_row) if earlier_row["id"] is not None else None
    room = Room._init_from_db(**room_row) if room_row["id"] is not None else None
    return BookingReads(request, same_request(earlier, request) if earlier else None, room)


def _columns(model: type[Model]) -> list[str]:
    return list(model._meta.fields_db_projection.values())


def _take(row: dict[str, Any], prefix: str, model: type[Model]) -> dict[str, Any]:
    return {column: row[prefix + column] for column in _columns(model)}


@cache
def _statement(postgres: bool, scope_column: str) -> str:
    """Written once per dialect and scope column: it runs on every booking."""
    p = [f"${n}" for n in range(1, 5)] if postgres else ["?"] * 4
    listed = [f"q.{c}" for c in _columns(MeetingRequest)]
    listed += [f"m.{c} AS m_{c}" for c in _columns(Meeting)]
    listed += [f"r.{c} AS r_{c}" for c in _columns(Room)]
    # Only model column names are spliced in; every value is a parameter.
    return (
        f"SELECT {', '.join(listed)} FROM meeting_request AS q"  # noqa: S608
        f" LEFT JOIN meeting AS m ON m.lawyer_id = q.lawyer_id AND m.idempotency_key = {p[0]}"
        f" LEFT JOIN room AS r ON r.id = {p[1]} AND r.facility_id = q.facility_id"
        f" AND r.in_service WHERE q.id = {p[2]} AND q.{scope_column} = {p[3]}"
    )
