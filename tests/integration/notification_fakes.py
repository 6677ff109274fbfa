"""Peers for the notification tests: a recording channel, a real SMTP server, fake Twilios
(a scripted HTTP server, a stateful one, and a client object that needs no network).

Every peer listens on 127.0.0.1 with a port chosen by the system.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

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


@dataclass
class FakeSms:
    sid: str
    to: str
    from_: str
    body: str
    status: str = "sent"
    date_sent: datetime | None = None


class FakeTwilioMessages:
    """`client.messages` of a fake Twilio client: records every create, answers the list.

    `fail_after_send`: the next create records the message, then raises this (a timeout or a
    lost connection after Twilio got the request). `fail_list`: every list raises this."""

    def __init__(self) -> None:
        self.sent: list[FakeSms] = []
        self.queries: list[dict[str, Any]] = []
        self.fail_after_send: BaseException | None = None
        self.fail_list: BaseException | None = None

    def add(self, to: str, from_: str, body: str, **fields: Any) -> FakeSms:
        message = FakeSms(f"SM{len(self.sent) + 1:032d}", to, from_, body, **fields)
        message.date_sent = message.date_sent or datetime.now(UTC)
        self.sent.append(message)
        return message

    async def create_async(self, *, to: str, from_: str, body: str, **_: Any) -> FakeSms:
        message = self.add(to, from_, body)
        if self.fail_after_send is not None:
            failure, self.fail_after_send = self.fail_after_send, None
            raise failure
        return message

    async def list_async(
        self, *, to: str, from_: str, date_sent_after: datetime, limit: int
    ) -> list[FakeSms]:
        self.queries.append({"to": to, "from_": from_, "date_sent_after": date_sent_after})
        if self.fail_list is not None:
            raise self.fail_list
        return [
            m
            for m in reversed(self.sent)
            if m.to == to
            and m.from_ == from_
            and (m.date_sent is None or m.date_sent >= date_sent_after)
        ][:limit]


class _NoHttp:
    async def close(self) -> None:
        return None


class FakeTwilioClient:
    """Stands in for `twilio.rest.Client` in `TwilioSender(client, ...)`."""

    def __init__(self) -> None:
        self.messages = FakeTwilioMessages()
        self.http_client = _NoHttp()


@dataclass
class TwilioServer:
    """A stateful fake of Twilio's Messages API over HTTP, for a worker in another process:
    POST records the message at once and answers after `delay(n)` seconds (so a worker
    killed meanwhile never learns its SID); GET lists them, filtered like Twilio."""

    port: int = 0
    delay: Callable[[int], float] = lambda n: 0.0
    # Requests that reach Twilio only after the delay, and not at all if the client has gone
    # by then (a request lost on the way): by their number, from 1.
    late: Callable[[int], bool] = lambda n: False
    sent: list[FakeSms] = field(default_factory=list)
    posts: int = 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            length = 0
            for line in head.split("\r\n"):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            body = (await reader.readexactly(length)).decode() if length else ""
            method, target = head.split(" ", 2)[:2]
            if method == "POST":
                status, payload = await self._create(parse_qs(body), reader)
            else:
                status, payload = 200, self._list(parse_qs(urlsplit(target).query))
            data = json.dumps(payload).encode()
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
                + data
            )
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the worker was killed mid-request
        finally:
            writer.close()

    async def _create(
        self, form: dict[str, list[str]], reader: asyncio.StreamReader
    ) -> tuple[int, dict[str, Any]]:
        self.posts += 1
        number = self.posts
        if self.late(number):
            await asyncio.sleep(self.delay(number))
            if reader.at_eof():
                raise ConnectionResetError("the client went away")
        message = FakeSms(
            f"SM{len(self.sent) + 1:032d}", form["To"][0], form["From"][0], form["Body"][0],
            date_sent=datetime.now(UTC),
        )  # fmt: skip
        self.sent.append(message)
        if not self.late(number):
            await asyncio.sleep(self.delay(number))
        return 201, _as_json(message)

    def _list(self, query: dict[str, list[str]]) -> dict[str, Any]:
        after = datetime.fromisoformat(query["DateSent>"][0].replace("Z", "+00:00"))
        found = [
            _as_json(m)
            for m in reversed(self.sent)
            if m.to == query["To"][0]
            and m.from_ == query["From"][0]
            and (m.date_sent is None or m.date_sent >= after)
        ]
        return {"messages": found, "next_page_uri": None, "page": 0, "page_size": 50}


def _as_json(message: FakeSms) -> dict[str, Any]:
    sent = format_datetime(message.date_sent, usegmt=True) if message.date_sent else None
    return {
        "sid": message.sid, "to": message.to, "from": message.from_, "body": message.body,
        "status": message.status, "date_sent": sent,
    }  # fmt: skip


@asynccontextmanager
async def twilio_server(
    delay: Callable[[int], float] = lambda n: 0.0, late: Callable[[int], bool] = lambda n: False
) -> AsyncIterator[TwilioServer]:
    fake = TwilioServer(delay=delay, late=late)
    server = await asyncio.start_server(fake._handle, "127.0.0.1", 0)
    fake.port = int(server.sockets[0].getsockname()[1])
    try:
        yield fake
    finally:
        server.close()
        await server.wait_closed()
