"""Tampering with the audit table as a forger with database rights would: tests only.

The append-only triggers are switched off first (ALTER TABLE ... DISABLE TRIGGER on PostgreSQL,
DROP TRIGGER on SQLite); the application itself never does this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.audit.chain import Break, link_hash
from app.audit.models import AuditEntry
from app.audit.service import record


class Someone:
    def __init__(self, id: int, username: str) -> None:
        self.id, self.username = id, username


ALICE = Someone(7, "alice")


def _dialect() -> str:
    return str(Tortoise.get_connection("default").capabilities.dialect)


async def allow_tampering() -> None:
    """Switch the append-only triggers off."""
    connection = Tortoise.get_connection("default")
    if _dialect() == "postgres":
        await connection.execute_script(
            "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"
        )
    else:
        await connection.execute_script(
            "DROP TRIGGER audit_entry_no_update; DROP TRIGGER audit_entry_no_delete;"
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


TAMPERINGS: dict[str, tuple[Callable[[], Awaitable[None]], Break]] = {
    "edited": (edit_summary, Break(3, "altered")),
    "deleted": (delete_row, Break(3, "missing")),
    "swapped": (swap_rows, Break(3, "altered")),
    "inserted": (insert_forged_row, Break(3, "inserted")),
}
