"""The audit chain on SQLite and PostgreSQL: append-only triggers, tampering found, results."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from app.audit.chain import Break
from app.audit.models import AuditEntry, AuditHead, AuditVerification
from app.audit.service import record, record_view
from app.audit.verify import read_checkpoint, run_verification, take_checkpoint, verify_chain
from tests.integration.audit_tampering import (
    ALICE,
    TAMPERINGS,
    allow_tampering,
    append_forged_row_beyond_the_head,
    delete_row,
    edit_summary,
    write_entries,
)

# Tortoise passes PostgreSQL's RAISE EXCEPTION through untranslated.
REFUSED = (OperationalError, asyncpg.exceptions.RaiseError)


@pytest.mark.usefixtures("database")
async def test_intact_chain_verifies() -> None:
    await write_entries(5)
    outcome = await verify_chain()
    last = await AuditEntry.get(seq=5)
    assert outcome.ok
    assert (outcome.entries_checked, outcome.head_seq, outcome.head_hash) == (5, 5, last.hash)


@pytest.mark.usefixtures("database")
async def test_verification_streams_in_batches() -> None:
    await write_entries(7)
    assert (await verify_chain(batch_size=2)).entries_checked == 7
    await allow_tampering()
    await edit_summary()
    assert (await verify_chain(batch_size=2)).broken == Break(3, "altered")


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("name", TAMPERINGS)
async def test_tampering_is_found_at_its_seq(name: str) -> None:
    await write_entries(6)
    tamper, expected = TAMPERINGS[name]
    await allow_tampering()
    await tamper()
    assert (await verify_chain(batch_size=2)).broken == expected


@pytest.mark.usefixtures("database")
async def test_truncated_tail_is_found_with_a_checkpoint(tmp_path: Path) -> None:
    await write_entries(6)
    outcome, path = await take_checkpoint(None, tmp_path)
    assert outcome.ok and path is not None
    checkpoint = read_checkpoint(path)
    assert checkpoint.seq == 6  # the checkpoint's own audit entry comes after it
    await allow_tampering()
    await AuditEntry.filter(seq__gt=4).delete()
    # A careful forger rewinds the head row too: the chain alone then looks intact...
    fourth = await AuditEntry.get(seq=4)
    await AuditHead.filter(id=1).update(seq=4, hash=fourth.hash)
    assert (await verify_chain()).ok
    # ...but not against the checkpoint kept outside the database.
    assert (await verify_chain(checkpoint)).broken == Break(5, "truncated")


@pytest.mark.usefixtures("database")
async def test_truncated_tail_is_found_by_the_head_row() -> None:
    await write_entries(5)
    await allow_tampering()
    await AuditEntry.filter(seq=5).delete()
    assert (await verify_chain()).broken == Break(5, "truncated")


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"]
)
async def test_triggers_refuse_update_and_delete(statement: str) -> None:
    await write_entries(2)
    with pytest.raises(REFUSED, match="append-only"):
        await Tortoise.get_connection("default").execute_query(statement)
    with pytest.raises(REFUSED, match="append-only"):
        await AuditEntry.filter(seq=1).update(action="x")
    with pytest.raises(REFUSED, match="append-only"):
        await AuditEntry.filter(seq=1).delete()
    assert (await verify_chain()).ok


@pytest.mark.usefixtures("database")
async def test_record_outside_a_transaction_opens_its_own() -> None:
    first = await record(ALICE, "session.logout", "user", 7)
    second = await record_view(ALICE, "detainee", 3, "identity_number")
    assert (first.seq, second.seq) == (1, 2)
    assert (second.action, second.summary) == ("detainee.viewed", {"what": "identity_number"})
    assert (await verify_chain()).ok


@pytest.mark.usefixtures("database")
async def test_a_rolled_back_change_leaves_no_entry_and_no_gap() -> None:
    await write_entries(1)
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await record(ALICE, "user.created", "user", 9)
            raise RuntimeError("the state change failed")
    assert (await record(ALICE, "user.created", "user", 10)).seq == 2
    assert (await verify_chain()).ok


@pytest.mark.usefixtures("database")
async def test_stored_summaries_hash_the_same_when_read_back() -> None:
    await record(ALICE, "x.changed", "x", 1, {"when": "2026-01-01", "n": [1, 2.5], "会见": None})
    await record(ALICE, "x.changed", "x", 1, {"password": "hunter22", "name": "ok"})
    assert (await AuditEntry.get(seq=2)).summary == {"name": "ok"}
    assert (await verify_chain()).ok


@pytest.mark.usefixtures("database")
async def test_run_verification_stores_the_result_and_records_who(tmp_path: Path) -> None:
    await write_entries(3)
    outcome, stored = await run_verification(ALICE, tmp_path)
    assert outcome.ok and stored.ok and stored.entries_checked == 3
    assert (stored.actor_label, stored.checkpoint) == ("alice", "")
    entry = await AuditEntry.get(seq=4)
    assert (entry.action, entry.object_id) == ("audit.verified", str(stored.id))
    await allow_tampering()
    await delete_row()
    _outcome, failed = await run_verification(None, tmp_path)
    assert (failed.ok, failed.first_bad_seq, failed.reason) == (False, 3, "missing")
    assert await AuditVerification.all().count() == 2


@pytest.mark.usefixtures("database")
async def test_a_row_forged_beyond_the_head_is_named_and_the_verdict_kept(tmp_path: Path) -> None:
    await write_entries(3)
    await allow_tampering()
    forged = await append_forged_row_beyond_the_head()
    # The run's own entry would take the forged row's seq: that append fails, the verdict not.
    outcome, stored = await run_verification(ALICE, tmp_path)
    assert outcome.broken == Break(forged, "beyond_head")
    assert (stored.ok, stored.first_bad_seq, stored.reason) == (False, forged, "beyond_head")
    assert await AuditVerification.filter(id=stored.id).exists()


@pytest.mark.usefixtures("database")
async def test_verification_writes_nothing_to_what_it_verifies(tmp_path: Path) -> None:
    await write_entries(3)
    before = await AuditEntry.all().count()
    outcome = await verify_chain()
    assert outcome.ok and await AuditEntry.all().count() == before
