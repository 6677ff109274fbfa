"""Benchmark: 32 concurrent clients booking meetings over HTTP, against raw asyncpg.

    .venv/bin/python -m bench.booking_throughput [--steps 20] [--rounds 2] [--workers 1]

In one fresh PostgreSQL database (bench/_support.py) and one run:

* raw: 32 asyncpg connections issue the booking transactions themselves (lock and check the
  request, lock the room row, look for an overlapping active meeting, insert the meeting,
  mark the request scheduled, append the audit entry to the hash chain under the head lock),
  as scheduling/booking.py does but without HTTP, the ORM, notifications or alternatives;
* api: ``lawmeet serve`` (uvicorn) on a free port; 32 httpx clients POST
  /api/v1/meeting-requests/{id}/bookings with a bearer token and an Idempotency-Key.

Half the clients fight for one room at the same start each step; the other half book rooms
of their own. Reported: attempts and bookings per second, p50/p99 latency, conflicts, the
server's peak RSS (process tree, sampled from /proc every 20 ms), and a SQL check that no
two active meetings of a room, lawyer or detainee overlap. Targets (issue #5): API throughput
>= 40% of raw, zero overlaps, peak server memory < 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import asyncpg  # type: ignore[import-untyped]  # no stubs in the dev extra
import httpx
from tortoise import Tortoise

from app import db
from app.audit.chain import GENESIS_HASH, link_hash
from app.audit.service import clean_summary
from bench import booking_world
from bench._support import fresh_database, machine, percentile
from bench.booking_world import Attempt, Client
from scheduling.reference import new_reference

CLIENTS: Final = 32
PRE_CHECK: Final = """
SELECT EXISTS (
    SELECT 1 FROM meeting AS m, meeting_request AS q
    WHERE q.id = $1 AND m.status = 'active'
      AND (m.room_id = $2 OR m.lawyer_id = q.lawyer_id OR m.detainee_id = q.detainee_id)
      AND tstzrange(m.starts_at, m.ends_at, '[)') && tstzrange($3, $4, '[)')
)
"""
OVERLAPS: Final = """
SELECT count(*) FROM meeting AS a JOIN meeting AS b ON a.id < b.id
WHERE a.status = 'active' AND b.status = 'active'
  AND (a.room_id = b.room_id OR a.lawyer_id = b.lawyer_id OR a.detainee_id = b.detainee_id)
  AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')
