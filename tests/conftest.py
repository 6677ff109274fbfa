"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL.

Each backend migrates a template database once per run; every test gets its own copy
(a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL), dropped afterwards.
PostgreSQL tests are skipped when no server answers, unless LAWMEET_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import queue
import shutil
import sys
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from starlette.applications import Starlette
from tortoise.backends.base.executor import EXECUTOR_CACHE

from app import db
from app.settings import Settings

POSTGRES_ADMIN_URL = os.environ.get(
    "LAWMEET_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgres"]
_counter = itertools.count()


def _require(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false", "no")


class SqliteTemplate:
    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.sqlite3"
        asyncio.run(db.migrate(f"sqlite://{self.template}"))

    def fresh(self) -> tuple[str, Any]:
        path = self.folder / f"test-{next(_counter)}.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite://{path}", path

    def drop(self, handle: Any) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{handle}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgresTemplate:
    name = "postgres"

    def __init__(self) -> None:
        base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
        self.base = base
        self.prefix = f"lawmeet_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._admin(
            f'DROP DATABASE IF EXISTS "{self.template}"', f'CREATE DATABASE "{self.template}"'
        )
        asyncio.run(db.migrate(f"{self.base}/{self.template}"))

    def _admin(self, *statements: str) -> None:
        async def run() -> None:
            conn = await asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://"))
            try:
                for statement in statements:
                    await conn.execute(statement)
            finally:
                await conn.close()

        asyncio.run(run())

    def fresh(self) -> tuple[str, Any]:
        if self._worker is None:
            self._start_worker()
        self._jobs.put(("create", ""))  # keep the stock of ready databases topped up
        name = self._ready.get(timeout=120)
        if isinstance(name, BaseException):
            raise name
        return f"{self.base}/{name}", name

    def drop(self, handle: Any) -> None:
        self._jobs.put(("drop", handle))

    def close(self) -> None:
        if self._worker is not None:
            self._jobs.put(("stop", ""))
            self._worker.join(timeout=120)
        self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')

    # CREATE DATABASE ... TEMPLATE and DROP DATABASE cost ~0.1-0.2 s each. A worker thread with
    # its own connection does both in the background: it keeps READY_STOCK copies waiting and
    # drops used ones while the next test runs, so a test rarely waits for either.
    READY_STOCK = 2

    _worker: threading.Thread | None = None

    def _start_worker(self) -> None:
        self._jobs: queue.Queue[tuple[str, str]] = queue.Queue()
        self._ready: queue.Queue[str | BaseException] = queue.Queue()
        for _ in range(self.READY_STOCK):
            self._jobs.put(("create", ""))
        self._worker = threading.Thread(target=self._work, name="pg-test-databases", daemon=True)
        self._worker.start()

    def _work(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            conn = loop.run_until_complete(
                asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://"))
            )
        except Exception as exc:
            self._ready.put(exc)
            loop.close()
            return
        try:
            while (job := self._jobs.get())[0] != "stop":
                kind, name = job
                try:
                    if kind == "create":
                        name = f"{self.prefix}_{next(_counter)}"
                        loop.run_until_complete(
                            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                        )
                        self._ready.put(name)
                    else:
                        loop.run_until_complete(
                            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                        )
                except Exception as exc:
                    if kind == "create":  # the waiting test reports it
                        self._ready.put(exc)
                    else:
                        print(f"conftest: could not drop {name}: {exc}", file=sys.stderr)
            while not self._ready.empty():  # copies made ahead and never used
                leftover = self._ready.get()
                if isinstance(leftover, str):
                    loop.run_until_complete(
                        conn.execute(f'DROP DATABASE IF EXISTS "{leftover}" WITH (FORCE)')
                    )
        finally:
            loop.run_until_complete(conn.close())
            loop.close()


def postgres_reachable() -> bool:
    async def probe() -> None:
        conn = await asyncpg.connect(
            POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://"), timeout=3
        )
        await conn.close()

    try:
        asyncio.run(probe())
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    return True


_templates: dict[str, SqliteTemplate | PostgresTemplate] = {}


@pytest.fixture(scope="session", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqliteTemplate | PostgresTemplate]:
    if request.param == "postgres":
        if not postgres_reachable():
            if _require("LAWMEET_REQUIRE_POSTGRES"):
                pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_ADMIN_URL}")
            pytest.skip("PostgreSQL not reachable (set LAWMEET_REQUIRE_POSTGRES=1 to fail)")
        template: SqliteTemplate | PostgresTemplate = PostgresTemplate()
    else:
        template = SqliteTemplate(tmp_path_factory.mktemp("sqlite"))
    yield template
    template.close()


@pytest.fixture
def db_url(backend: SqliteTemplate | PostgresTemplate) -> Iterator[str]:
    # Tortoise caches each model's INSERT/DELETE SQL per connection *name* ("default"), not per
    # dialect: without this, PostgreSQL tests would reuse SQLite's "?" placeholders.
    EXECUTOR_CACHE.clear()
    url, handle = backend.fresh()
    yield url
    backend.drop(handle)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings.model_validate(
        {
            "app": {
                "secret_key": "test-secret-key-that-is-long-enough-0123456789",
                "data_dir": str(tmp_path),
                "public_url": "http://testserver",
            },
            "database": {"url": db_url},
            # Tests that deliver run a Worker themselves, so no background task races them.
            "notifications": {"run_worker_in_process": False},
        }
    )


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[None]:
    """An open database for tests that call services directly."""
    context = await db.open_database(settings)
    try:
        yield
    finally:
        await db.close_database(context)


@pytest.fixture
def app(settings: Settings) -> Starlette:
    from app.main import create_app

    return create_app(settings)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[AsyncClient]:
    async with LifespanManager(app) as manager:
        transport = ASGITransport(app=manager.app, client=("127.0.0.1", 50000))
        async with AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many database tests ran on each backend, so a silent skip cannot hide."""
    passed: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for outcome, bucket in (("passed", passed), ("skipped", skipped)):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") not in ("call", "setup"):
                continue
            if outcome == "passed" and report.when != "call":
                continue
            for name in BACKENDS:
                node = report.nodeid
                if f"[{name}" in node or f"-{name}]" in node or f"-{name}-" in node:
                    bucket[name] += 1
    browser = sum(1 for r in terminalreporter.stats.get("passed", []) if "tests/e2e/" in r.nodeid)
    terminalreporter.write_sep("-", "tests per backend")
    for name in BACKENDS:
        terminalreporter.write_line(f"{name}: {passed[name]} passed, {skipped[name]} skipped")
    terminalreporter.write_line(f"browser (e2e): {browser} passed")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread for the browser's lifetime, which the database fixtures' asyncio.run cannot share.
    A test marked postgres_only is not collected for SQLite at all (rather than skipped)."""
    sqlite_variants = [item for item in items if _sqlite_variant_of_postgres_only(item)]
    if sqlite_variants:
        config.hook.pytest_deselected(items=sqlite_variants)
        items[:] = [item for item in items if item not in sqlite_variants]
    items.sort(key=lambda item: "tests/e2e/" in item.nodeid.replace("\\", "/"))


def _sqlite_variant_of_postgres_only(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return (
        item.get_closest_marker("postgres_only") is not None
        and callspec is not None
        and callspec.params.get("backend") == "sqlite"
    )
