"""What a lawyer is told when a meeting is booked, moved or cancelled, and the reminders.

Called by `scheduling.booking` inside its transactions: the notices are outbox rows written in
the same transaction as the change, so a rolled-back booking leaves none (issue 6).

- booked / rescheduled: e-mail with an iCalendar REQUEST, SMS with the reference, in-app notice;
  a video meeting's carry the lawyer's own join link and when it works (``scheduling.video``);
- cancelled: the same with an iCalendar CANCEL (SEQUENCE raised by booking.py), and the
  facility's reason when the facility cancelled;
- reminders: one in-app and one SMS per offset of `notifications.reminder_offsets_minutes`,
  due at start - offset, topic "meeting:<id>", skipped when that moment has passed; pending
  ones are cancelled on cancel, and cancelled and made anew on reschedule. Each carries
  `stale_after` (the start): the worker drops a reminder it only reaches after the meeting began.

Settings: the few values the notices need (sender address, alarms, reminder offsets, public
URL) are a `NoticeSettings`, built from the settings by `NoticeSettings.from_settings` once per
process (the app's `create_app` keeps it as `app.state.notices`; each CLI command, demo loader
and bench script builds its own) and passed as `notices=` to every function that writes a
notice, through `scheduling.booking` and `scheduling.attendance`. No module keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from tortoise.models import Model

from app import clock
from app.accounts.models import User
from app.orgs.models import Facility
from app.settings import Settings
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.services import Notice, enqueue_many
from scheduling.feeds import FeedSettings, event_of
from scheduling.invites import meeting_invite
from scheduling.models import Meeting, Room
from scheduling.video import VideoConfig, VideoLink
from scheduling.video_links import link_for, video_config

REMINDER: Final = "meeting_reminder"
Change = Literal["meeting_booked", "meeting_rescheduled", "meeting_cancelled"]


@dataclass(frozen=True)
class NoticeSettings:
    """What the notices of one process need from its settings (``from_settings``)."""

    organiser_address: str
    alarm_minutes: tuple[int, ...]
    reminder_offsets_minutes: tuple[int, ...]
    public_url: str
    # The join links of video meetings (scheduling.video); the default: fixed room addresses.
    video: VideoConfig = field(default_factory=VideoConfig)

    @classmethod
    def from_settings(cls, settings: Settings) -> NoticeSettings:
        return cls(
            organiser_address=settings.email.from_address,
            alarm_minutes=settings.calendar.alarm_minutes_before,
            reminder_offsets_minutes=settings.notifications.reminder_offsets_minutes,
            public_url=settings.app.public_url,
            video=video_config(settings.video),  # reads the Jitsi secret file, once
        )


def topic_of(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}"


async def meeting_booked(meeting: Meeting, *, notices: NoticeSettings) -> None:
    meeting = await _loaded(meeting)
    told = _told(meeting, "meeting_booked", notices)
    await _write(meeting, [*told, *_reminders(meeting, notices)])


async def meeting_rescheduled(meeting: Meeting, *, notices: NoticeSettings) -> None:
    meeting = await _loaded(meeting)
    await cancel_reminders(meeting)  # before the new reminders go in
    told = _told(meeting, "meeting_rescheduled", notices)
    await _write(meeting, [*told, *_reminders(meeting, notices)])


async def meeting_cancelled(
    meeting: Meeting, *, by_facility: bool, reason: str, notices: NoticeSettings
) -> None:
    meeting = await _loaded(meeting)
    await _write(meeting, _told(meeting, "meeting_cancelled", notices, by_facility=by_facility,
                                reason=reason))  # fmt: skip
    await cancel_reminders(meeting)


async def cancel_reminders(meeting: Meeting) -> int:
    """Cancel the meeting's reminders not yet sent; how many."""
    return await Notification.filter(
        topic=topic_of(meeting), template=REMINDER, status=Status.PENDING
    ).update(status=Status.CANCELLED, last_error="meeting changed")


async def _loaded(meeting: Meeting) -> Meeting:
    """The meeting with its room, facility and lawyer, read again (a reschedule may have
    changed the room) in one statement, written once: Tortoise would build the joined query
    anew for every notice. The rows become models through Tortoise's own row loader."""
    client = Meeting._meta.db
    rows = (await client.execute_query(_joined(client.capabilities.dialect), [meeting.id]))[1]
    parts: dict[str, dict[str, Any]] = {alias: {} for alias, _model in _JOINED}
    for key, value in dict(rows[0]).items():
        alias, column = key.split("__", 1)
        parts[alias][column] = value
    fresh, room = Meeting._init_from_db(**parts["m"]), Room._init_from_db(**parts["r"])
    room.facility = Facility._init_from_db(**parts["f"])
    fresh.room, fresh.lawyer = room, User._init_from_db(**parts["u"])
    return fresh


