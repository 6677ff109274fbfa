"""The admin's preview of every message template, and the inbox in pages (page and API)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from app.accounts.models import User
from app.accounts.roles import Role
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.rendering import LANGUAGES, known_kinds
from notifications.services import INBOX_PAGE, enqueue, inbox, unread_count
from tests.integration.helpers import api_token, bearer, in_english, post_form, signed_in


async def test_the_preview_shows_every_kind_in_both_languages(client: AsyncClient) -> None:
    in_english(client)
    await signed_in(client, Role.ADMIN)
    response = await client.get("/admin/notifications/templates")
    assert response.status_code == 200
    page = response.text
    for kind in known_kinds():
        for language in LANGUAGES:
            assert f'id="preview-{kind}-{language}"' in page, (kind, language)


async def test_the_preview_renders_html_in_a_sandbox_and_counts_sms_segments(
    client: AsyncClient,
) -> None:
    in_english(client)
    await signed_in(client, Role.ADMIN)
    page = (await client.get("/admin/notifications/templates")).text
    section = page[page.index('id="preview-test_message-zh-CN"') :]
    assert '<iframe class="message-html" sandbox ' in section
    assert 'srcdoc="&lt;p&gt;' in section  # the HTML part, escaped into the attribute
    assert "UCS-2, 1 segment(s)" in section  # Chinese text: 70 characters per SMS
    assert "<script" not in page.split("<main", 1)[-1]


async def test_only_admins_reach_the_template_preview(client: AsyncClient) -> None:
    await signed_in(client, Role.LAWYER)
    assert (await client.get("/admin/notifications/templates")).status_code == 403


async def notices(user: User, count: int) -> list[Notification]:
    rows = []
    start = datetime.now(UTC) - timedelta(hours=1)
    for n in range(count):
        row = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": n})
        # Distinct times, oldest first: notice n was created n seconds after the first.
        await Notification.filter(id=row.id).update(created_at=start + timedelta(seconds=n))
        rows.append(row)
    return rows


async def test_the_inbox_shows_a_page_at_a_time_with_links(client: AsyncClient) -> None:
    in_english(client)
    me = await signed_in(client, Role.LAWYER, locale="en")
    rows = await notices(me, INBOX_PAGE + 3)
    first = (await client.get("/inbox")).text
    assert f'id="notice-{rows[-1].id}"' in first and f'id="notice-{rows[2].id}"' not in first
    assert 'href="/inbox?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = (await client.get("/inbox?page=2")).text
    assert [f'id="notice-{r.id}"' in second for r in rows[:4]] == [True, True, True, False]
    assert 'href="/inbox?page=1" rel="prev"' in second and 'rel="next"' not in second


async def test_mark_all_read_marks_every_page(client: AsyncClient) -> None:
    me = await signed_in(client, Role.LAWYER)
    await notices(me, INBOX_PAGE + 2)
    response = await post_form(client, "/inbox/read", csrf_page="/inbox")
    assert response.status_code == 303
    assert await Notification.filter(recipient_id=me.id, read_at=None).count() == 0


async def test_the_api_pages_the_inbox_with_limit_and_offset(client: AsyncClient) -> None:
    in_english(client)
    me = await signed_in(client, Role.LAWYER, locale="en")
    rows = await notices(me, 5)
    headers = bearer(await api_token(me))
    page = await client.get("/api/v1/inbox?limit=2&offset=1", headers=headers)
    assert [item["id"] for item in page.json()] == [rows[3].id, rows[2].id]
    default = (await client.get("/api/v1/inbox", headers=headers)).json()
    assert len(default) == 5
    too_many = await client.get("/api/v1/inbox?limit=1000", headers=headers)
    assert too_many.status_code == 422


async def test_a_reminder_not_yet_due_and_a_cancelled_notice_stay_out_of_the_inbox(
    client: AsyncClient,
) -> None:
    user = await signed_in(client, Role.LAWYER)
    later = datetime.now(UTC) + timedelta(hours=5)
    await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "later"},
                  not_before=later)  # fmt: skip
    cancelled = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "x"})
    await Notification.filter(id=cancelled.id).update(status=Status.CANCELLED)
    now = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "now"})
    assert [row.id for row in await inbox(user.id)] == [now.id]
    assert await unread_count(user.id) == 1
