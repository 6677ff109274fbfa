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


async def rewrite_history_from(seq: int, summary: dict[str, Any]) -> None:
    """What a forger with the database's own rights does: change entry ``seq`` and recompute
    the hash of it and of every entry after it, and move the head to match."""
    previous = (await AuditEntry.get(seq=seq - 1)).hash if seq > 1 else GENESIS_HASH
    rows = await AuditEntry.filter(seq__gte=seq).order_by("seq")
    for row in rows:
        if row.seq == seq:
            row.summary = summary
        digest = link_hash(row.seq, row.at, row.actor_id, row.action, row.object_type,
                           row.object_id, row.summary, previous)  # fmt: skip
        await AuditEntry.filter(seq=row.seq).update(
            summary=row.summary, prev_hash=previous, hash=digest
        )
        previous = digest
    await AuditHead.filter(id=1).update(hash=previous)


TAMPERINGS: dict[str, tuple[Callable[[], Awaitable[None]], Break]] = {
    "edited": (edit_summary, Break(3, "altered")),
    "deleted": (delete_row, Break(3, "missing")),
    "swapped": (swap_rows, Break(3, "altered")),
    "inserted": (insert_forged_row, Break(3, "inserted")),
}