"""


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    booked: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    deadlocks: int = 0  # raw only: transactions PostgreSQL aborted and the client retried

    def summary(self) -> dict[str, object]:
        attempts = len(self.latencies_ms)
        return {
            "attempts": attempts,
            "booked": self.booked,
            "conflicts": self.conflicts,
            "errors": len(self.errors),
            "deadlocks_retried": self.deadlocks,
            "first_errors": self.errors[:3],
            "seconds": round(self.seconds, 2),
            "attempts_per_s": round(attempts / self.seconds, 1),
            "bookings_per_s": round(self.booked / self.seconds, 1),
            "p50_ms": round(percentile(self.latencies_ms, 50), 1),
            "p99_ms": round(percentile(self.latencies_ms, 99), 1),
        }


# --- raw asyncpg: the service's transaction, statement by statement --------------------------


async def raw_book(
    connection: asyncpg.Connection, lawyer_id: int, attempt: Attempt, outcome: Outcome
) -> bool:
    """True when booked, False when an overlapping active meeting was found (or refused by
    the EXCLUDE constraints).

    Two transactions inserting overlapping rows at once may each wait for the other inside
    the exclusion check; PostgreSQL then aborts one with "deadlock detected". The room lock
    prevents that here; should it happen (say, over a lawyer), trying again meets the
    committed winner, so the attempt ends as the conflict it is. Retries are counted.
    """
    for _try in range(3):
        try:
            return await _raw_transaction(connection, lawyer_id, attempt)
        except asyncpg.exceptions.DeadlockDetectedError:
            outcome.deadlocks += 1
    raise RuntimeError(f"request {attempt.request_id}: deadlocked three times")


async def _raw_transaction(
    connection: asyncpg.Connection, lawyer_id: int, attempt: Attempt
) -> bool:
    ends_at = attempt.starts_at + timedelta(minutes=booking_world.LENGTH_MINUTES)
    try:
        async with connection.transaction():
            status = await connection.fetchval(
                "UPDATE meeting_request SET status = status WHERE id = $1 RETURNING status",
                attempt.request_id,
            )
            if status != "requested":
                raise RuntimeError(f"request {attempt.request_id} is {status}")
            # One booking of a room at a time: two overlapping inserts would otherwise each
            # wait for the other in the exclusion check until PostgreSQL's deadlock detector
            # (deadlock_timeout, 1 s) aborted one; the winner's row is then committed and seen.
            await connection.execute("SELECT 1 FROM room WHERE id = $1 FOR UPDATE",
                                     attempt.room_id)  # fmt: skip
            if await connection.fetchval(PRE_CHECK, attempt.request_id, attempt.room_id,
                                         attempt.starts_at, ends_at):  # fmt: skip
                return False
            row = await connection.fetchrow(
                "INSERT INTO meeting (request_id, room_id, lawyer_id, detainee_id, starts_at,"
                " ends_at, status, reference, idempotency_key, sequence, uid, created_at,"
                " cancel_reason) SELECT id, $2, lawyer_id, detainee_id, $3, $4, 'active', $5,"
                " $6, 0, $7, now(), '' FROM meeting_request WHERE id = $1"
                " RETURNING id, reference, request_id, room_id, starts_at, ends_at, sequence",
                attempt.request_id, attempt.room_id, attempt.starts_at, ends_at,
                new_reference(), str(uuid.uuid4()), f"{uuid.uuid4()}@lawmeet",
            )  # fmt: skip
            await connection.execute(
                "UPDATE meeting_request SET status = 'scheduled' WHERE id = $1",
                attempt.request_id,
            )
            await _raw_audit(connection, lawyer_id, row)
    except asyncpg.exceptions.ExclusionViolationError:
        return False
    return True


async def _raw_audit(
    connection: asyncpg.Connection, actor_id: int, meeting: asyncpg.Record
) -> None:
    head = await connection.fetchrow("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
    seq, previous = head["seq"], head["hash"]
    summary = clean_summary({
        "reference": meeting["reference"], "request": meeting["request_id"],
        "room": meeting["room_id"], "starts_at": meeting["starts_at"],
        "ends_at": meeting["ends_at"], "sequence": meeting["sequence"],
    })  # fmt: skip
    at = datetime.now(UTC)
    object_id = str(meeting["id"])
    digest = link_hash(seq + 1, at, actor_id, "meeting.booked", "meeting", object_id, summary,
                       previous)  # fmt: skip
    await connection.execute(
        "INSERT INTO audit_entry (seq, at, actor_id, actor_label, action, object_type,"
        " object_id, summary, prev_hash, hash) VALUES ($1, $2, $3, 'bench', 'meeting.booked',"
        " 'meeting', $4, $5::jsonb, $6, $7)",
        seq + 1, at, actor_id, object_id, json.dumps(summary), previous, digest,
    )  # fmt: skip
    await connection.execute(
        "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", seq + 1, digest
    )


async def run_raw(url: str, clients: list[Client]) -> Outcome:
    outcome = Outcome()
    connections = [await asyncpg.connect(url) for _ in clients]
    # The chain's head exists once anything was audited; the ORM creates it on first use.
    await connections[0].execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING",
        GENESIS_HASH,
    )

    async def one(connection: asyncpg.Connection, client: Client) -> None:
        for attempt in client.attempts:
            began = time.perf_counter()
            booked: bool | None = None
            try:
                booked = await raw_book(connection, client.lawyer_id, attempt, outcome)
            except Exception as exc:
                outcome.errors.append(repr(exc))
            outcome.latencies_ms.append((time.perf_counter() - began) * 1000)
            outcome.booked += booked is True
            outcome.conflicts += booked is False

    try:
        began = time.perf_counter()
        pairs = zip(connections, clients, strict=True)
        await asyncio.gather(*(one(connection, client) for connection, client in pairs))
        outcome.seconds = time.perf_counter() - began
    finally:
        for connection in connections:
            await connection.close()
    return outcome


# --- the HTTP API, served by uvicorn in its own process --------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(url: str, port: int, workers: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LAWMEET_DATABASE__URL": url,
        "LAWMEET_APP__DATA_DIR": str(data_dir),
        "LAWMEET_APP__SECRET_KEY": secrets.token_hex(32),
        # Production runs `lawmeet worker` apart; the console backends would print every notice.
        "LAWMEET_NOTIFICATIONS__RUN_WORKER_IN_PROCESS": "false",
        "LAWMEET_LOGGING__LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parent.parent)


async def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        for _ in range(300):
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}")
            try:
                if (await http.get("/api/v1/openapi.json")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not answer within 30 s")


def tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


async def sample_memory(root: int, peak: list[int], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], await asyncio.to_thread(tree_rss_bytes, root))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.02)


async def run_api(base: str, clients: list[Client]) -> Outcome:
    outcome = Outcome()
    limits = httpx.Limits(max_connections=len(clients), max_keepalive_connections=len(clients))

    async def one(http: httpx.AsyncClient, client: Client) -> None:
        headers = {"Authorization": f"Bearer {client.token}"}
        for attempt in client.attempts:
            body = {"room_id": attempt.room_id, "starts_at": attempt.starts_at.isoformat(),
                    "length_minutes": booking_world.LENGTH_MINUTES}  # fmt: skip
            began = time.perf_counter()
            response = await http.post(
                f"/api/v1/meeting-requests/{attempt.request_id}/bookings", json=body,
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            )  # fmt: skip
            outcome.latencies_ms.append((time.perf_counter() - began) * 1000)
            if response.status_code == 201:
                outcome.booked += 1
            elif response.status_code == 409:
                outcome.conflicts += 1
            else:
                outcome.errors.append(f"{response.status_code} {response.text[:300]}")

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        began = time.perf_counter()
        await asyncio.gather(*(one(http, client) for client in clients))
        outcome.seconds = time.perf_counter() - began
    return outcome


async def overlaps(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        count: int = await connection.fetchval(OVERLAPS)
        return count
    finally:
        await connection.close()


def merged(outcomes: list[Outcome]) -> Outcome:
    total = Outcome()
    for outcome in outcomes:
        total.latencies_ms += outcome.latencies_ms
        total.booked += outcome.booked
        total.conflicts += outcome.conflicts
        total.errors += outcome.errors
        total.seconds += outcome.seconds
        total.deadlocks += outcome.deadlocks
    return total


async def main(args: argparse.Namespace) -> dict[str, object]:
    async with fresh_database("booking") as url:
        result: dict[str, object] = {"machine": await machine(url)}
        await Tortoise.init(config=db.tortoise_config(url))
        try:
            worlds = [
                (
                    await booking_world.build("raw", CLIENTS, args.steps, tokens=False),
                    await booking_world.build("api", CLIENTS, args.steps, tokens=True),
                )
                for _ in range(args.rounds)
            ]
        finally:
            await Tortoise.close_connections()
        server_url = url + (f"?maxsize={args.pool}" if args.pool else "")
        port, raws, apis = free_port(), [], []
        with tempfile.TemporaryDirectory(prefix="lawmeet-bench-") as data_dir:
            server = start_server(server_url, port, args.workers, Path(data_dir))
            try:
                await wait_until_up(f"http://127.0.0.1:{port}", server)
                idle = tree_rss_bytes(server.pid)
                peak, stop = [idle], asyncio.Event()
                sampler = asyncio.create_task(sample_memory(server.pid, peak, stop))
                # Rounds alternate, so a change in the machine's load hits both sides alike.
                for raw_clients, api_clients in worlds:
                    raws.append(await run_raw(url, raw_clients))
                    apis.append(await run_api(f"http://127.0.0.1:{port}", api_clients))
                stop.set()
                await sampler
            finally:
                server.terminate()
                server.wait(timeout=30)
        raw, api = merged(raws), merged(apis)
        result["raw"] = {**raw.summary(), "rounds": [r.summary()["attempts_per_s"] for r in raws]}
        result["api"] = {
            **api.summary(),
            "rounds": [a.summary()["attempts_per_s"] for a in apis],
            "server_workers": args.workers,
            "db_pool_maxsize": args.pool or 5,
            "server_rss_idle_mb": round(idle / 2**20, 1),
            "server_rss_peak_mb": round(peak[0] / 2**20, 1),
        }
        # Attempts per second: both sides make the same attempts and book the same number.
        ratio = (len(api.latencies_ms) / api.seconds) / (len(raw.latencies_ms) / raw.seconds)
        found = await overlaps(url)
        result["api_to_raw"] = round(ratio, 3)
        result["overlapping_active_meetings"] = found
        result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        result["targets_met"] = {
            "api_at_least_40pct_of_raw": ratio >= 0.4,
            "zero_overlaps": found == 0,
            "peak_rss_under_200mb": peak[0] < 200 * 2**20,
        }
        return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--steps", type=int, default=20, help="attempts per client and round")
    parser.add_argument("--rounds", type=int, default=2, help="raw then API, this many times")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--pool", type=int, default=0, help="database pool maxsize (default 5)")
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2, default=str))
