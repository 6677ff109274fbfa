"""Closures of a facility or a room (story 4): meetings hit are flagged for rebooking and each
lawyer is told at once with alternatives that still meet the 48-hour limit; all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.audit.models import AuditEntry
from app.errors import DomainError
from notifications.kinds import Channel
from notifications.models import Notification
from notifications.services import notify_user
from scheduling import closures
from scheduling.booking import book, cancel
from scheduling.closures import add_closure, remove_closure
from scheduling.models import Closure, Meeting, MeetingRequest, OpeningSession
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import (
    Party,
    Place,
    local,
    make_party,
    make_place,
    meeting_day,
)

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)


@pytest.fixture
async def place() -> Place:
    return await make_place(rooms=2)


async def booked(place: Place, room: int, hour: int, phone: str = "") -> tuple[Party, Meeting]:
    party = await make_party(place)
    if phone:
        party.lawyer.phone = phone
        await party.lawyer.save(update_fields=["phone"])
    meeting = await book(
        party.lawyer, party.request, place.rooms[room], local(hour), HOUR, notices=NOTICES
    )
    return party, meeting


async def close(place: Place, start: int, end: int, room: int | None = None) -> Closure:
    return await add_closure(
        place.staff, place.facility, room=place.rooms[room] if room is not None else None,
        starts_at=local(start), ends_at=local(end), reason="消防演练 fire drill",
    )  # fmt: skip


async def flagged() -> set[int]:
    return {m.id for m in await Meeting.filter(needs_rebooking=True)}


async def test_a_facility_closure_flags_every_meeting_it_overlaps(place: Place) -> None:
    _a, first = await booked(place, 0, 9)
    _b, second = await booked(place, 1, 10)
    _c, later = await booked(place, 0, 14)
    closure = await close(place, 9, 12)
    assert await flagged() == {first.id, second.id}
    stored = await Meeting.get(id=first.id)
    assert stored.closure_id == closure.id
    assert (await Meeting.get(id=later.id)).closure_id is None


async def test_a_room_closure_flags_only_that_rooms_meetings(place: Place) -> None:
    _a, in_room = await booked(place, 0, 9)
    await booked(place, 1, 9)
    await close(place, 8, 12, room=0)
    assert await flagged() == {in_room.id}


async def test_back_to_back_meetings_are_not_hit(place: Place) -> None:
    # [9, 10) ends as the closure [10, 12) starts; [12, 13) starts as it ends.
    await booked(place, 0, 9)
    await booked(place, 1, 12)
    await close(place, 10, 12)
    assert await flagged() == set()


async def test_a_cancelled_meeting_is_not_hit(place: Place) -> None:
    _party, meeting = await booked(place, 0, 9)
    await cancel(place.staff, meeting, "moved by phone", notices=NOTICES)
    await close(place, 8, 12)
    assert await flagged() == set()
    assert await Notification.filter(template=closures.REBOOKING_KIND).count() == 0


async def test_each_lawyer_is_told_by_email_sms_and_inbox(place: Place) -> None:
    first, meeting = await booked(place, 0, 9, phone="+8613800000091")
    second, _other = await booked(place, 1, 10)  # no phone number: no SMS
    await close(place, 8, 12)
    sent = await Notification.filter(template=closures.REBOOKING_KIND)
    channels = {(n.recipient_id, n.channel) for n in sent}
    assert channels == {
        (first.lawyer.id, Channel.INAPP), (first.lawyer.id, Channel.EMAIL),
        (first.lawyer.id, Channel.SMS), (second.lawyer.id, Channel.INAPP),
        (second.lawyer.id, Channel.EMAIL),
    }  # fmt: skip
    mine = next(n for n in sent if n.recipient_id == first.lawyer.id)
    assert mine.payload["reference"] == meeting.reference
    assert mine.payload["reason"] == "消防演练 fire drill"


async def test_the_alternatives_avoid_the_closure_and_end_before_the_deadline(
    place: Place,
) -> None:
    # Open on the meeting day only, so the first free time is the day's, not tomorrow's.
    day = meeting_day()
    await OpeningSession.filter(facility_id=place.facility.id).delete()
    await OpeningSession.create(facility=place.facility, weekday=day.weekday(), start_minute=480,
                                end_minute=1080, valid_from=day, valid_to=day)  # fmt: skip
    party, _meeting = await booked(place, 0, 9)
    await MeetingRequest.filter(id=party.request.id).update(deadline_at=local(13, 15))
    await close(place, 8, 12)
    notice = await Notification.get(template=closures.REBOOKING_KIND, channel=Channel.INAPP)
    offered = [(o["starts_at"][11:], o["ends_at"][11:]) for o in notice.payload["alternatives"]]
    assert offered == [("12:00", "13:00"), ("12:15", "13:15")]
    assert notice.payload["deadline"].endswith("13:15")


async def test_no_alternative_is_offered_once_the_deadline_has_passed(place: Place) -> None:
    party, _meeting = await booked(place, 0, 9)
    past = datetime.now(UTC) - HOUR
    await MeetingRequest.filter(id=party.request.id).update(deadline_at=past)
    await close(place, 8, 12)
    notice = await Notification.get(template=closures.REBOOKING_KIND, channel=Channel.INAPP)
    assert notice.payload["alternatives"] == []


async def test_the_closure_and_each_flag_are_audited(place: Place) -> None:
    _party, meeting = await booked(place, 0, 9)
    closure = await close(place, 8, 12)
    entry = await AuditEntry.get(action="closure.added")
    assert entry.object_id == str(closure.id)
    assert entry.summary["meetings"] == [meeting.reference]
    flag = await AuditEntry.get(action="meeting.needs_rebooking")
    assert flag.object_id == str(meeting.id)


@pytest.mark.parametrize(
    ("start", "end", "reason", "code"),
    [(9, 12, "   ", "closure_reason_required"), (12, 9, "drill", "closure_ends_before_start"),
     (9, 9, "drill", "closure_ends_before_start")],
)  # fmt: skip
async def test_an_invalid_closure_is_refused(
    place: Place, start: int, end: int, reason: str, code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        await add_closure(place.staff, place.facility, starts_at=local(start),
                          ends_at=local(end), reason=reason)  # fmt: skip
    assert caught.value.code == code
    assert await Closure.all().count() == 0


async def test_a_closure_already_over_is_refused(place: Place) -> None:
    now = datetime.now(UTC)
    with pytest.raises(DomainError) as caught:
        await add_closure(place.staff, place.facility, starts_at=now - 2 * HOUR,
                          ends_at=now - HOUR, reason="drill")  # fmt: skip
    assert caught.value.code == "closure_in_past"


async def test_a_failing_notice_leaves_no_closure_no_flag_and_nothing_queued(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    await booked(place, 0, 9)
    await booked(place, 1, 9)
    real = notify_user
    calls: list[int] = []

    async def second_fails(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("outbox unavailable")
        return await real(*args, **kwargs)

    monkeypatch.setattr(closures, "notify_user", second_fails)
    queued = await Notification.all().count()  # booking's own notices, if any
    with pytest.raises(RuntimeError):
        await close(place, 8, 12)
    assert await Closure.all().count() == 0
    assert await flagged() == set()
    assert await Notification.all().count() == queued
    assert not await Notification.filter(template=closures.REBOOKING_KIND).exists()
    assert not await AuditEntry.filter(action__startswith="closure.").exists()


async def test_removing_a_closure_keeps_its_meetings_flagged(place: Place) -> None:
    _party, meeting = await booked(place, 0, 9)
    closure = await close(place, 8, 12)
    await remove_closure(place.staff, closure)
    assert await Closure.all().count() == 0
    stored = await Meeting.get(id=meeting.id)
    assert stored.needs_rebooking and stored.closure_id is None
    entry = await AuditEntry.get(action="closure.removed")
    assert entry.summary["meetings_still_flagged"] == [meeting.reference]


async def test_a_closure_that_is_over_cannot_be_removed(place: Place) -> None:
    now = datetime.now(UTC)
    past = await Closure.create(facility=place.facility, starts_at=now - 3 * HOUR,
                                ends_at=now - HOUR, reason="drill")  # fmt: skip
    with pytest.raises(DomainError) as caught:
        await remove_closure(place.staff, past)
    assert (caught.value.code, caught.value.status) == ("closure_over", 409)
