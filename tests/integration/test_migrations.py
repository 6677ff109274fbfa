"""Migrations: they build the schema on SQLite and PostgreSQL, and cover every model."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from tortoise import Tortoise

from app import db
from app.settings import Settings

MIGRATION_FILES = sorted(
    path.stem
    for path in (Path(db.__file__).resolve().parent.parent / "migrations").glob("[0-9]*.py")
)
POSTGRES_ADMIN_URL = os.environ.get(
    "LAWMEET_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


async def tables() -> set[str]:
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect == "postgres":
        _, rows = await connection.execute_query(
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        )
    else:
        _, rows = await connection.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    return {row["name"] for row in rows}


async def triggers() -> set[str]:
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect == "postgres":
        _, rows = await connection.execute_query(
            "SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal"
        )
    else:
        _, rows = await connection.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
    return {row["name"] for row in rows}


def model_tables() -> set[str]:
    return {
        model._meta.db_table
        for models in (Tortoise.apps or {}).values()
        for model in models.values()
    }


@pytest.fixture
async def blank_url(db_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on the same backend as `db_url`."""
    if db_url.startswith("sqlite://"):
        yield f"sqlite://{tmp_path / 'blank.sqlite3'}"
        return
    name = f"lawmeet_blank_{os.getpid()}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield db_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def settings_for(url: str, settings: Settings) -> Settings:
    return settings.model_copy(
        update={"database": settings.database.model_copy(update={"url": url})}
    )


async def test_models_and_migrations_agree(db_url: str) -> None:
    assert await db.pending_model_changes(db_url) == []


async def test_a_model_without_a_migration_is_noticed(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        db, "MODEL_MODULES", [*db.MODEL_MODULES, "tests.integration.unmigrated_models"]
    )
    assert await db.pending_model_changes(db_url) != []


async def test_migrating_a_blank_database_creates_every_table(
    blank_url: str, settings: Settings
) -> None:
    await db.migrate(blank_url)
    context = await db.open_database(settings_for(blank_url, settings))
    try:
        assert model_tables() <= await tables()
        assert "tortoise_migrations" in await tables()
    finally:
        await db.close_database(context)


async def test_every_migration_is_recorded_as_applied(database: None) -> None:
    _, rows = await Tortoise.get_connection("default").execute_query(
        "SELECT name FROM tortoise_migrations"
    )
    assert sorted(row["name"] for row in rows) == MIGRATION_FILES


async def test_migrating_again_changes_nothing(db_url: str, settings: Settings) -> None:
    await db.migrate(db_url)
    context = await db.open_database(settings)
    try:
        _, rows = await Tortoise.get_connection("default").execute_query(
            "SELECT name FROM tortoise_migrations"
        )
        assert sorted(row["name"] for row in rows) == MIGRATION_FILES
    finally:
        await db.close_database(context)


async def test_audit_table_has_its_append_only_triggers(database: None) -> None:
    found = await triggers()
    dialect = Tortoise.get_connection("default").capabilities.dialect
    if dialect == "postgres":
        assert "audit_entry_append_only" in found
    else:
        assert {"audit_entry_no_update", "audit_entry_no_delete"} <= found


def test_migration_files_are_numbered_without_gaps() -> None:
    numbers = [int(name.split("_", 1)[0]) for name in MIGRATION_FILES]
    assert numbers == list(range(1, len(numbers) + 1))
