"""Reads that may lag: reports run on a streaming replica when one is configured.

A province's compliance dashboards, reports and exports scan the duty ledger; on the primary
they compete with bookings. With ``[database] read_url`` set they read a PostgreSQL streaming
replica instead, in one read-only snapshot, and say how current it is: ``ReadSource.as_of``
is the moment the replica has replayed up to (the current time when it has replayed everything
it received and is still streaming). A report judged on a replica is judged as of that moment,
so a duty met on the primary a second ago is never shown as missed.

The replica is a convenience, never a dependency. When it cannot be reached, refuses the
snapshot, is further behind than ``read_max_lag_seconds``, or a query is cancelled by a
recovery conflict, the same reads run on the primary and the report says so. A replica that
failed is left alone for ``RETRY_AFTER_SECONDS``, so that every report does not wait for its
connection timeout.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app import clock

REPLICA = "replica"
RETRY_AFTER_SECONDS = 30.0
T = TypeVar("T")
log = logging.getLogger("lawmeet.read_replica")

# How far behind the replica is, in seconds of the database's own clock. A replica that has
# replayed all it received, with its WAL receiver running, is current; otherwise it is as old
# as the last transaction it replayed. (pg_stat_wal_receiver shows a row while the receiver
# runs, to any role; its details need pg_read_all_stats, so they are not read.) On a primary
# (read_url pointing at one) this is 0.
_LAG = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0.0
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0.0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity')
END::float8 AS lag_seconds
"""


@dataclass(frozen=True, slots=True)
class ReadSource:
    """Where a report's rows came from, and how current they are."""

    replica: bool  # read from the streaming replica (False: the primary)
    as_of: datetime  # the data is current to this moment
    replica_configured: bool  # a replica is set up, so reading the primary is a fallback

    @property
    def lag(self) -> timedelta:
        return max(timedelta(0), clock.now() - self.as_of)


class _Policy:
    client: BaseDBAsyncClient | None = None  # the replica (None: reports read the primary)
    max_lag_seconds: float = 300.0
    down_until: float = 0.0  # time.monotonic() before which the replica is not tried


_policy = _Policy()


class ReplicaBehind(Exception):
    """The replica is further behind than the settings allow."""


def configure(client: BaseDBAsyncClient | None, max_lag_seconds: float) -> None:
    """Set when the process opens its database (``app.db.open_database``), from
    ``[database] read_url`` and ``read_max_lag_seconds``."""
    _policy.client = client
    _policy.max_lag_seconds = max_lag_seconds
    _policy.down_until = 0.0


async def close() -> None:
    client, _policy.client = _policy.client, None
    if client is not None:
        await client.close()


def replica_configured() -> bool:
    return _policy.client is not None


async def read_snapshot(work: Callable[[BaseDBAsyncClient, ReadSource], Awaitable[T]]) -> T:
    """Run ``work`` in one read-only snapshot: on the replica when configured and usable,
    else on the primary. ``work`` reads through the client it is given and may run twice
    (a replica failure part-way through is retried on the primary), so it must only read."""
    replica = _policy.client
    if replica is not None and time.monotonic() >= _policy.down_until:
        try:
            return await _on_replica(replica, work)
        except ReplicaBehind as behind:
            log.warning("reporting replica behind, reading the primary: %s", behind)
        except Exception:
            log.warning("reporting replica unusable, reading the primary", exc_info=True)
            _policy.down_until = time.monotonic() + RETRY_AFTER_SECONDS
    async with in_transaction("default") as db:
        await _begin_snapshot(db)
        return await work(db, ReadSource(False, clock.now(), replica is not None))


async def _on_replica(
    replica: BaseDBAsyncClient, work: Callable[[BaseDBAsyncClient, ReadSource], Awaitable[T]]
) -> T:
    # The client is not in Tortoise's registry (app.db.replica_client), so its own transaction
    # context is used rather than in_transaction(name).
    async with replica._in_transaction() as db:
        await _begin_snapshot(db)
        _, rows = await db.execute_query(_LAG)
        lag = float(rows[0]["lag_seconds"])
        if lag > _policy.max_lag_seconds:
            raise ReplicaBehind(f"{lag:.0f} s behind, more than {_policy.max_lag_seconds:.0f} s")
        source = ReadSource(True, clock.now() - timedelta(seconds=lag), True)
        return await work(db, source)


async def _begin_snapshot(db: BaseDBAsyncClient) -> None:
    """One consistent read for all of a report's queries. On PostgreSQL also plans made for
    each call's own values: after five runs of a prepared statement the server may switch to a
    generic plan that cannot see how many rows the period and jurisdiction keep, and gives up
    the parallel scan, taking twice as long (BENCHMARKS.md)."""
    if db.capabilities.dialect == "postgres":
        await db.execute_script(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
            " SET LOCAL plan_cache_mode = force_custom_plan;"
        )
