"""The outbox and the worker against a recording channel, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from app.accounts.roles import Role
from notifications.channels import DeliveryError
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.rendering import UnknownTemplate
from notifications.services import enqueue, notify_user
from notifications.worker import Worker
from tests.integration.helpers import make_user
from tests.integration.notification_fakes import RecordingSender, worker_config

pytestmark = pytest.mark.usefixtures("database")


def worker_with(sender: RecordingSender, **config: object) -> Worker:
    return Worker(worker_config(**config), {channel: sender for channel in Channel})


async def test_a_rolled_back_transaction_leaves_no_notification() -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        async with in_transaction():
            await enqueue("test_message", Channel.CONSOLE, payload={"text": "never"})
            raise Abort
    assert await Notification.all().count() == 0


async def test_a_committed_transaction_keeps_its_notification() -> None:
    async with in_transaction():
        await enqueue("test_message", Channel.CONSOLE, payload={"text": "kept"})
    assert await Notification.filter(status=Status.PENDING).count() == 1


async def test_an_unknown_template_is_refused_at_enqueue() -> None:
    with pytest.raises(UnknownTemplate):
        await enqueue("no_such_notice", Channel.CONSOLE)


async def test_notify_user_writes_inapp_and_email_in_the_users_language() -> None:
    lawyer = await make_user(Role.LAWYER, locale="en")
    rows = await notify_user(lawyer, "test_message", {"text": "hi"})
    assert {(row.channel, row.address, row.language) for row in rows} == {
        (Channel.INAPP, "", "en"),
        (Channel.EMAIL, lawyer.email, "en"),
    }


async def test_the_worker_sends_a_due_row_and_marks_it_sent() -> None:
    row = await enqueue(
        "test_message", Channel.EMAIL, address="a@example.test", payload={"text": "x"}
    )
    sender = RecordingSender()
    assert await worker_with(sender).run_once() == 1
    await row.refresh_from_db()
    assert (row.status, row.attempts, row.provider_id) == (Status.SENT, 1, f"rec-{row.id}")
    assert sender.sent[0].message.text == "这是一条测试消息：x"


async def test_an_inapp_row_is_delivered_by_the_worker() -> None:
    user = await make_user(Role.LAWYER)
    row = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "x"})
    await Worker(worker_config(), {}).run_once()
    await row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.delivered_at is not None


async def test_a_row_not_yet_due_is_left_alone() -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    await enqueue("test_message", Channel.CONSOLE, payload={"text": "x"}, not_before=later)
    assert await worker_with(RecordingSender()).run_once() == 0


async def test_a_transient_failure_backs_off_and_stays_pending() -> None:
    row = await enqueue("test_message", Channel.CONSOLE, payload={"text": "x"})
    before = datetime.now(UTC)
    await worker_with(RecordingSender(fail=DeliveryError("down"))).run_once()
    await row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 1, "down")
    # base 60 s with up to 50% jitter
    assert before + timedelta(seconds=59) <= row.next_attempt_at <= before + timedelta(seconds=91)


async def test_a_permanent_failure_is_dead_at_once() -> None:
    row = await enqueue("test_message", Channel.CONSOLE, payload={"text": "x"})
    await worker_with(RecordingSender(fail=DeliveryError("550", permanent=True))).run_once()
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.DEAD, 1)


async def test_a_row_is_dead_after_max_attempts() -> None:
    row = await enqueue("test_message", Channel.CONSOLE, payload={"text": "x"})
    await Notification.filter(id=row.id).update(attempts=2)
    await worker_with(RecordingSender(fail=DeliveryError("down")), max_attempts=3).run_once()
    await row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.DEAD, 3)


async def test_a_missing_payload_key_makes_the_row_dead() -> None:
    row = await enqueue("test_message", Channel.CONSOLE, payload={})
    await worker_with(RecordingSender()).run_once()
    await row.refresh_from_db()
    assert row.status == Status.DEAD and "text" in row.last_error


async def test_a_row_stuck_in_sending_past_its_lease_is_reclaimed() -> None:
    row = await enqueue("test_message", Channel.CONSOLE, payload={"text": "x"})
    expired = datetime.now(UTC) - timedelta(seconds=1)
    await Notification.filter(id=row.id).update(status=Status.SENDING, lease_until=expired)
    sender = RecordingSender()
    await worker_with(sender).run_once()
    await row.refresh_from_db()
    assert row.status == Status.SENT and [o.notification_id for o in sender.sent] == [row.id]


async def test_a_row_in_sending_within_its_lease_is_not_taken() -> None:
    row = await enqueue("test_message", Channel.CONSOLE, payload={"text": "x"})
    lease = datetime.now(UTC) + timedelta(seconds=60)
    await Notification.filter(id=row.id).update(status=Status.SENDING, lease_until=lease)
    assert await worker_with(RecordingSender()).run_once() == 0


async def test_two_workers_never_send_the_same_row() -> None:
    for n in range(50):
        await enqueue("test_message", Channel.CONSOLE, payload={"text": str(n)})
    sender = RecordingSender(delay=0.001)
    first, second = worker_with(sender, batch_size=5), worker_with(sender, batch_size=5)

    async def drain(worker: Worker) -> None:
        while await worker.run_once():
            pass

    await asyncio.gather(drain(first), drain(second))
    sent = sorted(outgoing.notification_id for outgoing in sender.sent)
    assert sent == sorted(set(sent)) and len(sent) == 50
    assert await Notification.filter(status=Status.SENT).count() == 50


# Row locks are PostgreSQL's; SQLite serialises writers instead, so this runs there alone.
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_on_postgresql_a_claim_skips_rows_another_transaction_locked() -> None:
    assert Notification._meta.db.capabilities.dialect == "postgres"
    first = await enqueue("test_message", Channel.CONSOLE, payload={"text": "1"})
    second = await enqueue("test_message", Channel.CONSOLE, payload={"text": "2"})
    locked, release = asyncio.Event(), asyncio.Event()

    async def hold_first() -> None:  # another worker, mid-claim
        async with in_transaction():
            await Notification.filter(id=first.id).select_for_update().first()
            locked.set()
            await release.wait()

    holder = asyncio.create_task(hold_first())
    await locked.wait()
    claimed = await asyncio.wait_for(worker_with(RecordingSender()).claim(), timeout=5)
    release.set()
    await holder
    assert [row.id for row in claimed] == [second.id]
