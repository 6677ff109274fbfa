"""The PostgreSQL pool returns connections without asyncpg's session reset round trip."""

from __future__ import annotations

from app import db


def test_a_postgres_pool_releases_connections_without_the_reset_statement() -> None:
    config = db.tortoise_config("postgresql://bench@127.0.0.1:5432/lawmeet?maxsize=10")
    connection = config["connections"]["default"]
    assert connection["engine"] == "tortoise.backends.asyncpg"
    credentials = connection["credentials"]
    assert credentials["reset"] is db._keep_session
    assert (credentials["database"], credentials["maxsize"]) == ("lawmeet", "10")


async def test_the_release_reset_sends_nothing() -> None:
    class Untouchable:
        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"the reset used the connection: {name}")

    assert await db._keep_session(Untouchable()) is None


def test_sqlite_keeps_its_own_settings() -> None:
    connection = db.tortoise_config("sqlite://data/x.sqlite3")["connections"]["default"]
    assert connection["engine"] == "tortoise.backends.sqlite"
    assert "reset" not in connection["credentials"]
