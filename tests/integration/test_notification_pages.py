"""The inbox and its badge, the notifications admin page, and their API twins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from app.accounts.roles import AccountStatus, Role
from app.audit.models import AuditEntry
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.services import enqueue
from tests.integration.helpers import (
    api_token,
    bearer,
    in_english,
    make_user,
    post_form,
    put_on_register,
    signed_in,
)


async def inapp(user_id: int, text: str, minutes_ago: int = 0) -> Notification:
    from app.accounts.models import User

    row = await enqueue(
        "test_message", Channel.INAPP, recipient=await User.get(id=user_id), payload={"text": text}
    )
    created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    await Notification.filter(id=row.id).update(created_at=created)
    return row


async def dead_email(error: str = "SMTP: 550 mailbox unavailable") -> Notification:
    row = await enqueue("test_message", Channel.EMAIL, address="x@example.test", payload={})
    await Notification.filter(id=row.id).update(status=Status.DEAD, attempts=1, last_error=error)
    return row


async def test_the_inbox_lists_my_notices_newest_first_and_no_one_elses(
    client: AsyncClient,
) -> None:
    in_english(client)
    me = await signed_in(client, Role.LAWYER, locale="en")
    other = await make_user(Role.LAWYER)
    await inapp(me.id, "older", minutes_ago=5)
    await inapp(me.id, "newer")
    await inapp(other.id, "someone else's")
    page = (await client.get("/inbox")).text
    assert page.index("test message: newer") < page.index("test message: older")
    assert "someone else" not in page


async def test_the_navigation_shows_the_unread_count(client: AsyncClient) -> None:
    me = await signed_in(client, Role.LAWYER)
    await inapp(me.id, "one")
    await inapp(me.id, "two")
    page = (await client.get("/")).text
    assert '<span class="badge"' in page and ">2</span>" in page


async def test_marking_a_notice_read_clears_it_from_the_badge(client: AsyncClient) -> None:
    me = await signed_in(client, Role.LAWYER)
    row = await inapp(me.id, "one")
    response = await post_form(client, f"/inbox/{row.id}/read", csrf_page="/inbox")
    assert response.status_code == 303
    await row.refresh_from_db()
    assert row.read_at is not None
    assert '<span class="badge"' not in (await client.get("/")).text


async def test_no_one_can_mark_another_users_notice_read(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER)
    other = await make_user(Role.LAWYER)
    row = await inapp(other.id, "theirs")
    await post_form(client, f"/inbox/{row.id}/read", csrf_page="/inbox")
    await row.refresh_from_db()
    assert row.read_at is None


async def test_the_api_lists_and_marks_my_inbox(client: AsyncClient) -> None:
    me = await make_user(Role.LAWYER, locale="en")
    row = await inapp(me.id, "hello")
    headers = bearer(await api_token(me))
    listed = (await client.get("/api/v1/inbox", headers=headers)).json()
    assert [(item["id"], item["read"]) for item in listed] == [(row.id, False)]
    marked = await client.post("/api/v1/inbox/read", headers=headers)
    assert marked.json() == {"marked": 1}
    assert (await client.get("/api/v1/inbox", headers=headers)).json()[0]["read"] is True


async def test_the_admin_page_lists_dead_notifications_with_their_error(
    client: AsyncClient,
) -> None:
    await dead_email("SMTP: 550 mailbox unavailable")
    await signed_in(client, Role.ADMIN)
    page = (await client.get("/admin/notifications")).text
    assert "SMTP: 550 mailbox unavailable" in page


async def test_retry_puts_a_dead_notification_back_in_the_queue(client: AsyncClient) -> None:
    row = await dead_email()
    admin = await signed_in(client, Role.ADMIN)
    response = await post_form(
        client, f"/admin/notifications/{row.id}/retry", csrf_page="/admin/notifications"
    )
    assert response.status_code == 303
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 0)
    assert row.next_attempt_at <= datetime.now(UTC)
    (entry,) = await AuditEntry.filter(action="notification.retried")
    assert (entry.actor_id, entry.object_id) == (admin.id, str(row.id))


async def test_only_admins_reach_the_notifications_page(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER)
    assert (await client.get("/admin/notifications")).status_code == 403


async def test_the_api_retries_a_dead_notification_and_404s_a_sent_one(
    client: AsyncClient,
) -> None:
    dead = await dead_email()
    sent = await enqueue("test_message", Channel.CONSOLE, payload={})
    await Notification.filter(id=sent.id).update(status=Status.SENT)
    headers = bearer(await api_token(await make_user(Role.ADMIN)))
    listed = (await client.get("/api/v1/notifications/troubled", headers=headers)).json()
    assert [item["id"] for item in listed] == [dead.id]
    ok = await client.post(f"/api/v1/notifications/{dead.id}/retry", headers=headers)
    missing = await client.post(f"/api/v1/notifications/{sent.id}/retry", headers=headers)
    assert (ok.status_code, missing.status_code) == (200, 404)


async def test_verifying_a_lawyer_sends_an_inbox_notice_and_an_email(client: AsyncClient) -> None:
    lawyer = await make_user(Role.LAWYER, status=AccountStatus.PENDING)
    await put_on_register(lawyer)
    await signed_in(client, Role.ADMIN)
    await post_form(client, f"/verification/{lawyer.id}/verify", csrf_page="/verification")
    rows = await Notification.filter(recipient_id=lawyer.id, template="account_verified")
    assert {(row.channel, row.address) for row in rows} == {
        (Channel.INAPP, ""),
        (Channel.EMAIL, lawyer.email),
    }
    assert rows[0].payload["licence_number"] == lawyer.licence_number


async def test_verifying_through_the_api_sends_the_notice_too(client: AsyncClient) -> None:
    lawyer = await make_user(Role.LAWYER, status=AccountStatus.PENDING)
    await put_on_register(lawyer)
    headers = bearer(await api_token(await make_user(Role.ADMIN)))
    response = await client.post(f"/api/v1/lawyers/{lawyer.id}/verify", headers=headers)
    assert response.status_code == 200, response.text
    assert await Notification.filter(recipient_id=lawyer.id).count() == 2
