"""Inbound SMS: STOP/退订 opts a number out, START/订阅 back in; signed requests only. The
worker then cancels non-statutory SMS to it and moves statutory ones to e-mail."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from twilio.request_validator import RequestValidator

from app.accounts.roles import Role
from app.settings import Settings
from notifications.channels import DeliveryError
from notifications.kinds import Channel, Status
from notifications.models import Notification, SmsOptOut
from notifications.services import enqueue
from notifications.worker import Worker
from tests.integration.helpers import audit_actions, in_english, make_user, signed_in
from tests.integration.notification_fakes import RecordingSender, worker_config

TOKEN = "twilio-test-auth-token"
URL = "http://testserver/webhooks/twilio/inbound"
PHONE = "+8613800002222"
TEXT = {"text": "x"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"sms": settings.sms.model_copy(update={"auth_token": TOKEN})}
    )


async def reply(client: AsyncClient, body: str, signature: str | None = None) -> int:
    params = {"From": PHONE, "To": "+8610000000", "Body": body, "MessageSid": "SMin"}
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(URL, params)
    response = await client.post(
        "/webhooks/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )
    if response.status_code == 200:
        assert response.headers["content-type"].startswith("text/xml")
        assert response.text.endswith("<Response></Response>")
    return response.status_code


@pytest.mark.parametrize("word", ["STOP", " stop ", "退订", "退 订", "Unsubscribe"])
async def test_a_signed_stop_reply_opts_the_number_out(client: AsyncClient, word: str) -> None:
    assert await reply(client, word) == 200
    (row,) = await SmsOptOut.all()
    assert row.phone == PHONE
    assert "sms.opted_out" in await audit_actions()


@pytest.mark.parametrize("word", ["START", "订阅"])
async def test_a_start_reply_opts_the_number_back_in(client: AsyncClient, word: str) -> None:
    await reply(client, "STOP")
    assert await reply(client, word) == 200
    assert await SmsOptOut.all().count() == 0
    assert (await audit_actions())[-1] == "sms.opted_in"


async def test_other_replies_change_nothing(client: AsyncClient) -> None:
    assert await reply(client, "stop sending me meeting times?") == 200
    assert await SmsOptOut.all().count() == 0


async def test_an_unsigned_or_forged_stop_is_refused(client: AsyncClient) -> None:
    forged = await reply(client, "STOP", signature="forged")
    unsigned = await client.post("/webhooks/twilio/inbound", data={"From": PHONE, "Body": "STOP"})
    assert (forged, unsigned.status_code) == (403, 403)
    assert await SmsOptOut.all().count() == 0


async def test_enqueue_cancels_a_non_statutory_sms_to_an_opted_out_number(
    client: AsyncClient,
) -> None:
    await reply(client, "STOP")
    user = await make_user(Role.LAWYER, phone="138 0000 2222")  # same number, typed locally
    row = await enqueue("test_message", Channel.SMS, recipient=user, payload={"text": "x"})
    assert (row.status, row.last_error) == (Status.CANCELLED, "not sent: opted_out")


async def test_enqueue_sends_a_statutory_sms_to_an_opted_out_number_by_email(
    client: AsyncClient,
) -> None:
    await reply(client, "退订")
    user = await make_user(Role.LAWYER, phone=PHONE)
    row = await enqueue("test_message", Channel.SMS, recipient=user, payload=TEXT, duty_id="N5")
    assert (row.channel, row.address) == (Channel.EMAIL, user.email)
    assert row.payload["fallback"] == {"from": "sms", "to": "email", "reason": "opted_out"}


async def test_the_worker_cancels_a_queued_sms_when_the_number_opted_out_since(
    client: AsyncClient,
) -> None:
    user = await make_user(Role.LAWYER, phone=PHONE)
    row = await enqueue("test_message", Channel.SMS, recipient=user, payload={"text": "x"})
    await reply(client, "STOP")
    sender = RecordingSender()
    await Worker(worker_config(), {channel: sender for channel in Channel}).run_once()
    await row.refresh_from_db()
    assert (row.status, sender.sent) == (Status.CANCELLED, [])


async def test_the_worker_moves_a_queued_statutory_sms_to_email_after_stop(
    client: AsyncClient,
) -> None:
    user = await make_user(Role.LAWYER, phone=PHONE)
    row = await enqueue("test_message", Channel.SMS, recipient=user, payload=TEXT, duty_id="N5")
    await reply(client, "STOP")
    sender = RecordingSender()
    worker = Worker(worker_config(), {channel: sender for channel in Channel})
    await worker.run_once()  # moves it
    await worker.run_once()  # sends it by e-mail
    await row.refresh_from_db()
    assert (row.channel, row.status) == (Channel.EMAIL, Status.SENT)
    assert [o.address for o in sender.sent] == [user.email]


@pytest.mark.usefixtures("database")
async def test_twilio_error_21610_records_the_opt_out_and_moves_a_statutory_sms() -> None:
    user = await make_user(Role.LAWYER, phone=PHONE)
    plain = await enqueue("test_message", Channel.SMS, recipient=user, payload={"text": "x"})
    legal = await enqueue("test_message", Channel.SMS, recipient=user, payload=TEXT, duty_id="N5")
    refused = DeliveryError("Twilio 400 code 21610", permanent=True, opted_out=True)
    await Worker(worker_config(), {Channel.SMS: RecordingSender(fail=refused)}).run_once()
    await plain.refresh_from_db()
    await legal.refresh_from_db()
    assert await SmsOptOut.filter(phone=PHONE, keyword="21610").exists()
    assert plain.status == Status.DEAD  # a permanent refusal, as before
    assert (legal.channel, legal.status) == (Channel.EMAIL, Status.PENDING)


async def test_the_opt_out_shows_on_the_users_settings_page(client: AsyncClient) -> None:
    await reply(client, "STOP")
    in_english(client)
    await signed_in(client, Role.LAWYER, phone=PHONE)
    mine = (await client.get("/profile/notifications")).text
    assert f"Your number {PHONE} replied STOP" in mine


async def test_the_opt_out_shows_on_the_admin_notifications_page(client: AsyncClient) -> None:
    await reply(client, "STOP")
    in_english(client)
    await signed_in(client, Role.ADMIN)
    admin = (await client.get("/admin/notifications")).text
    assert PHONE in admin and "Numbers opted out of SMS" in admin
    assert await Notification.all().count() == 0
