"""The Twilio status callback: signed requests only, and a row never moves backwards."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from twilio.request_validator import RequestValidator

from app.settings import Settings
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.services import enqueue

TOKEN = "twilio-test-auth-token"
URL = "http://testserver/webhooks/twilio/status"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"sms": settings.sms.model_copy(update={"auth_token": TOKEN})}
    )


async def sent_sms(sid: str = "SM1") -> Notification:
    row = await enqueue("test_message", Channel.SMS, address="+8613800000000", payload={})
    await Notification.filter(id=row.id).update(status=Status.SENT, provider_id=sid)
    return row


async def callback(
    client: AsyncClient, status: str, sid: str = "SM1", signature: str | None = None
) -> int:
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC1"}
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(URL, params)
    response = await client.post(
        "/webhooks/twilio/status", data=params, headers={"X-Twilio-Signature": signature}
    )
    return response.status_code


async def status_of(row: Notification) -> Status:
    await row.refresh_from_db()
    return row.status


async def test_a_signed_callback_marks_the_sms_delivered(client: AsyncClient) -> None:
    row = await sent_sms()
    assert await callback(client, "delivered") == 204
    assert await status_of(row) == Status.DELIVERED


async def test_a_callback_with_a_wrong_signature_is_refused(client: AsyncClient) -> None:
    row = await sent_sms()
    assert await callback(client, "delivered", signature="forged") == 403
    assert await status_of(row) == Status.SENT


async def test_an_unsigned_callback_is_refused(client: AsyncClient) -> None:
    row = await sent_sms()
    response = await client.post(
        "/webhooks/twilio/status", data={"MessageSid": "SM1", "MessageStatus": "delivered"}
    )
    assert response.status_code == 403
    assert await status_of(row) == Status.SENT


async def test_a_late_sent_callback_does_not_undo_delivered(client: AsyncClient) -> None:
    row = await sent_sms()
    assert await callback(client, "delivered") == 204
    assert await callback(client, "sent") == 204
    assert await status_of(row) == Status.DELIVERED


async def test_a_late_failed_callback_does_not_undo_delivered(client: AsyncClient) -> None:
    row = await sent_sms()
    await callback(client, "delivered")
    await callback(client, "undelivered")
    assert await status_of(row) == Status.DELIVERED


async def test_an_undelivered_callback_marks_a_sent_sms_failed(client: AsyncClient) -> None:
    row = await sent_sms()
    assert await callback(client, "undelivered") == 204
    await row.refresh_from_db()
    assert row.status == Status.FAILED and "undelivered" in row.last_error


async def test_a_repeated_callback_changes_nothing_more(client: AsyncClient) -> None:
    row = await sent_sms()
    await callback(client, "delivered")
    await row.refresh_from_db()
    first = row.delivered_at
    await callback(client, "delivered")
    await row.refresh_from_db()
    assert row.delivered_at == first
