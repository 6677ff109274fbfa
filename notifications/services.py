"""Writing to the outbox, in the caller's transaction, and the operator's retry.

`enqueue` uses whatever transaction is active in the calling task (Tortoise binds
`in_transaction()` to the context), so a rolled-back state change leaves no notice behind.
Nothing is sent here: the worker sends after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import clock
from app.audit.service import Actor, record
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.preferences import choice_for, opted_out
from notifications.rendering import check_kind, language_for
from notifications.routing import Facts, Route, route

if TYPE_CHECKING:
    from app.cases.models import Case

TROUBLED = (Status.FAILED, Status.DEAD)


class Recipient(Protocol):
    id: int
    email: str
    phone: str
    locale: str | None


class NoAddress(ValueError):
    """The channel needs an address or number and none was given or known."""


def _address_for(channel: Channel, recipient: Recipient | None, address: str) -> str:
    if address:
        return address
    if recipient is not None and channel == Channel.EMAIL:
        return recipient.email
    if recipient is not None and channel == Channel.SMS:
        return recipient.phone
    return ""


async def _facts(recipient: Recipient | None, channel: Channel, address: str) -> Facts:
    if recipient is None:  # a bare address: no preferences, only the number's opt-out
        if channel != Channel.SMS:
            return Facts(email=address)
        return Facts(phone=address, phone_opted_out=await opted_out(address))
    choice = await choice_for(recipient.id, recipient.locale)
    phone = address if channel == Channel.SMS and address else recipient.phone
    return Facts(
        email_on=choice.email,
        sms_on=choice.sms,
        email=address if channel == Channel.EMAIL and address else recipient.email,
        phone=phone,
        phone_opted_out=bool(phone) and await opted_out(phone),
    )


async def notice_language(recipient: Recipient) -> str:
    """The language the user chose for notices (/profile/notifications), not the language of
    the page being viewed: the header's switch changes only the latter."""
    return await _language(recipient, None)


async def _language(recipient: Recipient | None, language: str | None) -> str:
    if language:
        return language_for(language)
    if recipient is None:
        return language_for(None)
    return (await choice_for(recipient.id, recipient.locale)).language


async def enqueue(
    template: str,
    channel: Channel,
    *,
    recipient: Recipient | None = None,
    address: str = "",
    language: str | None = None,
    payload: Mapping[str, Any] | None = None,
    not_before: datetime | None = None,
    duty_id: str | None = None,
    deadline: datetime | None = None,
    calendar_ics: str | None = None,
    case: Case | None = None,
    topic: str | None = None,
) -> Notification:
    """Write one notification. Call it inside the transaction of the change that owes it.

    The recipient's preferences and SMS opt-out decide the channel (`notifications.routing`):
    a non-statutory notice they declined is written `cancelled` with the reason; a statutory
    one (`duty_id`) may go by the other channel, noted in its payload under `fallback`.
    """
    check_kind(template)  # fail in the caller, where the mistake is, not later in the worker
    resolved = _address_for(channel, recipient, address)
    statutory = duty_id is not None
    if channel == Channel.INAPP and recipient is None:
        raise NoAddress("in-app notices need a recipient user")
    way = route(channel, resolved, await _facts(recipient, channel, resolved), statutory=statutory)
    if channel in (Channel.EMAIL, Channel.SMS) and not way.address:
        raise NoAddress(channel.value)
    row = _row(
        template,
        way,
        recipient=recipient,
        language=await _language(recipient, language),
        payload=payload,
        not_before=not_before,
        duty_id=duty_id,
        deadline=deadline,
        calendar_ics=calendar_ics,
        case=case,
        topic=topic,
    )
    await row.save(force_create=True)
    return row


@dataclass(frozen=True)
class Notice:
    """One notice of a batch for one recipient (see `enqueue_many`)."""

    template: str
    channel: Channel
    payload: Mapping[str, Any]
    not_before: datetime | None = None
    calendar_ics: str | None = None


async def enqueue_many(
    recipient: Recipient, notices: Sequence[Notice], *, topic: str | None = None
) -> int:
    """Write several non-statutory notices to one user, as `enqueue` would one by one.

    The same rows (routing, status, language, payload), but the user's preferences and SMS
    opt-out are read once, and the rows go in with one bulk insert, in the caller's
    transaction. A notice whose channel has no address raises NoAddress before any is
    written. Returns how many rows were written.
    """
    choice = await choice_for(recipient.id, recipient.locale)
    facts = Facts(  # what _facts() gives for a recipient without a given address
        email_on=choice.email, sms_on=choice.sms, email=recipient.email, phone=recipient.phone,
        phone_opted_out=bool(recipient.phone) and await opted_out(recipient.phone),
    )  # fmt: skip
    rows: list[Notification] = []
    for notice in notices:
        check_kind(notice.template)
        channel = notice.channel
        address = _address_for(channel, recipient, "")
        way = route(channel, address, facts, statutory=False)
        if channel in (Channel.EMAIL, Channel.SMS) and not way.address:
            raise NoAddress(channel.value)
        rows.append(
            _row(
                notice.template,
                way,
                recipient=recipient,
                language=choice.language,
                payload=notice.payload,
                not_before=notice.not_before,
                duty_id=None,
                deadline=None,
                calendar_ics=notice.calendar_ics,
                case=None,
                topic=topic,
            )
        )
    if rows:
        await Notification.bulk_create(rows)
    return len(rows)


