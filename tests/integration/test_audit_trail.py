"""The audit trail: one entry per state change, in its transaction, hash-chained, append-only."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.exceptions import BaseORMException

from app.accounts import services, verification
from app.accounts.models import ApiToken, User
from app.accounts.organisations import create_organisation
from app.accounts.roles import AccountStatus, Role
from app.audit.chain import GENESIS_HASH, ChainEntry, first_broken_link
from app.audit.models import AuditEntry, AuditHead
from app.audit.service import record
from tests.integration.helpers import DEFAULT_PASSWORD, licence_for, make_user, put_on_register

pytestmark = pytest.mark.usefixtures("database")

# The triggers' errors: Tortoise wraps SQLite's; asyncpg's RAISE EXCEPTION comes through as is.
REFUSED = (BaseORMException, asyncpg.PostgresError)


def account(username: str) -> services.NewAccount:
    return services.NewAccount(
        username=username,
        display_name=username.title(),
        password=DEFAULT_PASSWORD,
        email=f"{username}@example.test",
    )


async def register(username: str = "zhang.lawyer", licence: str | None = None) -> User:
    return await services.register_lawyer(account(username), licence or licence_for(), "某律所")


async def chain() -> list[ChainEntry]:
    return [
        ChainEntry(
            seq=e.seq,
            at=e.at,
            actor_id=e.actor_id,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            summary=e.summary,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e in await AuditEntry.all().order_by("seq")
    ]


async def added_by(change: Callable[[], Awaitable[Any]]) -> list[str]:
    """The audit actions a state change wrote."""
    before = await AuditEntry.all().count()
    await change()
    return [e.action for e in await AuditEntry.filter(seq__gt=before).order_by("seq")]


# One entry per state change


async def test_registering_a_lawyer_adds_exactly_one_entry() -> None:
    assert await added_by(register) == ["lawyer.registered"]
    (entry,) = await AuditEntry.all()
    lawyer = await User.get(username="zhang.lawyer")
    assert (entry.actor_id, entry.actor_label, entry.object_type, entry.object_id) == (
        lawyer.id,
        "zhang.lawyer",
        "user",
        str(lawyer.id),
    )
    assert entry.summary == {"region_code": "110100"}


async def test_failed_registration_adds_none() -> None:
    await register()
    with pytest.raises(services.AccountError):
        await register("zhang.lawyer")
    with pytest.raises(services.AccountError):
        await services.register_lawyer(account("li.lawyer"), "123", "某律所")
    assert [e.action for e in await AuditEntry.all()] == ["lawyer.registered"]


async def test_every_account_change_adds_one_entry_of_its_kind() -> None:
    admin = await make_user(Role.ADMIN)
    facility = await create_organisation(admin, "facility", "海淀看守所", "110108")
    lawyer = await register()
    await put_on_register(lawyer)
    steps: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("agency.created", lambda: create_organisation(admin, "agency", "海淀分局", "110108")),
        (
            "bar_association.created",
            lambda: create_organisation(admin, "bar_association", "北京律协", "110000"),
        ),
        (
            "user.created",
            lambda: services.create_user(
                admin, account("desk.officer"), Role.DETENTION_STAFF, facility.id
            ),
        ),
        ("lawyer.verified", lambda: verification.verify_lawyer(admin, lawyer)),
        ("user.disabled", lambda: services.set_status(admin, lawyer, AccountStatus.DISABLED)),
        ("user.active", lambda: services.set_status(admin, lawyer, AccountStatus.ACTIVE)),
        ("api_token.created", lambda: services.issue_token(lawyer, "ci")),
        ("session.login", lambda: services.log_in(lawyer, "127.0.0.1", "test", "")),
    ]
    for action, step in steps:
        assert await added_by(step) == [action], action
    token = await ApiToken.get(user_id=lawyer.id)
    assert await added_by(lambda: services.revoke_api_token(lawyer, token.id)) == [
        "api_token.revoked"
    ]
    raw = await services.log_in(lawyer, "127.0.0.1", "test", "")
    assert await added_by(lambda: services.log_out(lawyer, raw)) == ["session.logout"]


async def test_refused_changes_add_no_entry() -> None:
    admin = await make_user(Role.ADMIN)
    lawyer = await make_user(Role.LAWYER)
    refused: list[Callable[[], Awaitable[Any]]] = [
        lambda: services.set_status(admin, admin, AccountStatus.DISABLED),
        lambda: verification.verify_lawyer(admin, lawyer),  # not pending
        lambda: services.create_user(admin, account("x.staff"), Role.DETENTION_STAFF, None),
        lambda: services.issue_token(lawyer, " "),
        lambda: services.revoke_api_token(lawyer, 12345),
        lambda: create_organisation(admin, "facility", "某看守所", "99"),
    ]
    for change in refused:
        with pytest.raises(services.AccountError):
            await change()
    assert await AuditEntry.all().count() == 0


async def test_audit_summary_never_carries_secrets() -> None:
    entry = await record(
        None, "test.secrets", "user", 1, {"password": "p", "token": "t", "secret": "s", "ok": 1}
    )
    assert entry.summary == {"ok": 1}


# Same transaction


async def test_a_change_whose_audit_entry_fails_is_rolled_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken_record(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "record", broken_record)
    with pytest.raises(RuntimeError):
        await register()
    assert not await User.filter(username="zhang.lawyer").exists()


async def test_a_failure_after_the_audit_entry_rolls_both_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = await make_user(Role.ADMIN)
    lawyer = await make_user(Role.LAWYER)

    async def failing_end_all(user: User) -> int:
        raise RuntimeError("session store unavailable")

    monkeypatch.setattr(services.sessions, "end_all_sessions", failing_end_all)
    with pytest.raises(RuntimeError):
        await services.set_status(admin, lawyer, AccountStatus.DISABLED)
    await lawyer.refresh_from_db()
    assert lawyer.status == AccountStatus.ACTIVE
    assert await AuditEntry.all().count() == 0
    head = await AuditHead.get_or_none(id=1)
    assert head is None or head.seq == 0


# The chain


async def test_entries_read_back_from_the_database_form_an_intact_chain() -> None:
    admin = await make_user(Role.ADMIN)
    await register()
    await create_organisation(admin, "facility", "海淀看守所", "110108")
    await record(admin, "test.unicode", "case", "A-1", {"名字": "张三", "n": 3, "flag": True})
    entries = await chain()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert first_broken_link(entries) is None


async def test_head_records_the_newest_entry() -> None:
    await register("one.lawyer")
    await register("two.lawyer")
    head = await AuditHead.get(id=1)
    newest = await AuditEntry.all().order_by("-seq").first()
    assert newest is not None
    assert (head.seq, head.hash) == (newest.seq, newest.hash)


async def test_concurrent_changes_still_form_one_unbroken_chain() -> None:
    user = await make_user(Role.LAWYER)
    await asyncio.gather(*(services.issue_token(user, f"t{n}") for n in range(8)))
    entries = await chain()
    assert [e.seq for e in entries] == list(range(1, 9))
    assert first_broken_link(entries) is None


async def test_a_stored_entry_edited_in_memory_is_detected() -> None:
    for n in range(3):
        await register(f"lawyer-{n}")
    entries = await chain()
    entries[1] = ChainEntry(**{**entries[1].__dict__, "summary": {"region_code": "310100"}})
    assert first_broken_link(entries) == 2


# Append-only in the database


def _dialect() -> str:
    dialect: str = Tortoise.get_connection("default").capabilities.dialect
    return dialect


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET action = 'forged' WHERE seq = 1",
        "UPDATE audit_entry SET summary = '{}'",
        "DELETE FROM audit_entry WHERE seq = 1",
        "DELETE FROM audit_entry",
    ],
)
async def test_database_refuses_to_change_audit_entries(statement: str) -> None:
    await register()
    before = await chain()
    with pytest.raises(REFUSED, match="append-only"):
        await Tortoise.get_connection("default").execute_script(statement)
    assert await chain() == before


async def test_orm_update_of_an_entry_is_refused() -> None:
    await register()
    with pytest.raises(REFUSED, match="append-only"):
        await AuditEntry.filter(seq=1).update(action="forged")
    assert (await AuditEntry.get(seq=1)).action == "lawyer.registered"


async def test_orm_delete_of_an_entry_is_refused() -> None:
    await register()
    entry = await AuditEntry.get(seq=1)
    with pytest.raises(REFUSED, match="append-only"):
        await entry.delete()
    assert await AuditEntry.all().count() == 1


# TRUNCATE bypasses row triggers and exists on PostgreSQL only, so this runs there alone.
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_postgres_refuses_to_truncate_the_audit_table() -> None:
    assert _dialect() == "postgres"
    await register()
    with pytest.raises(REFUSED, match="append-only"):
        await Tortoise.get_connection("default").execute_script("TRUNCATE audit_entry")
    assert await AuditEntry.all().count() == 1


async def test_new_entries_may_still_be_appended_after_a_refused_change() -> None:
    await register("one.lawyer")
    with pytest.raises(REFUSED, match="append-only"):
        await AuditEntry.filter(seq=1).delete()
    await register("two.lawyer")
    assert first_broken_link(await chain()) is None
