"""Tampering with the audit table as a forger with database rights would: tests only.

The append-only triggers are switched off first (ALTER TABLE ... DISABLE TRIGGER on PostgreSQL,
DROP TRIGGER on SQLite); the application itself never does this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.audit.chain import GENESIS_HASH, Break, link_hash
from app.audit.models import AuditEntry, AuditHead
from app.audit.service import record


class Someone:
    def __init__(self, id: int, username: str) -> None:
        self.id, self.username = id, username


ALICE = Someone(7, "alice")


def _dialect() -> str:
    return str(Tortoise.get_connection("default").capabilities.dialect)


async def allow_tampering(table: str = "audit_entry") -> None:
    """Switch the append-only triggers of ``table`` off."""
    connection = Tortoise.get_connection("default")
    if _dialect() == "postgres":
        await connection.execute_script(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    else:
        await connection.execute_script(
            f"DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete;"
        )


async def write_entries(count: int) -> list[AuditEntry]:
    entries = []
    for n in range(count):
        async with in_transaction():
            entries.append(await record(ALICE, "user.created", "user", 100 + n, {"n": n}))
    return entries


CHAIN = ("at", "actor_id", "actor_label", "action", "object_type", "object_id", "summary")


async def _row(seq: int) -> dict[str, Any]:
    return (await AuditEntry.filter(seq=seq).values(*CHAIN, "prev_hash", "hash"))[0]


async def edit_summary() -> None:
    await AuditEntry.filter(seq=3).update(summary={"n": 99})


async def delete_row() -> None:
    await AuditEntry.filter(seq=3).delete()


async def swap_rows() -> None:
    third, fourth = await _row(3), await _row(4)
    await AuditEntry.filter(seq=3).update(**fourth)
    await AuditEntry.filter(seq=4).update(**third)


async def insert_forged_row() -> None:
    """Renumber every row from 3 up by one and put a correctly hashed forgery at 3."""
    last = await AuditEntry.all().order_by("-seq").first()
    assert last is not None
    connection = Tortoise.get_connection("default")
    for seq in range(last.seq, 2, -1):  # highest first, so no seq is taken twice
        await connection.execute_script(f"UPDATE audit_entry SET seq = {seq + 1} WHERE seq = {seq}")
    before = await AuditEntry.get(seq=2)
    fields: dict[str, Any] = {
        "at": before.at,
        "actor_id": 1,
        "action": "lawyer.verified",
        "object_type": "user",
        "object_id": "55",
        "summary": {},
    }
    digest = link_hash(3, *fields.values(), before.hash)
    await AuditEntry.create(seq=3, prev_hash=before.hash, hash=digest, actor_label="x", **fields)


async def append_forged_row_beyond_the_head() -> int:
    """A correctly chained row after the last one, the head row left as it was: the seq the
    next real append needs. Its seq is returned."""
    last = await AuditEntry.all().order_by("-seq").first()
    assert last is not None
    seq = last.seq + 1
    fields: dict[str, Any] = {
        "at": last.at,
        "actor_id": 1,
        "action": "lawyer.verified",
        "object_type": "user",
        "object_id": "55",
        "summary": {},
    }
    digest = link_hash(seq, *fields.values(), last.hash)
    await AuditEntry.create(seq=seq, prev_hash=last.hash, hash=digest, actor_label="x", **fields)
    return seq


async def rehash_from(seq: int) -> None:
    """Recompute the hash of entry ``seq`` and of every entry after it, and move the head to
    the last: what a forger with the database's own rights does after changing rows."""
    previous = (await AuditEntry.get(seq=seq - 1)).hash if seq > 1 else GENESIS_HASH
    last = seq - 1
    for row in await AuditEntry.filter(seq__gte=seq).order_by("seq"):
        digest = link_hash(row.seq, row.at, row.actor_id, row.action, row.object_type,
                           row.object_id, row.summary, previous)  # fmt: skip
        await AuditEntry.filter(seq=row.seq).update(prev_hash=previous, hash=digest)
        previous, last = digest, row.seq
    await AuditHead.filter(id=1).update(seq=last, hash=previous)


async def rewrite_history_from(seq: int, summary: dict[str, Any]) -> None:
    """Change entry ``seq``'s summary, and recompute every hash from it on."""
    await AuditEntry.filter(seq=seq).update(summary=summary)
    await rehash_from(seq)


async def _renumber(start: int, step: int) -> None:
    rows = await AuditEntry.filter(seq__gte=start).order_by("-seq" if step > 0 else "seq")
    connection = Tortoise.get_connection("default")
    for row in rows:  # in the order that never takes a seq twice
        await connection.execute_script(
            f"UPDATE audit_entry SET seq = {row.seq + step} WHERE seq = {row.seq}"
        )


async def delete_and_close_the_gap(seq: int) -> None:
    await AuditEntry.filter(seq=seq).delete()
    await _renumber(seq + 1, -1)
    await rehash_from(seq)


async def swap_with_next(seq: int) -> None:
    first, second = await _row(seq), await _row(seq + 1)
    await AuditEntry.filter(seq=seq).update(**{k: second[k] for k in CHAIN})
    await AuditEntry.filter(seq=seq + 1).update(**{k: first[k] for k in CHAIN})
    await rehash_from(seq)


async def insert_at(seq: int) -> None:
    """A forged entry at ``seq``, the genuine ones from there moved up by one."""
    await _renumber(seq, +1)
    model = await AuditEntry.get(seq=seq + 1)
    await AuditEntry.create(
        seq=seq, at=model.at, actor_id=1, actor_label="x", action="lawyer.verified",
        object_type="user", object_id="55", summary={}, prev_hash="0" * 64, hash="0" * 64,
    )  # fmt: skip
    await rehash_from(seq)


# Each rewrites history at one entry with every hash after it recomputed: "at the tail" is the
# last entry a signed head holds.
REWRITES: dict[str, Callable[[int], Awaitable[None]]] = {
    "edited": lambda seq: rewrite_history_from(seq, {"n": "forged"}),
    "deleted": delete_and_close_the_gap,
    "swapped": swap_with_next,
    "inserted in the middle": insert_at,
    "inserted at the tail": insert_at,
}


TAMPERINGS: dict[str, tuple[Callable[[], Awaitable[None]], Break]] = {
    "edited": (edit_summary, Break(3, "altered")),
    "deleted": (delete_row, Break(3, "missing")),
    "swapped": (swap_rows, Break(3, "altered")),
    "inserted": (insert_forged_row, Break(3, "inserted")),
}