def _row(
    template: str,
    way: Route,
    *,
    recipient: Recipient | None,
    language: str,
    payload: Mapping[str, Any] | None,
    not_before: datetime | None,
    duty_id: str | None,
    deadline: datetime | None,
    calendar_ics: str | None,
    case: Case | None,
    topic: str | None,
) -> Notification:
    """The outbox row of one routed notice, not yet saved."""
    now = clock.now()
    body = dict(payload or {})
    if way.fallback:
        body["fallback"] = way.fallback
    status, error = Status.PENDING, ""
    if way.cancelled:
        status, error = Status.CANCELLED, f"not sent: {way.cancelled}"
    elif way.dead:
        status, error = Status.DEAD, f"no channel can carry this notice: {way.dead}"
    return Notification(
        template=template,
        recipient_id=recipient.id if recipient else None,
        address=way.address,
        channel=way.channel,
        language=language,
        payload=body,
        calendar_ics=calendar_ics,
        not_before=not_before,
        next_attempt_at=max(now, not_before) if not_before else now,
        duty_id=duty_id,
        deadline=deadline,
        status=status,
        last_error=error,
        case_id=case.id if case is not None else None,
        topic=topic,
    )


async def notify_user(
    recipient: Recipient,
    template: str,
    payload: Mapping[str, Any],
    channels: Iterable[Channel] = (Channel.INAPP, Channel.EMAIL),
    *,
    duty_id: str | None = None,
    deadline: datetime | None = None,
    case: Case | None = None,
    language: str | None = None,
) -> list[Notification]:
    """One notice on each channel the user can be reached by and kept on.

    A channel with no address is skipped. A statutory notice moved to a channel that is also
    asked for is written once, not twice.
    """
    asked = list(dict.fromkeys(channels))
    ways: list[Route] = []
    for channel in asked:
        address = _address_for(channel, recipient, "")
        if not address and channel in (Channel.EMAIL, Channel.SMS) and duty_id is None:
            continue
        way = route(
            channel, address, await _facts(recipient, channel, ""), statutory=duty_id is not None
        )
        if channel in (Channel.EMAIL, Channel.SMS) and not way.address:
            continue  # statutory and no channel has an address: the inbox still gets it
        if way.fallback and way.channel != channel and way.channel in asked:
            continue  # moved to a channel asked for anyway, which then carries it itself
        ways.append(way)
    carried = {w.channel for w in ways if not (w.cancelled or w.dead)} - {Channel.INAPP}
    written: list[Notification] = []
    taken: set[Channel] = set()
    for way in ways:
        if way.dead and carried:
            continue  # another channel carries the statutory notice
        if not (way.cancelled or way.dead) and way.channel in taken:
            continue  # moved to a channel that carries it already
        taken.add(way.channel)
        row = _row(
            template,
            way,
            recipient=recipient,
            language=await _language(recipient, language),
            payload=payload,
            not_before=None,
            duty_id=duty_id,
            deadline=deadline,
            calendar_ics=None,
            case=case,
            topic=None,
        )
        await row.save(force_create=True)
        written.append(row)
    return written


async def retry(actor: Actor, notification_id: int) -> bool:
    """Put a failed or dead notification back in the queue, due now; False if it is neither."""
    async with in_transaction():
        updated = await Notification.filter(id=notification_id, status__in=TROUBLED).update(
            status=Status.PENDING,
            next_attempt_at=clock.now(),
            attempts=0,
            lease_until=None,
        )
        if updated == 1:
            await record(actor, "notification.retried", "notification", notification_id)
    return updated == 1


async def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or every) unread in-app notice of this user read; how many changed.

    Not audited: it is the reader's own view state, not a change to anyone's rights.
    """
    unread = Notification.filter(recipient_id=user_id, channel=Channel.INAPP, read_at=None)
    if notification_id is not None:
        unread = unread.filter(id=notification_id)
    return await unread.update(read_at=clock.now())


def _in_inbox(user_id: int) -> QuerySet[Notification]:
    """What the reader's inbox holds now: reminders appear when due, cancelled notices never."""
    due = Q(not_before=None) | Q(not_before__lte=clock.now())
    return Notification.filter(due, recipient_id=user_id, channel=Channel.INAPP).exclude(
        status=Status.CANCELLED
    )


async def unread_count(user_id: int) -> int:
    return await _in_inbox(user_id).filter(read_at=None).count()


INBOX_PAGE = 50


async def inbox(user_id: int, limit: int = INBOX_PAGE, offset: int = 0) -> list[Notification]:
    """One page of the user's in-app notices, newest first."""
    return await _in_inbox(user_id).order_by("-created_at", "-id").offset(offset).limit(limit)


async def troubled(limit: int = 200) -> list[Notification]:
    """Failed and dead notifications, the most recent first, for the operator to retry."""
    return await Notification.filter(status__in=TROUBLED).order_by("-id").limit(limit)
