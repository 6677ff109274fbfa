"""Concurrent writers never fork or gap the chain: the audit_head row lock serialises them.

On PostgreSQL the writers hold their own pooled connections and transactions at the same
time; on SQLite Tortoise's single connection serialises the transactions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from tortoise.transactions import in_transaction

from app import db
from app.audit import merkle
from app.audit.models import AuditEntry, AuditHead
from app.audit.service import record
from app.audit.tree import frontier_of, leaf_of
from app.audit.verify import verify_chain
from app.settings import Settings

WRITERS = 20


@pytest.fixture
async def pooled(settings: Settings) -> AsyncIterator[str]:
    """The database opened with a pool big enough for every writer to hold a connection."""
    url = settings.database.url
    if not url.startswith("sqlite"):
        url += "?maxsize=25"
    wide = settings.model_copy(
        update={"database": settings.database.model_copy(update={"url": url})}
    )
    context = await db.open_database(wide)
    try:
        yield "sqlite" if url.startswith("sqlite") else "postgres"
    finally:
        await db.close_database(context)


async def assert_chain_of(count: int) -> None:
    seqs = [seq for (seq,) in await AuditEntry.all().order_by("seq").values_list("seq")]
    assert seqs == list(range(1, count + 1))
    outcome = await verify_chain()
    assert outcome.ok, outcome.line()
    assert outcome.entries_checked == count
    # The Merkle tree grew under the same lock: its root is the one over every entry.
    hashes = [h for (h,) in await AuditEntry.all().order_by("seq").values_list("hash")]
    head = await AuditHead.get(id=1)
    assert head.tree_size == count
    assert frontier_of(head).root() == merkle.root([leaf_of(h) for h in hashes])


async def test_concurrent_transactions_append_one_unbroken_chain(pooled: str) -> None:
    # On PostgreSQL all 20 transactions are open before any appends, so they truly race for
    # the head row (the first of them also races to create it: the table starts empty).
    barrier = asyncio.Barrier(WRITERS) if pooled == "postgres" else None

    async def writer(n: int) -> int:
        async with in_transaction():
            if barrier is not None:
                await barrier.wait()
            entry = await record(None, "test.concurrent", "test", n, {"writer": n})
            return entry.seq

    seqs = await asyncio.wait_for(asyncio.gather(*(writer(n) for n in range(WRITERS))), 60)
    assert sorted(seqs) == list(range(1, WRITERS + 1))
    await assert_chain_of(WRITERS)


async def test_concurrent_writers_without_a_transaction_still_serialise(pooled: str) -> None:
    await record(None, "test.first", "test", 0)
    await asyncio.wait_for(
        asyncio.gather(*(record(None, "test.loose", "test", n) for n in range(WRITERS))), 60
    )
    await assert_chain_of(WRITERS + 1)


async def test_a_writer_waits_for_the_head_lock_until_the_holder_commits(pooled: str) -> None:
    await record(None, "test.first", "test", 0)
    holder_appended = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> int:
        async with in_transaction():
            entry = await record(None, "test.holder", "test", 1)
            holder_appended.set()
            await release.wait()
            return entry.seq

    async def follower() -> int:
        await holder_appended.wait()
        async with in_transaction():
            return (await record(None, "test.follower", "test", 2)).seq

    holding = asyncio.create_task(holder())
    following = asyncio.create_task(follower())
    await holder_appended.wait()
    await asyncio.sleep(0.3)
    assert not following.done()  # blocked on the lock, not reading a stale head
    release.set()
    assert await asyncio.wait_for(holding, 10) == 2
    assert await asyncio.wait_for(following, 10) == 3
    await assert_chain_of(3)
