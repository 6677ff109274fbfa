"""Meeting reminders: made at the configured offsets, cancelled or moved with the meeting, and
never sent once their moment has passed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.rendering import render
from notifications.services import enqueue
from notifications.worker import Worker
from scheduling.booking import book, cancel, reschedule
from tests.integration.helpers import NOTICES as TEST_NOTICES
from tests.integration.meeting_world import Party, Place, local, make_party, make_place
from tests.integration.notification_fakes import RecordingSender, worker_config

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)
REMINDER = "meeting_reminder"
CHANNELS = (Channel.INAPP, Channel.SMS)


# A day and two hours before (the settings' defaults, written out: the tests count them).
NOTICES = replace(TEST_NOTICES, reminder_offsets_minutes=(24 * 60, 120))


@pytest.fixture
async def place() -> Place:
    return await make_place(rooms=2)


async def party_with_phone(place: Place) -> Party:
    party = await make_party(place)
    party.lawyer.phone = "+8613800138000"
    await party.lawyer.save()
    return party


async def pending_reminders() -> list[tuple[Channel, datetime | None]]:
    rows = await Notification.filter(template=REMINDER, status=Status.PENDING)
    return sorted((row.channel, row.not_before) for row in rows)


async def test_booking_makes_reminders_24_and_2_hours_before_in_the_inbox_and_by_sms(
    place: Place,
) -> None:
    party = await party_with_phone(place)
    await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    day_before, two_hours = local(9) - timedelta(hours=24), local(7)
    assert await pending_reminders() == sorted(
        (channel, due) for channel in CHANNELS for due in (day_before, two_hours)
    )


async def test_a_reminder_is_due_at_its_time_and_goes_stale_at_the_start(place: Place) -> None:
    party = await party_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    row = await Notification.filter(template=REMINDER, channel=Channel.SMS).order_by("id").first()
    assert row is not None
    assert row.next_attempt_at == local(9) - timedelta(hours=24)
    assert row.topic == f"meeting:{meeting.id}"
    assert datetime.fromisoformat(row.payload["stale_after"]) == local(9)
    assert meeting.reference in render(REMINDER, "zh-CN", row.payload).sms
    assert "24 hours" in render(REMINDER, "en", row.payload).text


async def test_a_reminder_whose_time_has_already_passed_is_not_made(place: Place) -> None:
    # Ten days ahead, a 20-day reminder would be due in the past.
    notices = replace(NOTICES, reminder_offsets_minutes=(20 * 24 * 60, 120))
    party = await party_with_phone(place)
    await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=notices)
    assert await pending_reminders() == [(Channel.INAPP, local(7)), (Channel.SMS, local(7))]


async def test_cancelling_the_meeting_cancels_its_pending_reminders(place: Place) -> None:
    party = await party_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await cancel(party.lawyer, meeting, "", notices=NOTICES)
    assert await pending_reminders() == []
    assert await Notification.filter(template=REMINDER, status=Status.CANCELLED).count() == 4


async def test_cancelling_one_meeting_leaves_another_meetings_reminders(place: Place) -> None:
    first, second = await party_with_phone(place), await party_with_phone(place)
    meeting = await book(
        first.lawyer, first.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await book(second.lawyer, second.request, place.rooms[1], local(9), HOUR, notices=NOTICES)
    await cancel(first.lawyer, meeting, "", notices=NOTICES)
    assert {row.recipient_id for row in await Notification.filter(
        template=REMINDER, status=Status.PENDING
    )} == {second.lawyer.id}  # fmt: skip


async def test_rescheduling_moves_the_reminders_to_the_new_time(place: Place) -> None:
    party = await party_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await reschedule(party.lawyer, meeting, place.rooms[0], local(15), HOUR, notices=NOTICES)
    assert await pending_reminders() == sorted(
        (channel, due) for channel in CHANNELS for due in (local(15) - 24 * HOUR, local(13))
    )
    assert await Notification.filter(template=REMINDER, status=Status.CANCELLED).count() == 4


async def test_the_worker_cancels_a_stale_reminder_instead_of_sending_it() -> None:
    started = datetime.now(UTC) - timedelta(minutes=5)
    row = await enqueue(
        REMINDER, Channel.SMS, address="+8613800138000",
        payload={"reference": "ABCD2345", "stale_after": started.isoformat()},
    )  # fmt: skip
    sender = RecordingSender()
    await Worker(worker_config(), {Channel.SMS: sender}).run_once()
    await row.refresh_from_db()
    assert row.status == Status.CANCELLED
    assert sender.sent == []


async def test_the_worker_sends_a_reminder_that_is_still_in_time(place: Place) -> None:
    party = await party_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await Notification.filter(template=REMINDER).update(
        next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    sender = RecordingSender()
    await Worker(worker_config(), {Channel.SMS: sender, Channel.INAPP: RecordingSender(),
                                   Channel.EMAIL: RecordingSender()}).run_once()  # fmt: skip
    texts = [out.message.sms for out in sender.sent if out.message.subject.startswith("会见提醒")]
    assert len(texts) == 2 and all(meeting.reference in text for text in texts)
