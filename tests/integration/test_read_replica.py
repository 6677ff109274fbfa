"""Reports read a real streaming replica when ``[database] read_url`` is set, say how current
it is, and read the primary when the replica is down or too far behind (PostgreSQL only)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from httpx import AsyncClient

from app import db, read_replica
from app.accounts.roles import Role
from app.law.context import Law
from app.settings import LegalSection, Settings
from rights_checklist import ledger
from rights_checklist.compliance import breach_list, compliance_report
from rights_checklist.compliance_types import ReadFrom, ReportScope
from tests.conftest import POSTGRES_ADMIN_URL, PostgresTemplate, SqliteTemplate
from tests.integration.compliance_world import make_world
from tests.integration.helpers import api_token, bearer, login, make_user
from tests.integration.streaming_replica import (
    ReplicaUnavailable,
    StreamingReplica,
    make_replica,
    run_on,
    wait_until_replayed,
)

LAW = Law.from_settings(LegalSection())
EVERYTHING = ReportScope(date(2025, 1, 1), date(2027, 12, 31))
CLOSED_PORT_URL = "postgres://postgres@127.0.0.1:9/lawmeet"  # discard: nothing listens


# SQLite has no replica: read_url needs PostgreSQL.
pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="session")
def replica(backend: SqliteTemplate | PostgresTemplate) -> Iterator[StreamingReplica]:
    try:
        made = make_replica(POSTGRES_ADMIN_URL)
    except ReplicaUnavailable as error:
        if os.environ.get("LAWMEET_REQUIRE_POSTGRES", "") not in ("", "0"):
            pytest.fail(str(error))
        pytest.skip(str(error))
    yield made
    made.remove()


@pytest.fixture
def replica_url(replica: StreamingReplica, db_url: str) -> str:
    return replica.url_of(db_url)


@pytest.fixture
def settings(db_url: str, replica_url: str, tmp_path: Path) -> Settings:
    return _settings(db_url, replica_url, tmp_path)


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[None]:
    context = await db.open_database(settings)
    try:
        yield
    finally:
        await db.close_database(context)


@pytest.fixture(autouse=True)
def replica_trusted_again() -> Iterator[None]:
    """Each test starts with the replica not marked as failed by an earlier one."""
    yield
    read_replica._policy.down_until = 0.0


def _settings(db_url: str, read_url: str, tmp_path: Path, max_lag: int = 300) -> Settings:
    return Settings.model_validate(
        {
            "app": {
                "secret_key": "test-secret-key-that-is-long-enough-0123456789",
                "data_dir": str(tmp_path),
                "public_url": "http://testserver",
            },
            "database": {"url": db_url, "read_url": read_url, "read_max_lag_seconds": max_lag},
            "notifications": {"run_worker_in_process": False},
        }
    )


async def _judged_world(db_url: str, replica_url: str, seed: int) -> None:
    """Cases written and judged into the ledger on the primary, replayed on the replica."""
    await make_world(seed, cases=6, now=datetime.now(UTC))
    await ledger.refresh_ledger(LAW, all_cases=True)
    await wait_until_replayed(db_url, replica_url)


@pytest.mark.usefixtures("database")
async def test_a_report_reads_the_replica_and_counts_what_the_primary_holds(
    db_url: str, replica_url: str
) -> None:
    await _judged_world(db_url, replica_url, seed=11)
    on_replica = await compliance_report(EVERYTHING, refresh_by=None)
    read_replica._policy.down_until = time.monotonic() + 60  # as after a failure
    on_primary = await compliance_report(EVERYTHING, refresh_by=None)
    assert on_replica.read_from == ReadFrom.REPLICA
    assert on_primary.read_from == ReadFrom.PRIMARY_FALLBACK
    assert on_replica.totals == on_primary.totals
    assert sum(t.judged for t in on_replica.totals.values()) > 0


@pytest.mark.usefixtures("database")
async def test_a_paused_replica_reports_as_of_its_last_replayed_change(
    db_url: str, replica_url: str
) -> None:
    await _judged_world(db_url, replica_url, seed=12)
    before = await compliance_report(EVERYTHING, refresh_by=None)
    await run_on(replica_url, "SELECT pg_wal_replay_pause()")
    try:
        paused_at = datetime.now(UTC)
        await asyncio.sleep(1.2)
        await make_world(13, cases=6, now=datetime.now(UTC))
        await ledger.refresh_ledger(LAW, all_cases=True)
        stale = await compliance_report(EVERYTHING, refresh_by=None)
        stale_breaches = await breach_list(EVERYTHING, limit=1000, refresh_by=None)
    finally:
        await run_on(replica_url, "SELECT pg_wal_replay_resume()")
    await wait_until_replayed(db_url, replica_url)
    current = await compliance_report(EVERYTHING, refresh_by=None)

    assert stale.read_from == ReadFrom.REPLICA
    assert stale.totals == before.totals  # the new cases are not replayed yet
    assert stale.generated_at <= paused_at  # and the report says how old its figures are
    assert stale_breaches.judged_at <= paused_at
    assert current.read_from == ReadFrom.REPLICA
    assert current.generated_at > paused_at
    assert sum(t.judged for t in current.totals.values()) > sum(
        t.judged for t in before.totals.values()
    )


async def test_a_replica_further_behind_than_allowed_is_not_read(
    db_url: str, replica_url: str, tmp_path: Path
) -> None:
    context = await db.open_database(_settings(db_url, replica_url, tmp_path, max_lag=1))
    try:
        await _judged_world(db_url, replica_url, seed=14)
        await run_on(replica_url, "SELECT pg_wal_replay_pause()")
        try:
            await make_world(15, cases=2, now=datetime.now(UTC))
            await asyncio.sleep(2.5)
            report = await compliance_report(EVERYTHING, refresh_by=LAW)
        finally:
            await run_on(replica_url, "SELECT pg_wal_replay_resume()")
    finally:
        await db.close_database(context)
    assert report.read_from == ReadFrom.PRIMARY_FALLBACK
    assert datetime.now(UTC) - report.generated_at < timedelta(seconds=5)


async def test_a_replica_that_cannot_be_reached_leaves_reports_on_the_primary(
    db_url: str, tmp_path: Path
) -> None:
    context = await db.open_database(_settings(db_url, CLOSED_PORT_URL, tmp_path))
    try:
        await make_world(16, cases=3, now=datetime.now(UTC))
        report = await compliance_report(EVERYTHING, refresh_by=LAW)
        breaches = await breach_list(EVERYTHING, limit=10, refresh_by=None)
    finally:
        await db.close_database(context)
    assert report.read_from == ReadFrom.PRIMARY_FALLBACK
    assert breaches.read_from == ReadFrom.PRIMARY_FALLBACK
    assert sum(t.judged for t in report.totals.values()) > 0


@pytest.mark.usefixtures("database")
async def test_a_replica_stopped_after_use_is_replaced_by_the_primary_until_it_returns(
    db_url: str, replica_url: str, replica: StreamingReplica
) -> None:
    await _judged_world(db_url, replica_url, seed=17)
    first = await compliance_report(EVERYTHING, refresh_by=None)
    replica.stop()
    try:
        while_down = await compliance_report(EVERYTHING, refresh_by=None)
    finally:
        replica.start()
    await wait_until_replayed(db_url, replica_url)
    read_replica._policy.down_until = 0.0  # as after RETRY_AFTER_SECONDS
    back = await compliance_report(EVERYTHING, refresh_by=None)
    assert (first.read_from, while_down.read_from, back.read_from) == (
        ReadFrom.REPLICA,
        ReadFrom.PRIMARY_FALLBACK,
        ReadFrom.REPLICA,
    )
    assert first.totals == while_down.totals == back.totals


async def test_the_dashboard_says_its_figures_come_from_the_replica(
    client: AsyncClient, db_url: str, replica_url: str
) -> None:
    await make_user(Role.BAR_AUDITOR, username="auditor", region_code="110000")
    await wait_until_replayed(db_url, replica_url)
    await login(client, "auditor")
    page = await client.get("/compliance?from=2026-01-01&to=2027-12-31")
    assert page.status_code == 200
    assert 'data-read-from="replica"' in page.text
    assert "只读副本" in page.text


async def test_the_api_report_names_where_it_was_read(
    client: AsyncClient, db_url: str, replica_url: str
) -> None:
    auditor = bearer(await api_token(await make_user(Role.BAR_AUDITOR, region_code="110000")))
    await wait_until_replayed(db_url, replica_url)
    query = "from=2026-01-01&to=2027-12-31"
    report = await client.get(f"/api/v1/compliance/report?{query}", headers=auditor)
    breaches = await client.get(f"/api/v1/compliance/breaches?{query}", headers=auditor)
    assert report.status_code == breaches.status_code == 200
    assert report.json()["read_from"] == breaches.json()["read_from"] == "replica"
