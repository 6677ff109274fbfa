"""The worker against real peers: an SMTP server that goes down and back, a fake Twilio API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from app.settings import Settings
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.services import enqueue
from notifications.sms import TwilioSender, status_callback_url
from notifications.smtp import SmtpSender
from notifications.worker import Worker
from tests.integration.notification_fakes import (
    FakeTwilio,
    fake_twilio,
    free_port,
    smtp_server,
    twilio_error,
    twilio_message,
    worker_config,
)
from tests.integration.test_notification_email import email_config

pytestmark = pytest.mark.usefixtures("database")


async def test_rows_wait_while_smtp_is_down_and_go_out_when_it_returns() -> None:
    port = free_port()
    rows = [
        await enqueue(
            "test_message", Channel.EMAIL, address=f"l{n}@example.test", payload={"text": "x"}
        )
        for n in range(3)
    ]
    worker = Worker(worker_config(), {Channel.EMAIL: SmtpSender(email_config(port))})
    await worker.run_once()
    waiting = await Notification.filter(status=Status.PENDING).order_by("id")
    assert [(r.attempts, r.next_attempt_at > datetime.now(UTC)) for r in waiting] == [(1, True)] * 3

    await Notification.all().update(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
    with smtp_server(port) as server:
        assert await worker.run_once() == 3
    assert await Notification.filter(status=Status.SENT).count() == len(rows)
    assert sorted(str(m["To"]) for m in server.inbox.messages) == [
        "l0@example.test",
        "l1@example.test",
        "l2@example.test",
    ]


@pytest.fixture
async def twilio(settings: Settings) -> AsyncIterator[tuple[FakeTwilio, Worker]]:
    async with fake_twilio() as fake:
        client = Client("AC" + "0" * 32, "token", http_client=AsyncTwilioHttpClient())
        client.api.base_url = f"http://127.0.0.1:{fake.port}"
        sender = TwilioSender(client, "+15005550006", status_callback_url(settings))
        try:
            yield fake, Worker(worker_config(), {Channel.SMS: sender})
        finally:
            await sender.close()


async def sms_row() -> Notification:
    return await enqueue(
        "test_message", Channel.SMS, address="+8613800000000", payload={"text": "x"}
    )


async def test_a_201_answer_marks_the_sms_sent_with_its_sid(
    twilio: tuple[FakeTwilio, Worker],
) -> None:
    fake, worker = twilio
    fake.script.append((201, twilio_message("SM123")))
    row = await sms_row()
    await worker.run_once()
    await row.refresh_from_db()
    assert (row.status, row.provider_id) == (Status.SENT, "SM123")
    sent = parse_qs(fake.requests[0])
    assert sent["StatusCallback"] == ["http://testserver/webhooks/twilio/status"]
    assert sent["To"] == ["+8613800000000"]


@pytest.mark.parametrize("code", [21211, 21610])  # invalid number, recipient opted out
async def test_an_invalid_or_opted_out_number_makes_the_sms_dead_at_once(
    twilio: tuple[FakeTwilio, Worker], code: int
) -> None:
    fake, worker = twilio
    fake.script.append((400, twilio_error(400, code, "refused")))
    row = await sms_row()
    await worker.run_once()
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.DEAD, 1)
    assert str(code) in row.last_error


@pytest.mark.parametrize("status", [429, 500])
async def test_a_throttled_or_failing_twilio_is_retried_later(
    twilio: tuple[FakeTwilio, Worker], status: int
) -> None:
    fake, worker = twilio
    fake.script.append((status, twilio_error(status, 20429 if status == 429 else 20500)))
    row = await sms_row()
    await worker.run_once()
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.next_attempt_at > datetime.now(UTC)
