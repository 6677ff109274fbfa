"""Delivery channels: one interface, implementations chosen from settings.

A channel either returns a Receipt or raises DeliveryError saying whether a retry could help.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from app.settings import Settings
from notifications.kinds import Channel
from notifications.rendering import RenderedMessage

log = logging.getLogger("lawmeet.notifications")


@dataclass(frozen=True)
class Outgoing:
    notification_id: int
    channel: Channel
    address: str
    message: RenderedMessage
    calendar_ics: str | None = None


@dataclass(frozen=True)
class Receipt:
    provider_id: str = ""
    delivered: bool = False  # True when handing over is delivery itself (the inbox)


class DeliveryError(Exception):
    def __init__(self, reason: str, permanent: bool = False, opted_out: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.opted_out = opted_out  # the provider says the number replied STOP


class Sender(Protocol):
    async def send(self, outgoing: Outgoing) -> Receipt: ...


class ConsoleSender:
    """Development: print the message and log it; nothing leaves the machine."""

    async def send(self, outgoing: Outgoing) -> Receipt:
        body = outgoing.message.sms if outgoing.channel == Channel.SMS else outgoing.message.text
        text = (
            f"--- notification {outgoing.notification_id} ({outgoing.channel.value}) "
            f"to {outgoing.address or '-'}\n{outgoing.message.subject}\n\n{body}\n---"
        )
        print(text, flush=True)
        log.info("console notification %s sent", outgoing.notification_id)
        return Receipt(provider_id=f"console-{outgoing.notification_id}")


class InAppSender:
    """The outbox row is the inbox entry: handing it over is delivering it."""

    async def send(self, outgoing: Outgoing) -> Receipt:
        return Receipt(delivered=True)


def build_senders(settings: Settings) -> dict[Channel, Sender]:
    from notifications.sms import TwilioSender
    from notifications.smtp import SmtpSender

    console = ConsoleSender()
    email: Sender = SmtpSender(settings.email) if settings.email.backend == "smtp" else console
    sms: Sender = (
        TwilioSender.from_settings(settings) if settings.sms.backend == "twilio" else console
    )
    return {
        Channel.EMAIL: email,
        Channel.SMS: sms,
        Channel.INAPP: InAppSender(),
        Channel.CONSOLE: console,
    }
