"""Delivery channels: one interface, implementations chosen from settings.

A channel either returns a Receipt or raises DeliveryError saying whether a retry could help,
and whether the provider may have accepted the message all the same (`unknown`). A channel
that can say what it already sent (`FindsSent`: Twilio, the console) lets the worker look for
such a message before sending it again. The in-app inbox is no channel here: the worker marks
in-app rows delivered itself, without a lease (`notifications.worker`).
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from app import clock
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
    def __init__(
        self,
        reason: str,
        permanent: bool = False,
        opted_out: bool = False,
        unknown: bool = False,
    ) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.opted_out = opted_out  # the provider says the number replied STOP
        # The request may have reached the provider (a timeout, a connection lost after it
        # was sent): the message may be out, so look for it before sending it again.
        self.unknown = unknown


class Sender(Protocol):
    async def send(self, outgoing: Outgoing) -> Receipt: ...


@runtime_checkable
class FindsSent(Protocol):
    async def find_sent(self, address: str, body: str, since: datetime) -> list[str]:
        """Provider ids of messages with this body already sent to `address` since `since`
        (and not reported failed), newest first; DeliveryError when the provider cannot say."""
        ...


def same_text(a: str, b: str) -> bool:
    return a.strip() == b.strip()


@dataclass(frozen=True)
class _Printed:
    address: str
    body: str
    provider_id: str
    at: datetime


class ConsoleSender:
    """Development: print the message and log it; nothing leaves the machine. Remembers the
    last messages it printed, so that `find_sent` answers like Twilio's message list."""

    MEMORY = 1000

    def __init__(self) -> None:
        self.printed: deque[_Printed] = deque(maxlen=self.MEMORY)

    async def send(self, outgoing: Outgoing) -> Receipt:
        body = outgoing.message.sms if outgoing.channel == Channel.SMS else outgoing.message.text
        text = (
            f"--- notification {outgoing.notification_id} ({outgoing.channel.value}) "
            f"to {outgoing.address or '-'}\n{outgoing.message.subject}\n\n{body}\n---"
        )
        print(text, flush=True)
        log.info("console notification %s sent", outgoing.notification_id)
        provider_id = f"console-{outgoing.notification_id}"
        self.printed.append(_Printed(outgoing.address, body, provider_id, clock.now()))
        return Receipt(provider_id=provider_id)

    async def find_sent(self, address: str, body: str, since: datetime) -> list[str]:
        return [
            p.provider_id
            for p in reversed(self.printed)
            if p.address == address and same_text(p.body, body) and p.at >= since
        ]


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
        Channel.CONSOLE: console,
    }
