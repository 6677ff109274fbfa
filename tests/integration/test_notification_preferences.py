"""Notification preferences: channels and language chosen by the user, honoured by enqueue,
overridden only for statutory notices (which go by the other channel and say so)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from app.accounts.roles import Role
from notifications.kinds import Channel, Status
from notifications.models import Notification, NotificationPreference
from notifications.services import enqueue, notify_user
from tests.integration.helpers import (
    api_token,
    audit_actions,
    bearer,
    in_english,
    make_user,
    post_form,
    signed_in,
)

PHONE = "+8613800001111"
DEADLINE = datetime.now(UTC) + timedelta(days=3)


async def lawyer(**prefs: object) -> User:
    user = await make_user(Role.LAWYER, phone=PHONE, locale="zh-CN")
    if prefs:
        await NotificationPreference.create(user_id=user.id, **prefs)
    return user


@pytest.mark.usefixtures("database")
async def test_a_non_statutory_email_the_user_turned_off_is_cancelled_not_sent() -> None:
    user = await lawyer(email=False)
    row = await enqueue("test_message", Channel.EMAIL, recipient=user, payload={"text": "x"})
    assert (row.status, row.last_error) == (Status.CANCELLED, "not sent: preference")


@pytest.mark.usefixtures("database")
async def test_notify_user_sends_only_by_channels_kept_on_and_always_to_the_inbox() -> None:
    user = await lawyer(email=False, sms=True)
    rows = await notify_user(user, "test_message", {"text": "x"}, (Channel.INAPP, Channel.EMAIL))
    assert {(r.channel, r.status) for r in rows} == {
        (Channel.INAPP, Status.PENDING),
        (Channel.EMAIL, Status.CANCELLED),
    }


@pytest.mark.usefixtures("database")
async def test_a_statutory_email_turned_off_goes_by_sms_with_the_fallback_recorded() -> None:
    user = await lawyer(email=False)
    row = await enqueue(
        "test_message",
        Channel.EMAIL,
        recipient=user,
        payload={"text": "x"},
        duty_id="N5",
        deadline=DEADLINE,
    )
    assert (row.channel, row.address, row.status) == (Channel.SMS, PHONE, Status.PENDING)
    assert row.payload["fallback"] == {"from": "email", "to": "sms", "reason": "preference"}


@pytest.mark.usefixtures("database")
async def test_a_statutory_notice_on_email_and_sms_is_written_once_when_email_is_off() -> None:
    user = await lawyer(email=False)
    rows = await notify_user(
        user,
        "test_message",
        {"text": "x"},
        (Channel.INAPP, Channel.EMAIL, Channel.SMS),
        duty_id="N5",
        deadline=DEADLINE,
    )
    assert sorted(r.channel.value for r in rows) == ["inapp", "sms"]


@pytest.mark.usefixtures("database")
async def test_a_statutory_notice_goes_by_a_turned_off_channel_when_it_is_the_only_one() -> None:
    user = await lawyer(email=False, sms=False)
    row = await enqueue(
        "test_message", Channel.EMAIL, recipient=user, payload={"text": "x"}, duty_id="N5"
    )
    assert (row.channel, row.status) == (Channel.EMAIL, Status.PENDING)
    assert row.payload["fallback"]["reason"] == "preference"


@pytest.mark.usefixtures("database")
async def test_the_preferred_language_wins_over_the_account_locale() -> None:
    user = await lawyer(language="en")
    row = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "x"})
    assert row.language == "en"


@pytest.mark.usefixtures("database")
async def test_without_a_preference_the_account_locale_decides_the_language() -> None:
    user = await make_user(Role.LAWYER, locale="en")
    row = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "x"})
    assert row.language == "en"


async def test_the_settings_page_saves_choices_and_audits_them(client: AsyncClient) -> None:
    in_english(client)
    me = await signed_in(client, Role.LAWYER, phone=PHONE)
    page = await client.get("/profile/notifications")
    assert page.status_code == 200 and "Notification settings" in page.text
    response = await post_form(
        client,
        "/profile/notifications",
        {"sms": "on", "language": "en"},
        csrf_page="/profile/notifications",
    )
    assert response.status_code == 303
    saved = await NotificationPreference.get(user_id=me.id)
    assert (saved.email, saved.sms, saved.language) == (False, True, "en")
    assert "notification_preference.changed" in await audit_actions()


async def test_an_unknown_language_is_refused_and_the_choice_kept(client: AsyncClient) -> None:
    in_english(client)
    me = await signed_in(client, Role.LAWYER)
    response = await post_form(
        client,
        "/profile/notifications",
        {"email": "on", "language": "fr"},
        csrf_page="/profile/notifications",
    )
    assert response.status_code == 422
    assert "Choose one of the offered languages." in response.text
    assert not await NotificationPreference.filter(user_id=me.id).exists()


async def test_the_settings_page_lists_statutory_notices_sent_by_another_channel(
    client: AsyncClient,
) -> None:
    in_english(client)
    me = await signed_in(client, Role.LAWYER, phone=PHONE)
    await NotificationPreference.create(user_id=me.id, email=False)
    row = await enqueue("test_message", Channel.EMAIL, recipient=me, payload={}, duty_id="N5")
    page = (await client.get("/profile/notifications")).text
    assert f'id="fallback-{row.id}"' in page
    assert "the recipient turned this channel off" in page


async def test_the_api_reads_and_replaces_my_preferences(client: AsyncClient) -> None:
    me = await make_user(Role.LAWYER, locale="en")
    headers = bearer(await api_token(me))
    before = (await client.get("/api/v1/notification-preferences", headers=headers)).json()
    assert before == {"email": True, "sms": True, "language": "en", "sms_opted_out": False}
    put = await client.put(
        "/api/v1/notification-preferences",
        headers=headers,
        json={"email": True, "sms": False, "language": "zh-CN"},
    )
    assert put.status_code == 200
    assert put.json() == {"email": True, "sms": False, "language": "zh-CN", "sms_opted_out": False}
    bad = await client.put(
        "/api/v1/notification-preferences",
        headers=headers,
        json={"email": True, "sms": False, "language": "fr"},
    )
    assert bad.status_code == 422
    assert await Notification.all().count() == 0


@pytest.mark.usefixtures("database")
async def test_a_statutory_notice_to_a_user_without_a_phone_goes_once_by_email() -> None:
    user = await make_user(Role.LAWYER, phone="")
    rows = await notify_user(
        user,
        "test_message",
        {"text": "x"},
        (Channel.INAPP, Channel.SMS, Channel.EMAIL),
        duty_id="N3",
    )
    assert sorted((r.channel.value, "fallback" in r.payload) for r in rows) == [
        ("email", False),
        ("inapp", False),
    ]
