"""Peers for the notification tests: a recording channel, a real SMTP server, a fake Twilio.

Every peer listens on 127.0.0.1 with a port chosen by the system.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from app.settings import NotificationsSection
from notifications.channels import DeliveryError, Outgoing, Receipt


class RecordingSender:
    """Remembers every message handed to it; optionally fails or dawdles."""

    def __init__(self, delay: float = 0.0, fail: DeliveryError | None = None) -> None:
        self.sent: list[Outgoing] = []
        self.delay = delay
        self.fail = fail

    async def send(self, outgoing: Outgoing) -> Receipt:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        self.sent.append(outgoing)
        return Receipt(provider_id=f"rec-{outgoing.notification_id}")


def worker_config(**overrides: Any) -> NotificationsSection:
    values: dict[str, Any] = {
        "run_worker_in_process": False,
        "max_attempts": 3,
        "backoff_base_seconds": 60,
        "lease_seconds": 60,
        "poll_seconds": 0.05,
        "batch_size": 10,
        **overrides,
    }
    return NotificationsSection.model_validate(values)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.reject_with: str | None = None  # e.g. "550 no such user"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.reject_with:
            return self.reject_with
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@dataclass
class SmtpServer:
    port: int
    inbox: _Inbox
    controller: Controller


def free_port() -> int:
    """A port the system just handed out (aiosmtpd's Controller cannot start on port 0: it
    connects to its own port to check that the server is up)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(port: int = 0, inbox: _Inbox | None = None, **options: Any) -> Iterator[SmtpServer]:
    inbox = inbox or _Inbox()
    port = port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpServer(port, inbox, controller)
    finally:
        controller.stop()


@dataclass
class TlsPair:
    server: ssl.SSLContext
    client: ssl.SSLContext


def tls_pair() -> TlsPair:
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return TlsPair(server, client)


@dataclass
class FakeTwilio:
    """Answers POST .../Messages.json with the next scripted (status, body) pair."""

    port: int = 0
    script: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.decode("latin-1").split("\r\n"):
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        body = await reader.readexactly(length) if length else b""
        self.requests.append(body.decode())
        status, payload = self.script.pop(0) if self.script else (500, {"message": "no script"})
        data = json.dumps(payload).encode()
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
            + data
        )
        await writer.drain()
        writer.close()


@asynccontextmanager
async def fake_twilio() -> AsyncIterator[FakeTwilio]:
    fake = FakeTwilio()
    server = await asyncio.start_server(fake._handle, "127.0.0.1", 0)
    fake.port = int(server.sockets[0].getsockname()[1])
    try:
        yield fake
    finally:
        server.close()
        await server.wait_closed()


def twilio_message(sid: str, status: str = "queued") -> dict[str, Any]:
    return {"sid": sid, "status": status, "to": "+8613800000000", "body": "x"}


def twilio_error(status: int, code: int, message: str = "error") -> dict[str, Any]:
    return {"status": status, "code": code, "message": message, "more_info": ""}
