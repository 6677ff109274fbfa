"""An SMS whose last attempt may have reached Twilio unseen is looked for before it is sent
again; in-app notices are delivered without a lease, so a crash never holds them back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from app.accounts.roles import Role
from notifications.channels import ConsoleSender, DeliveryError, Outgoing
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.rendering import render
from notifications.resend import CLOCK_SKEW, UNKNOWN_KEY
from notifications.services import enqueue, inbox
from notifications.sms import TwilioSender
from notifications.worker import Worker
from tests.integration.helpers import make_user
from tests.integration.notification_fakes import (
    FakeTwilioClient,
    twilio_server,
    worker_config,
)

pytestmark = pytest.mark.usefixtures("database")
PHONE = "+8613800000000"
FROM = "+15005550006"


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilioClient]:
    yield FakeTwilioClient()


def worker(client: FakeTwilioClient) -> Worker:
    sender = TwilioSender(client, FROM, "http://testserver/webhooks/twilio/status")
    return Worker(worker_config(), {Channel.SMS: sender})


async def sms_row(text: str = "x") -> Notification:
    return await enqueue("test_message", Channel.SMS, address=PHONE, payload={"text": text})


def sms_text(text: str = "x") -> str:
    return render("test_message", "zh-CN", {"text": text}).sms


async def crash_after_claim(client: FakeTwilioClient, *, reached_twilio: bool) -> Notification:
    """A worker claims the SMS, (perhaps) gets it to Twilio, and dies before recording it;
    then its lease runs out."""
    row = await sms_row()
    [claimed] = await worker(client).claim()
    if reached_twilio:
        client.messages.add(PHONE, FROM, sms_text())
    await Notification.filter(id=row.id).update(
        lease_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    return claimed


async def test_an_interrupted_sms_twilio_already_has_is_recorded_not_sent_again(
    twilio: FakeTwilioClient,
) -> None:
    row = await crash_after_claim(twilio, reached_twilio=True)
    [earlier] = twilio.messages.sent
    await worker(twilio).run_once()
    await row.refresh_from_db()
    assert len(twilio.messages.sent) == 1
    assert (row.status, row.provider_id) == (Status.SENT, earlier.sid)
    assert UNKNOWN_KEY not in row.payload


async def test_an_interrupted_sms_twilio_never_got_is_sent(twilio: FakeTwilioClient) -> None:
    row = await crash_after_claim(twilio, reached_twilio=False)
    await worker(twilio).run_once()
    await row.refresh_from_db()
    [sent] = twilio.messages.sent
    assert (row.status, row.provider_id, sent.body) == (Status.SENT, sent.sid, sms_text())


async def test_the_look_asks_for_the_number_and_sender_since_the_attempt_began(
    twilio: FakeTwilioClient,
) -> None:
    before = datetime.now(UTC)
    await crash_after_claim(twilio, reached_twilio=False)
    await worker(twilio).run_once()
    [query] = twilio.messages.queries
    assert (query["to"], query["from_"]) == (PHONE, FROM)
    # From the attempt's start, less the allowance for the provider's clock.
    assert before - CLOCK_SKEW <= query["date_sent_after"] <= before


async def test_an_sms_whose_send_timed_out_is_not_sent_again(twilio: FakeTwilioClient) -> None:
    row = await sms_row()
    twilio.messages.fail_after_send = TimeoutError()
    await worker(twilio).run_once()
    await row.refresh_from_db()
    assert (row.status, UNKNOWN_KEY in row.payload) == (Status.PENDING, True)

    await Notification.filter(id=row.id).update(next_attempt_at=datetime.now(UTC))
    await worker(twilio).run_once()
    await row.refresh_from_db()
    [sent] = twilio.messages.sent
    assert (row.status, row.provider_id) == (Status.SENT, sent.sid)


async def test_a_refused_connection_is_simply_retried_without_a_look(
    twilio: FakeTwilioClient,
) -> None:
    row = await sms_row()
    twilio.messages.fail_after_send = ConnectionRefusedError()
    await worker(twilio).run_once()
    await row.refresh_from_db()
    assert row.status == Status.PENDING and UNKNOWN_KEY not in row.payload


async def test_a_message_of_the_same_text_held_by_another_notice_is_not_taken(
    twilio: FakeTwilioClient,
) -> None:
    other = await sms_row()
    twin = twilio.messages.add(PHONE, FROM, sms_text())
    await Notification.filter(id=other.id).update(status=Status.SENT, provider_id=twin.sid)
    row = await crash_after_claim(twilio, reached_twilio=False)
    await worker(twilio).run_once()
    await row.refresh_from_db()
    assert len(twilio.messages.sent) == 2 and row.provider_id == twilio.messages.sent[1].sid


async def test_two_interrupted_sms_of_one_text_looked_up_together_keep_one_message_each(
    twilio: FakeTwilioClient,
) -> None:
    """One batch holds two notices of the same text to one number, both of unknown outcome,
    and only one reached Twilio. Their look-ups run side by side (a real one takes a moment):
    the first claims the message, the second sees it taken and sends its own."""
    listed = twilio.messages.list_async

    async def slow_list(**asked: Any) -> Any:
        found = await listed(**asked)
        await asyncio.sleep(0.05)
        return found

    twilio.messages.list_async = slow_list  # type: ignore[method-assign]
    first, second = await sms_row("same"), await sms_row("same")
    sms = worker(twilio)
    await sms.claim()
    twilio.messages.add(PHONE, FROM, sms_text("same"))  # only one reached Twilio
    await Notification.filter(id__in=[first.id, second.id]).update(
        lease_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    await sms.run_once()  # recovered, marked unknown
    await Notification.filter(id__in=[first.id, second.id]).update(
        next_attempt_at=datetime.now(UTC)
    )
    await sms.run_once()
    rows = await Notification.filter(id__in=[first.id, second.id])
    assert {r.status for r in rows} == {Status.SENT}
    assert len(twilio.messages.sent) == 2
    assert {r.provider_id for r in rows} == {m.sid for m in twilio.messages.sent}


async def test_a_message_twilio_reports_failed_does_not_count_as_sent(
    twilio: FakeTwilioClient,
) -> None:
    row = await crash_after_claim(twilio, reached_twilio=True)
    twilio.messages.sent[0].status = "undelivered"
    await worker(twilio).run_once()
    await row.refresh_from_db()
    assert len(twilio.messages.sent) == 2 and row.provider_id == twilio.messages.sent[1].sid


async def test_when_twilio_cannot_answer_the_look_the_sms_waits_rather_than_risk_a_second(
    twilio: FakeTwilioClient,
) -> None:
    row = await crash_after_claim(twilio, reached_twilio=True)
    twilio.messages.fail_list = TimeoutError()
    await worker(twilio).run_once()
    await row.refresh_from_db()
    assert len(twilio.messages.sent) == 1
    assert (row.status, UNKNOWN_KEY in row.payload) == (Status.PENDING, True)
    assert "lookup" in row.last_error


async def test_the_console_backend_answers_the_look_with_what_it_printed() -> None:
    console = ConsoleSender()
    sms = Worker(worker_config(), {Channel.SMS: console})
    row = await sms_row()
    [claimed] = await sms.claim()
    await console.send(_outgoing(claimed))  # the dead worker printed it, then died
    await Notification.filter(id=row.id).update(
        lease_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    await sms.run_once()
    await row.refresh_from_db()
    assert len(console.printed) == 1
    assert (row.status, row.provider_id) == (Status.SENT, f"console-{row.id}")


def _outgoing(row: Notification) -> Outgoing:
    return Outgoing(row.id, row.channel, row.address, render(row.template, "zh-CN", row.payload))


async def test_twilio_sender_looks_up_messages_over_http() -> None:
    async with twilio_server() as fake:
        client = Client("AC" + "0" * 32, "token", http_client=AsyncTwilioHttpClient())
        client.api.base_url = f"http://127.0.0.1:{fake.port}"
        sender = TwilioSender(client, FROM, "http://testserver/webhooks/twilio/status")
        try:
            row = await sms_row()
            receipt = await sender.send(_outgoing(row))
            since = datetime.now(UTC) - timedelta(minutes=1)
            assert await sender.find_sent(PHONE, sms_text(), since) == [receipt.provider_id]
            assert await sender.find_sent(PHONE, "another text", since) == []
            assert await sender.find_sent("+8613900000000", sms_text(), since) == []
        finally:
            await sender.close()


async def test_inapp_notices_show_in_the_inbox_at_once_with_no_worker_running() -> None:
    user = await make_user(Role.LAWYER)
    row = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "x"})
    assert [n.id for n in await inbox(user.id)] == [row.id]


async def test_inapp_notices_are_delivered_at_once_after_a_crash_mid_batch(
    twilio: FakeTwilioClient,
) -> None:
    user = await make_user(Role.LAWYER)
    sms = await sms_row()
    notice = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "x"})
    claimed = await worker(twilio).claim()  # then the worker dies mid-batch
    assert [row.id for row in claimed] == [sms.id]

    await worker(twilio).run_once()  # a new worker at once: the SMS's lease still runs
    await notice.refresh_from_db()
    await sms.refresh_from_db()
    assert (notice.status, notice.lease_until) == (Status.DELIVERED, None)
    assert sms.status == Status.SENDING


async def test_a_stale_inapp_reminder_is_cancelled_not_delivered() -> None:
    user = await make_user(Role.LAWYER)
    passed = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    row = await enqueue(
        "test_message", Channel.INAPP, recipient=user, payload={"text": "x", "stale_after": passed}
    )
    await Worker(worker_config(), {}).run_once()
    await row.refresh_from_db()
    assert row.status == Status.CANCELLED


async def test_an_inapp_notice_that_cannot_be_rendered_is_dead() -> None:
    user = await make_user(Role.LAWYER)
    row = await enqueue("test_message", Channel.INAPP, recipient=user, payload={})
    await Worker(worker_config(), {}).run_once()
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.DEAD, 1)
    assert row.last_error.startswith("template:")


async def test_twilio_errors_that_may_hide_a_send_are_marked_unknown() -> None:
    client = FakeTwilioClient()
    sender = TwilioSender(client, FROM, "http://testserver/webhooks/twilio/status")
    client.messages.fail_after_send = TimeoutError()
    row = await sms_row()
    with pytest.raises(DeliveryError) as raised:
        await sender.send(_outgoing(row))
    assert raised.value.unknown and not raised.value.permanent
