"""E-mail delivery through a real aiosmtpd server on 127.0.0.1, plain and over STARTTLS."""

from __future__ import annotations

import asyncio

import pytest

from app.settings import EmailSection
from notifications.channels import DeliveryError, Outgoing
from notifications.rendering import render
from notifications.smtp import SmtpSender, message_id
from tests.integration.notification_fakes import smtp_server, tls_pair

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//lawmeet//test//\r\nMETHOD:{method}\r\n"
    "BEGIN:VEVENT\r\nUID:booking-1@lawmeet\r\nDTSTAMP:20261126T000000Z\r\n"
    "DTSTART:20261127T020000Z\r\nSEQUENCE:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def email_config(port: int, **overrides: object) -> EmailSection:
    values: dict[str, object] = {
        "backend": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "from_address": "lawmeet@court.example",
        "timeout_seconds": 5,
        **overrides,
    }
    return EmailSection.model_validate(values)


def outgoing(calendar: str | None = None) -> Outgoing:
    from notifications.kinds import Channel

    message = render("test_message", "en", {"text": "<b>bold</b>"})
    return Outgoing(7, Channel.EMAIL, "lawyer@example.test", message, calendar)


async def test_a_message_arrives_with_text_and_html_parts() -> None:
    with smtp_server() as server:
        receipt = await SmtpSender(email_config(server.port)).send(outgoing())
    received = server.inbox.messages[0]
    parts = {
        part.get_content_type(): part.get_content()
        for part in received.walk()
        if not part.is_multipart()
    }
    assert parts["text/plain"].strip() == "This is a test message: <b>bold</b>"
    assert parts["text/html"].strip() == "<p>This is a test message: &lt;b&gt;bold&lt;/b&gt;</p>"
    assert received["Subject"] == "lawmeet test message"
    assert received["Message-ID"] == receipt.provider_id == message_id(7, "x@court.example")


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
async def test_the_calendar_part_names_the_files_method(method: str) -> None:
    with smtp_server() as server:
        await SmtpSender(email_config(server.port)).send(outgoing(ICS.format(method=method)))
    part = next(
        p for p in server.inbox.messages[0].walk() if p.get_content_type() == "text/calendar"
    )
    assert part.get_param("method") == method
    assert f"METHOD:{method}" in part.get_content()


async def test_a_message_goes_over_starttls_with_a_trusted_certificate() -> None:
    tls = tls_pair()
    with smtp_server(tls_context=tls.server, require_starttls=True) as server:
        sender = SmtpSender(email_config(server.port, tls="starttls"), tls_context=tls.client)
        await sender.send(outgoing())
    assert len(server.inbox.messages) == 1


async def test_a_message_goes_over_implicit_tls() -> None:
    tls = tls_pair()
    with smtp_server(ssl_context=tls.server) as server:
        sender = SmtpSender(email_config(server.port, tls="tls"), tls_context=tls.client)
        await sender.send(outgoing())
    assert len(server.inbox.messages) == 1


async def test_plain_text_to_a_server_requiring_starttls_is_refused() -> None:
    tls = tls_pair()
    with (
        smtp_server(tls_context=tls.server, require_starttls=True) as server,
        pytest.raises(DeliveryError),
    ):
        await SmtpSender(email_config(server.port)).send(outgoing())
    assert server.inbox.messages == []


async def test_a_5xx_answer_is_a_permanent_failure() -> None:
    with smtp_server() as server:
        server.inbox.reject_with = "550 mailbox unavailable"
        with pytest.raises(DeliveryError) as caught:
            await SmtpSender(email_config(server.port)).send(outgoing())
    assert caught.value.permanent


async def test_a_4xx_answer_is_a_transient_failure() -> None:
    with smtp_server() as server:
        server.inbox.reject_with = "451 try again later"
        with pytest.raises(DeliveryError) as caught:
            await SmtpSender(email_config(server.port)).send(outgoing())
    assert not caught.value.permanent


async def test_a_server_that_is_down_is_a_transient_failure() -> None:
    with smtp_server() as server:
        port = server.port
    with pytest.raises(DeliveryError) as caught:
        await SmtpSender(email_config(port)).send(outgoing())
    assert not caught.value.permanent


async def test_a_server_that_never_answers_times_out_as_a_transient_failure() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)  # accepts the connection, never greets
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    try:
        with pytest.raises(DeliveryError) as caught:
            await SmtpSender(email_config(port, timeout_seconds=0.3)).send(outgoing())
    finally:
        server.close()
    assert "timed out" in str(caught.value) and not caught.value.permanent
