"""The database itself refuses overlapping meetings, whatever writes them (migration 0007)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError

from scheduling.booking import book
from scheduling.models import Meeting
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import SHANGHAI, Party, Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
_refs = itertools.count(1)


async def raw_insert(
    party: Party, room_id: int, start: datetime, end: datetime, status: str = "active"
) -> None:
    """An INSERT written by hand, bypassing the application and its checks."""
    connection = Tortoise.get_connection("default")
    postgres = connection.capabilities.dialect == "postgres"
    n = next(_refs)

    def when(moment: datetime) -> object:
        # SQLite gets text in Beijing time, so the triggers must compare instants, not text.
        return moment if postgres else moment.astimezone(SHANGHAI).isoformat(" ")

    values = [
        party.request.id, room_id, party.lawyer.id, party.detainee.id, when(start), when(end),
        status, f"RAW{n:05d}", 0, f"raw-{n}@test", when(datetime.now(SHANGHAI)), "",
    ]  # fmt: skip
    marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, len(values) + 1))
    await connection.execute_query(
        "INSERT INTO meeting (request_id, room_id, lawyer_id, detainee_id, starts_at, ends_at, "
        f"status, reference, sequence, uid, created_at, cancel_reason) VALUES ({marks})",
        values,
    )


@pytest.fixture
async def place() -> Place:
    return await make_place(rooms=2)


async def test_room_overlap_is_refused(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await raw_insert(first, place.rooms[0].id, local(9), local(10))
    with pytest.raises(IntegrityError, match="room"):
        await raw_insert(second, place.rooms[0].id, local(9, 30), local(10, 30))
    assert await Meeting.all().count() == 1


async def test_detainee_overlap_in_another_room_is_refused(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await raw_insert(first, place.rooms[0].id, local(9), local(10))
    second.detainee = first.detainee  # another lawyer, the same detainee
    with pytest.raises(IntegrityError, match="detainee"):
        await raw_insert(second, place.rooms[1].id, local(9, 59), local(11))


async def test_lawyer_overlap_in_another_room_is_refused(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await raw_insert(first, place.rooms[0].id, local(9), local(10))
    second.lawyer = first.lawyer  # the same lawyer, another detainee
    with pytest.raises(IntegrityError, match="lawyer"):
        await raw_insert(second, place.rooms[1].id, local(8), local(9, 1))


async def test_back_to_back_meetings_are_accepted(place: Place) -> None:
    party = await make_party(place)
    await raw_insert(party, place.rooms[0].id, local(9), local(10))
    await raw_insert(party, place.rooms[0].id, local(10), local(11))
    await raw_insert(party, place.rooms[0].id, local(8), local(9))
    assert await Meeting.all().count() == 3


async def test_a_cancelled_meeting_frees_its_slot(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await raw_insert(first, place.rooms[0].id, local(9), local(10))
    await Meeting.all().update(status="cancelled")
    await raw_insert(second, place.rooms[0].id, local(9), local(10))
    assert await Meeting.filter(status="active").count() == 1


async def test_a_cancelled_meeting_may_overlap_an_active_one(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await raw_insert(first, place.rooms[0].id, local(9), local(10))
    await raw_insert(second, place.rooms[0].id, local(9), local(10), status="cancelled")
    assert await Meeting.all().count() == 2


async def test_reactivating_a_cancelled_meeting_into_a_taken_slot_is_refused(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await raw_insert(first, place.rooms[0].id, local(9), local(10))
    await raw_insert(second, place.rooms[0].id, local(9), local(10), status="cancelled")
    with pytest.raises(IntegrityError, match="room"):
        await Meeting.filter(status="cancelled").update(status="active")


async def test_moving_a_meeting_onto_another_is_refused(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await raw_insert(first, place.rooms[0].id, local(9), local(10))
    await raw_insert(second, place.rooms[0].id, local(10), local(11))
    with pytest.raises(IntegrityError, match="room"):
        await Meeting.filter(lawyer_id=second.lawyer.id).update(starts_at=local(9, 45))


async def test_a_meeting_must_end_after_it_starts(place: Place) -> None:
    party = await make_party(place)
    with pytest.raises(IntegrityError, match="ends_after_start"):
        await raw_insert(party, place.rooms[0].id, local(10), local(10))


async def test_a_raw_insert_over_a_booked_meeting_is_refused(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await book(
        first.lawyer, first.request, place.rooms[0], local(9), timedelta(hours=1), notices=NOTICES
    )
    with pytest.raises(IntegrityError, match="room"):
        await raw_insert(second, place.rooms[0].id, local(9, 59), local(10, 30))


async def test_the_overlap_guards_are_installed(place: Place) -> None:
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect == "postgres":
        _, rows = await connection.execute_query(
            "SELECT conname AS name FROM pg_constraint WHERE conrelid = 'meeting'::regclass "
            "AND contype = 'x'"
        )
        expected = {f"meeting_no_{party}_overlap" for party in ("room", "detainee", "lawyer")}
    else:
        _, rows = await connection.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'meeting'"
            " AND name LIKE 'meeting_guard%'"  # not the duty ledger's marks (migration 0012)
        )
        expected = {"meeting_guard_insert", "meeting_guard_update"}
    assert {row["name"] for row in rows} == expected
