"""What the benchmarks share: a throw-away PostgreSQL database, percentiles, the machine.

Each run creates its own database (``lawmeet_bench_<name>_<pid>``) on the server given by
``LAWMEET_BENCH_PG`` (default: trust auth as postgres on 127.0.0.1:5432), migrates it with the
application's own migrations, and drops it at the end, even after a failure.
"""

from __future__ import annotations

import math
import os
import platform
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # no stubs in the dev extra

from app import db

SERVER = os.environ.get("LAWMEET_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def database_url(name: str) -> str:
    return f"{SERVER.rstrip('/')}/{name}"


@asynccontextmanager
async def fresh_database(label: str, *, keep: bool = False) -> AsyncIterator[str]:
    """A new, migrated database for this run; its URL. Dropped on the way out unless ``keep``
    (then its name is printed, to pass to ``--database`` of a later run)."""
    name = f"lawmeet_bench_{label}_{os.getpid()}"
    await _drop(name)
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        await db.migrate(database_url(name))
        yield database_url(name)
    finally:
        if keep:
            print(f"kept database {name}", file=sys.stderr)
        else:
            await _drop(name)


async def _drop(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(statement: str) -> None:
    admin = await asyncpg.connect(database_url("postgres"))
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by the nearest-rank method: a value that was observed."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return math.nan


async def machine(url: str) -> dict[str, object]:
    """Where the numbers come from: CPUs, memory, CPU model, PostgreSQL and Python versions."""
    connection = await asyncpg.connect(url)
    try:
        version = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gib": round(_memory_gib(), 1),
        "cpu_model": _cpu_model(),
        "postgresql": version,
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
