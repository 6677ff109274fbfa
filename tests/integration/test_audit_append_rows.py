"""An appended audit entry is stored exactly as returned, whichever way the dialect writes it
(PostgreSQL: lock statement + one insert-and-move-head statement; SQLite: the ORM)."""

from __future__ import annotations

import pytest
from tortoise.exceptions import ValidationError

from app.audit.models import AuditEntry, AuditHead
from app.audit.service import record
from app.audit.verify import verify_chain
from tests.integration.audit_tampering import ALICE

FIELDS = ("seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id",
          "summary", "prev_hash", "hash")  # fmt: skip


@pytest.mark.usefixtures("database")
async def test_the_returned_entry_is_the_stored_row_and_the_new_head() -> None:
    await record(ALICE, "user.created", "user", 1)  # the first append creates the head
    summary = {"name": "张三", "nested": {"n": 1, "list": [1, "二"]}, "when": "2026-11-27"}
    entry = await record(ALICE, "meeting.booked", "meeting", 42, summary)
    stored = await AuditEntry.get(seq=entry.seq)
    assert [getattr(stored, f) for f in FIELDS] == [getattr(entry, f) for f in FIELDS]
    assert (entry.seq, entry.summary, entry.actor_label) == (2, summary, ALICE.username)
    head = await AuditHead.get(id=1)
    assert (head.seq, head.hash) == (2, entry.hash)
    assert (await verify_chain()).ok


@pytest.mark.usefixtures("database")
async def test_a_value_too_long_for_its_column_is_refused_as_by_the_orm() -> None:
    await record(ALICE, "user.created", "user", 1)
    with pytest.raises(ValidationError):
        await record(ALICE, "x" * 65, "user", 2)  # action holds 64 characters
    assert await AuditEntry.all().count() == 1
    assert (await AuditHead.get(id=1)).seq == 1
