"""Writing to the outbox, in the caller's transaction, and the operator's retry.

`enqueue` uses whatever transaction is active in the calling task (Tortoise binds
`in_transaction()` to the context), so a rolled-back state change leaves no notice behind.
Nothing is sent here: the worker sends after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from tortoise.transactions import in_transaction

from app.audit.service import Actor, record
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.rendering import check_kind, language_for

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
) -> Notification:
    """Write one notification. Call it inside the transaction of the change that owes it."""
    check_kind(template)  # fail in the caller, where the mistake is, not later in the worker
    resolved = _address_for(channel, recipient, address)
    if channel in (Channel.EMAIL, Channel.SMS) and not resolved:
        raise NoAddress(channel.value)
    if channel == Channel.INAPP and recipient is None:
        raise NoAddress("in-app notices need a recipient user")
    now = datetime.now(UTC)
    return await Notification.create(
        template=template,
        recipient_id=recipient.id if recipient else None,
        address=resolved,
        channel=channel,
        language=language_for(language or (recipient.locale if recipient else None)),
        payload=dict(payload or {}),
        calendar_ics=calendar_ics,
        not_before=not_before,
        next_attempt_at=max(now, not_before) if not_before else now,
        duty_id=duty_id,
        deadline=deadline,
    )


async def notify_user(
    recipient: Recipient,
    template: str,
    payload: Mapping[str, Any],
    channels: Iterable[Channel] = (Channel.INAPP, Channel.EMAIL),
) -> list[Notification]:
    """One notice on each channel the user can be reached by (no e-mail address: skipped)."""
    written = []
    for channel in channels:
        if _address_for(channel, recipient, "") or channel in (Channel.INAPP, Channel.CONSOLE):
            written.append(await enqueue(template, channel, recipient=recipient, payload=payload))
    return written


async def retry(actor: Actor, notification_id: int) -> bool:
    """Put a failed or dead notification back in the queue, due now; False if it is neither."""
    async with in_transaction():
        updated = await Notification.filter(id=notification_id, status__in=TROUBLED).update(
            status=Status.PENDING,
            next_attempt_at=datetime.now(UTC),
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
    return await unread.update(read_at=datetime.now(UTC))


async def unread_count(user_id: int) -> int:
    return await Notification.filter(
        recipient_id=user_id, channel=Channel.INAPP, read_at=None
    ).count()


INBOX_SIZE = 100


async def inbox(user_id: int, limit: int = INBOX_SIZE) -> list[Notification]:
    """The user's in-app notices, newest first."""
    return (
        await Notification.filter(recipient_id=user_id, channel=Channel.INAPP)
        .order_by("-created_at", "-id")
        .limit(limit)
    )


async def troubled(limit: int = 200) -> list[Notification]:
    """Failed and dead notifications, the most recent first, for the operator to retry."""
    return await Notification.filter(status__in=TROUBLED).order_by("-id").limit(limit)