_JOINED: Final[tuple[tuple[str, type[Model]], ...]] = (
    ("m", Meeting), ("r", Room), ("f", Facility), ("u", User),
)  # fmt: skip


@cache
def _joined(dialect: str) -> str:
    columns = ", ".join(
        f'{alias}."{column}" AS "{alias}__{column}"'
        for alias, model in _JOINED
        for column in sorted(model._meta.db_fields)
    )
    tables = {alias: model._meta.db_table for alias, model in _JOINED}
    return (
        f"SELECT {columns} FROM {tables['m']} AS m"  # noqa: S608 - fixed names only
        f" JOIN {tables['r']} AS r ON r.id = m.room_id"
        f" JOIN {tables['f']} AS f ON f.id = r.facility_id"
        f" JOIN {tables['u']} AS u ON u.id = m.lawyer_id"
        f" WHERE m.id = {'$1' if dialect == 'postgres' else '?'}"
    )


def _instant(moment: datetime, zone_name: str) -> str:
    """The instant on the facility's clock, with its offset ("2026-12-08T09:00+08:00"); each
    notice's template says it in its reader's words (notifications/rendering.py)."""
    return moment.astimezone(ZoneInfo(zone_name)).isoformat(timespec="minutes")


def _payload(meeting: Meeting, config: NoticeSettings) -> dict[str, Any]:
    facility = meeting.room.facility
    return {
        "reference": meeting.reference,
        "starts": _instant(meeting.starts_at, facility.timezone),
        "ends": _instant(meeting.ends_at, facility.timezone),
        "timezone": facility.timezone,
        "facility": facility.name,
        "address": facility.address,
        "room": meeting.room.name,
        "lawyer": meeting.lawyer.display_name,
        "url": f"{config.public_url}/meetings/{meeting.id}",
    }


def _told(
    meeting: Meeting,
    kind: Change,
    config: NoticeSettings,
    *,
    by_facility: bool = False,
    reason: str = "",
) -> list[Notice]:
    """The change told by e-mail (with the invite), SMS when the lawyer has a phone, in-app.
    A video meeting's booking and move carry the lawyer's join link and its window."""
    lawyer: User = meeting.lawyer
    link = None
    if kind != "meeting_cancelled":
        link = link_for(meeting, meeting.room, lawyer.display_name, config.video)
    payload = {**_payload(meeting, config), "by_facility": by_facility, "reason": reason,
               **_video_payload(link, meeting.room.facility.timezone)}  # fmt: skip
    feed_config = FeedSettings(config.organiser_address, config.alarm_minutes)
    method: Literal["REQUEST", "CANCEL"] = "CANCEL" if kind == "meeting_cancelled" else "REQUEST"
    ics = meeting_invite(replace(event_of(meeting, feed_config), video=link), method)
    told: list[Notice] = []
    if lawyer.email:
        told.append(Notice(kind, Channel.EMAIL, payload, calendar_ics=ics))
    if lawyer.phone:
        told.append(Notice(kind, Channel.SMS, payload))
    told.append(Notice(kind, Channel.INAPP, payload))
    return told


def _video_payload(link: VideoLink | None, zone_name: str) -> dict[str, str]:
    """The join link and when it works; empty for a meeting without one."""
    if link is None:
        return {"video_url": "", "video_opens": "", "video_closes": ""}
    return {
        "video_url": link.url,
        "video_opens": _instant(link.opens_at, zone_name),
        "video_closes": _instant(link.closes_at, zone_name),
    }


def _reminders(meeting: Meeting, config: NoticeSettings) -> list[Notice]:
    lawyer: User = meeting.lawyer
    now = clock.now()
    payload = {**_payload(meeting, config), "stale_after": meeting.starts_at.isoformat()}
    reminders: list[Notice] = []
    for offset in sorted(set(config.reminder_offsets_minutes), reverse=True):
        due = meeting.starts_at - timedelta(minutes=offset)
        if due <= now:
            continue  # its moment has passed: a late reminder is noise, not a reminder
        hours = {**payload, "minutes_before": offset}
        reminders.append(Notice(REMINDER, Channel.INAPP, hours, not_before=due))
        if lawyer.phone:
            reminders.append(Notice(REMINDER, Channel.SMS, hours, not_before=due))
    return reminders


async def _write(meeting: Meeting, notices: list[Notice]) -> None:
    # One preference lookup and one insert for them all, each row under the meeting's topic.
    await enqueue_many(meeting.lawyer, notices, topic=topic_of(meeting))
