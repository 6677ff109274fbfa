"""What a lawyer is told when a meeting is booked, moved or cancelled, and the reminders.

Called by `scheduling.booking` inside its transactions: the notices are outbox rows written in
the same transaction as the change, so a rolled-back booking leaves none (issue 6).

- booked / rescheduled: e-mail with an iCalendar REQUEST, SMS with the reference, in-app notice;
- cancelled: the same with an iCalendar CANCEL (SEQUENCE raised by booking.py), and the
  facility's reason when the facility cancelled;
- reminders: one in-app and one SMS per offset of `notifications.reminder_offsets_minutes`,
  due at start - offset, topic "meeting:<id>", skipped when that moment has passed; pending
  ones are cancelled on cancel, and cancelled and made anew on reschedule. Each carries
  `stale_after` (the start): the worker drops a reminder it only reaches after the meeting began.

Settings: booking's functions take no settings, so this module holds the few values it needs
(sender address, alarms, reminder offsets, public URL). `configure(settings)` sets them; until
something calls it, the first notice loads them once with `app.settings.load_settings()`, the
same file and environment the server and CLI read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from app.accounts.models import User
from app.settings import Settings, load_settings
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.services import enqueue
from scheduling.feeds import FeedSettings, event_of
from scheduling.invites import meeting_invite
from scheduling.models import Meeting

REMINDER: Final = "meeting_reminder"
Change = Literal["meeting_booked", "meeting_rescheduled", "meeting_cancelled"]


@dataclass(frozen=True)
class NoticeSettings:
    organiser_address: str
    alarm_minutes: tuple[int, ...]
    reminder_offsets_minutes: tuple[int, ...]
    public_url: str


_current: NoticeSettings | None = None


def configure(settings: Settings) -> None:
    """Use these settings for every later notice of this process."""
    global _current  # one process-wide configuration, set at start-up
    _current = NoticeSettings(
        organiser_address=settings.email.from_address,
        alarm_minutes=settings.calendar.alarm_minutes_before,
        reminder_offsets_minutes=settings.notifications.reminder_offsets_minutes,
        public_url=settings.app.public_url,
    )


def current() -> NoticeSettings:
    if _current is None:
        configure(load_settings())
    assert _current is not None
    return _current


def topic_of(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}"


async def meeting_booked(meeting: Meeting) -> None:
    meeting = await _loaded(meeting)
    await _tell(meeting, "meeting_booked")
    await _schedule_reminders(meeting)


async def meeting_rescheduled(meeting: Meeting) -> None:
    meeting = await _loaded(meeting)
    await _tell(meeting, "meeting_rescheduled")
    await cancel_reminders(meeting)
    await _schedule_reminders(meeting)


async def meeting_cancelled(meeting: Meeting, *, by_facility: bool, reason: str) -> None:
    meeting = await _loaded(meeting)
    await _tell(meeting, "meeting_cancelled", by_facility=by_facility, reason=reason)
    await cancel_reminders(meeting)


async def cancel_reminders(meeting: Meeting) -> int:
    """Cancel the meeting's reminders not yet sent; how many."""
    return await Notification.filter(
        topic=topic_of(meeting), template=REMINDER, status=Status.PENDING
    ).update(status=Status.CANCELLED, last_error="meeting changed")


async def _loaded(meeting: Meeting) -> Meeting:
    # Always fetched again: a reschedule may have changed the room.
    await meeting.fetch_related("room__facility", "lawyer")
    return meeting


def _local(moment: datetime, zone_name: str) -> str:
    zone = ZoneInfo(zone_name)
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"


def _payload(meeting: Meeting, config: NoticeSettings) -> dict[str, Any]:
    facility = meeting.room.facility
    return {
        "reference": meeting.reference,
        "starts": _local(meeting.starts_at, facility.timezone),
        "ends": _local(meeting.ends_at, facility.timezone),
        "facility": facility.name,
        "address": facility.address,
        "room": meeting.room.name,
        "lawyer": meeting.lawyer.display_name,
        "url": f"{config.public_url}/meetings/{meeting.id}",
    }


async def _tell(
    meeting: Meeting, kind: Change, *, by_facility: bool = False, reason: str = ""
) -> None:
    config = current()
    lawyer: User = meeting.lawyer
    payload = {**_payload(meeting, config), "by_facility": by_facility, "reason": reason}
    feed_config = FeedSettings(config.organiser_address, config.alarm_minutes)
    method: Literal["REQUEST", "CANCEL"] = "CANCEL" if kind == "meeting_cancelled" else "REQUEST"
    ics = meeting_invite(event_of(meeting, feed_config), method)
    written: list[Notification] = []
    if lawyer.email:
        written.append(
            await enqueue(kind, Channel.EMAIL, recipient=lawyer, payload=payload, calendar_ics=ics)
        )
    if lawyer.phone:
        written.append(await enqueue(kind, Channel.SMS, recipient=lawyer, payload=payload))
    written.append(await enqueue(kind, Channel.INAPP, recipient=lawyer, payload=payload))
    await _set_topic(meeting, written)


async def _schedule_reminders(meeting: Meeting) -> None:
    config = current()
    lawyer: User = meeting.lawyer
    now = datetime.now(UTC)
    payload = {**_payload(meeting, config), "stale_after": meeting.starts_at.isoformat()}
    written: list[Notification] = []
    for offset in sorted(set(config.reminder_offsets_minutes), reverse=True):
        due = meeting.starts_at - timedelta(minutes=offset)
        if due <= now:
            continue  # its moment has passed: a late reminder is noise, not a reminder
        hours = {**payload, "minutes_before": offset}
        written.append(
            await enqueue(REMINDER, Channel.INAPP, recipient=lawyer, payload=hours, not_before=due)
        )
        if lawyer.phone:
            written.append(
                await enqueue(
                    REMINDER, Channel.SMS, recipient=lawyer, payload=hours, not_before=due
                )
            )
    await _set_topic(meeting, written)


async def _set_topic(meeting: Meeting, rows: list[Notification]) -> None:
    # enqueue() has no topic argument; set it in the same transaction.
    if rows:
        await Notification.filter(id__in=[r.id for r in rows]).update(topic=topic_of(meeting))
