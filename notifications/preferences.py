"""Users' channel and language choices, and numbers that replied STOP (退订).

No preference row means the defaults: e-mail and SMS on, the language of the user's locale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.audit.service import Actor, record
from app.errors import DomainError
from notifications.kinds import Channel, Status
from notifications.models import Notification, NotificationPreference, SmsOptOut
from notifications.rendering import LANGUAGES, language_for
from notifications.routing import OPTED_OUT, normalise_phone

# Twilio's own opt-out words plus the Chinese ones; compared without case or spaces.
STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "退订"})
START_WORDS = frozenset({"start", "unstop", "订阅"})


@dataclass(frozen=True)
class Choice:
    email: bool
    sms: bool
    language: str
    saved: bool  # False: the defaults, never changed


async def choice_for(user_id: int, locale: str | None) -> Choice:
    row = await NotificationPreference.get_or_none(user_id=user_id)
    if row is None:
        return Choice(True, True, language_for(locale), saved=False)
    return Choice(row.email, row.sms, language_for(row.language), saved=True)


async def save_choice(actor: User, *, email: bool, sms: bool, language: str) -> Choice:
    """The user's own choice; audited, because it decides how legal notices reach them."""
    if language not in LANGUAGES:
        raise DomainError("language_unknown", "language", status=422)
    async with in_transaction():
        row, _ = await NotificationPreference.get_or_create(user_id=actor.id)
        row.email, row.sms, row.language = email, sms, language
        await row.save()
        await record(
            actor,
            "notification_preference.changed",
            "notification_preference",
            row.id,
            {"email": email, "sms": sms, "language": language},
        )
    return Choice(email, sms, language, saved=True)


def keyword(body: str) -> str:
    """The reply reduced to a comparable word: no spaces, no trailing punctuation, any case."""
    return "".join(body.split()).strip(".!。！,，").casefold()


async def opted_out(number: str) -> bool:
    phone = normalise_phone(number)
    return bool(phone) and await SmsOptOut.filter(phone=phone).exists()


async def opt_out(number: str, word: str, actor: Actor | None = None) -> bool:
    """Record that `number` wants no more SMS; False if it had said so already."""
    phone = normalise_phone(number)
    if not phone:
        return False
    async with in_transaction():
        row, created = await SmsOptOut.get_or_create(
            phone=phone, defaults={"keyword": word[:32], "opted_out_at": clock.now()}
        )
        if created:
            await record(actor, "sms.opted_out", "sms_opt_out", row.id, {"keyword": row.keyword})
    return created


async def opt_in(number: str, actor: Actor | None = None) -> bool:
    phone = normalise_phone(number)
    async with in_transaction():
        row = await SmsOptOut.get_or_none(phone=phone)
        if row is None:
            return False
        await record(actor, "sms.opted_in", "sms_opt_out", row.id)
        await row.delete()
    return True


async def opt_outs(limit: int = 500) -> list[SmsOptOut]:
    return await SmsOptOut.all().order_by("-opted_out_at").limit(limit)


async def reroute_opted_out_sms(row: Notification) -> bool:
    """At delivery time: an SMS claimed for a number that has opted out since it was queued.

    Non-statutory: cancelled with the reason. Statutory: moved to the recipient's e-mail, due
    now, with the fallback in its payload. True when the row was taken out of this send;
    False for a statutory SMS with no e-mail to go to (it is tried, dies, and is escalated).
    """
    if not await opted_out(row.address):
        return False
    return await move_off_sms(row, OPTED_OUT)


async def move_off_sms(row: Notification, reason: str) -> bool:
    claimed = Notification.filter(id=row.id, status=Status.SENDING)
    if not row.duty_id:
        changed = await claimed.update(
            status=Status.CANCELLED, lease_until=None, last_error=f"not sent: {reason}"
        )
        return changed > 0
    recipient = await User.get_or_none(id=row.recipient_id) if row.recipient_id else None
    email = recipient.email if recipient else ""
    if not email:  # a statutory notice outranks an e-mail preference, but needs an address
        return False
    payload: dict[str, Any] = {
        **row.payload,
        "fallback": {"from": Channel.SMS.value, "to": Channel.EMAIL.value, "reason": reason},
    }
    changed = await claimed.update(
        channel=Channel.EMAIL,
        address=email,
        payload=payload,
        status=Status.PENDING,
        next_attempt_at=clock.now(),
        lease_until=None,
        last_error=f"moved to e-mail: {reason}",
    )
    return changed > 0


async def fallbacks_for(user_id: int, limit: int = 20) -> list[Notification]:
    """The user's recent statutory notices that went by another channel than asked."""
    rows = await Notification.filter(recipient_id=user_id, duty_id__not_isnull=True).limit(200)
    return [row for row in rows if row.payload.get("fallback")][:limit]


async def recent_fallbacks(limit: int = 50) -> list[Notification]:
    rows = await Notification.filter(duty_id__not_isnull=True).order_by("-id").limit(500)
    return [row for row in rows if row.payload.get("fallback")][:limit]
