"""Database configuration, connection lifecycle and the migrations runner."""

from __future__ import annotations

import importlib
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as run_migrations

from app import read_replica
from app.settings import Settings

APP_LABEL = "lawmeet"

# Every module holding models; the one Tortoise app "lawmeet" spans the layers.
MODEL_MODULES = [
    "app.orgs.models",
    "app.accounts.models",
    "app.audit.models",
    "app.cases.models",
    "app.law.models",
    "notifications.models",
    "scheduling.models",
    "rights_checklist.models",
    "rights_checklist.ledger_models",
]
MIGRATIONS_MODULE = "migrations"
# Seconds to wait for the streaming replica to accept a connection (then reports read the
# primary).
REPLICA_CONNECT_TIMEOUT = 3


def normalise_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgres://" + url.removeprefix("postgresql://")
    return url


def tortoise_config(url: str) -> dict[str, Any]:
    url = normalise_url(url)
    if url.startswith("sqlite://"):
        # Wait for a writer in another process instead of failing at once.
        connection: Any = {
            "engine": "tortoise.backends.sqlite",
            "credentials": {
                "file_path": url.removeprefix("sqlite://"),
                "busy_timeout": 10000,
                "journal_mode": "WAL",
            },
        }
    else:
        connection = _postgres_connection(url)
    return {
        "connections": {"default": connection},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _postgres_connection(url: str) -> dict[str, Any]:
    """The URL's settings, with a pool that does not reset session state on release.

    asyncpg's default reset sends one more statement each time a connection goes back to the
    pool (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL): one round trip per statement run
    outside a transaction. The application leaves no session state behind: no LISTEN, no
    advisory locks, no cursors held past a transaction, and settings only as SET LOCAL or
    SET TRANSACTION inside one. asyncpg still rolls back a transaction left open and drops
    listeners before calling the reset below.
    """
    config = expand_db_url(url)
    if config["engine"] == "tortoise.backends.asyncpg":
        config["credentials"]["reset"] = _keep_session
    return config


async def _keep_session(connection: Any) -> None:
    """Pool reset on release: nothing beyond asyncpg's own rollback of an open transaction."""


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite://") and ":memory:" not in url:
        from pathlib import Path

        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


async def open_database(settings: Settings) -> TortoiseContext:
    """Connect for this process. The context is also the global fallback, because servers run
    the lifespan (which opens it) in another task than the requests that use it."""
    _ensure_sqlite_folder(settings.database_url)
    read_url = settings.database.read_url
    read_replica.configure(
        replica_client(read_url) if read_url else None, settings.database.read_max_lag_seconds
    )
    return await Tortoise.init(
        config=tortoise_config(settings.database_url), _enable_global_fallback=True
    )


def replica_client(url: str) -> BaseDBAsyncClient:
    """A client of the streaming replica at ``url``, kept out of Tortoise's registry: with a
    second registered connection every unnamed transaction would have to name its database.
    It connects lazily, on the first report, so a replica that is down never stops start-up."""
    config = _postgres_connection(normalise_url(url))
    credentials = {**config["credentials"], "connection_name": read_replica.REPLICA}
    credentials.setdefault("timeout", REPLICA_CONNECT_TIMEOUT)
    client_class: type[BaseDBAsyncClient] = importlib.import_module(config["engine"]).client_class
    return client_class(**credentials)


async def close_database(context: TortoiseContext | None = None) -> None:
    await read_replica.close()
    if context is not None:
        await context.close_connections()
    else:
        await Tortoise.close_connections()


async def migrate(url: str) -> None:
    """Bring the database at `url` to the current schema (SQLite or PostgreSQL)."""
    _ensure_sqlite_folder(url)
    try:
        await run_migrations(config=tortoise_config(url))
    finally:
        await Tortoise.close_connections()


async def database_reachable() -> bool:
    try:
        connection = Tortoise.get_connection("default")
        await connection.execute_query("SELECT 1")
    except Exception:
        return False
    return True


async def _autodetect(url: str) -> list[Any]:
    """Migration writers for model changes that no migration covers yet."""
    from tortoise.migrations.autodetector import MigrationAutodetector

    config = tortoise_config(url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        if ctx.apps is None:
            raise RuntimeError("Tortoise apps are not initialised")
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        writers: list[Any] = await detector.changes()
    return writers


async def pending_model_changes(url: str) -> list[str]:
    """Migrations `makemigrations` would write; empty when models and migrations agree."""
    return [writer.name for writer in await _autodetect(url)]


async def make_migrations(url: str, name: str | None = None) -> list[str]:
    from tortoise.migrations.writer import format_migration_name

    written = []
    for writer in await _autodetect(url):
        if name:
            writer.name = format_migration_name(int(writer.name.split("_", 1)[0]), name)
        written.append(str(writer.write()))
    return written
