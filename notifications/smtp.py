"""E-mail through SMTP (aiosmtplib): text and HTML parts, an optional iCalendar invitation."""

from __future__ import annotations

import asyncio
import re
import ssl
from email.message import EmailMessage

import aiosmtplib

from app.settings import EmailSection
from notifications.channels import DeliveryError, Outgoing, Receipt

_METHOD = re.compile(r"^METHOD:([A-Z-]+)\s*$", re.MULTILINE)


def message_id(notification_id: int, from_address: str) -> str:
    """Stable per notification, so a resent message is recognisably the same one."""
    domain = from_address.rpartition("@")[2] or "localhost"
    return f"<notification-{notification_id}@{domain}>"


def calendar_method(ics: str) -> str:
    """The file's METHOD, which the part's Content-Type must repeat for clients to act on it."""
    found = _METHOD.search(ics.replace("\r\n", "\n"))
    return found.group(1) if found else "PUBLISH"


def build_message(outgoing: Outgoing, from_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = outgoing.address
    message["Subject"] = outgoing.message.subject
    message["Message-ID"] = message_id(outgoing.notification_id, from_address)
    message.set_content(outgoing.message.text)
    message.add_alternative(outgoing.message.html, subtype="html")
    if outgoing.calendar_ics:
        # Inside multipart/alternative, as calendar clients (iMIP, RFC 6047) expect.
        message.add_alternative(
            outgoing.calendar_ics,
            subtype="calendar",
            params={"method": calendar_method(outgoing.calendar_ics)},
        )
    return message


def _permanent(exc: aiosmtplib.SMTPException) -> bool:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(refused.code >= 500 for refused in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500


class SmtpSender:
    def __init__(self, config: EmailSection, tls_context: ssl.SSLContext | None = None) -> None:
        self.config = config
        self.tls_context = tls_context  # tests pass one trusting their own CA

    async def send(self, outgoing: Outgoing) -> Receipt:
        config = self.config
        message = build_message(outgoing, config.from_address)
        try:
            # One deadline for connect, TLS, authentication and data together.
            async with asyncio.timeout(config.timeout_seconds):
                await aiosmtplib.send(
                    message,
                    hostname=config.host,
                    port=config.port,
                    username=config.username or None,
                    password=config.password or None,
                    use_tls=config.tls == "tls",
                    start_tls=config.tls == "starttls",
                    tls_context=self.tls_context,
                )
        except TimeoutError:
            raise DeliveryError("SMTP send timed out") from None
        except aiosmtplib.SMTPException as exc:
            raise DeliveryError(f"SMTP: {exc}", permanent=_permanent(exc)) from None
        except OSError as exc:
            raise DeliveryError(f"SMTP connection: {exc}") from None
        return Receipt(provider_id=str(message["Message-ID"]))
