"""Benchmark: 32 concurrent clients booking meetings over HTTP, against raw asyncpg.

    .venv/bin/python -m bench.booking_throughput [--steps 20] [--rounds 2] [--workers 1]

In one fresh PostgreSQL database (bench/_support.py) and one run:

* raw: 32 asyncpg connections issue the booking transactions themselves (bench/booking_raw.py:
  lock and check the request, lock the room row, look for an overlapping active meeting,
  insert the meeting, mark the request scheduled, write the same notice outbox rows, append
  the audit entry to the hash chain under the head lock), as scheduling/booking.py does but
  without HTTP, the ORM or alternatives in a 409;
* api: ``lawmeet serve`` (uvicorn) on a free port; 32 clients, each on its own keep-alive
  connection, POST /api/v1/meeting-requests/{id}/bookings with a bearer token and an
  Idempotency-Key.

Half the clients fight for one room at the same start each step; the other half book rooms
of their own. Reported: attempts and bookings per second, p50/p99 latency, conflicts, the
server's peak RSS (process tree, sampled from /proc every 20 ms), the CPU time per attempt
of the server, the clients, the raw script and the PostgreSQL backends (bench/_proc.py), the
outbox rows each side wrote per booking, and a SQL check that no
two active meetings of a room, lawyer or detainee overlap. Targets (issue #5): API throughput
>= 40% of raw, zero overlaps, peak server memory < 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Final

import asyncpg  # type: ignore[import-untyped]  # no stubs in the dev extra
import httpx
from tortoise import Tortoise

from app import db
from bench import booking_world
from bench._proc import (
    cpu_seconds,
    database_name,
    machine_cpu_seconds,
    postgres_cpu_seconds,
    sample_memory,
    tree_rss_bytes,
)
from bench._support import fresh_database, machine
from bench.booking_raw import Outcome, run_raw
from bench.booking_world import Attempt, Client

CLIENTS: Final = 32
OVERLAPS: Final = """
SELECT count(*) FROM meeting AS a JOIN meeting AS b ON a.id < b.id
WHERE a.status = 'active' AND b.status = 'active'
  AND (a.room_id = b.room_id OR a.lawyer_id = b.lawyer_id OR a.detainee_id = b.detainee_id)
  AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')
"""


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


def _body(attempt: Attempt) -> bytes:
    return json.dumps({"room_id": attempt.room_id, "starts_at": attempt.starts_at.isoformat(),
                       "length_minutes": booking_world.LENGTH_MINUTES}).encode()  # fmt: skip


def _record(outcome: Outcome, status: int, text: str, began: float) -> None:
    outcome.latencies_ms.append((time.perf_counter() - began) * 1000)
    if status == 201:
        outcome.booked += 1
    elif status == 409:
        outcome.conflicts += 1
    else:
        outcome.errors.append(f"{status} {text[:300]}")


async def run_api(base: str, clients: list[Client], client_kind: str = "lean") -> Outcome:
    """Every client's attempts over its own keep-alive HTTP/1.1 connection.

    The default "lean" client writes each request and reads each response (status line,
    headers, Content-Length body) with asyncio streams: the 32 clients share the machine's two
    CPUs with the server and PostgreSQL, and httpx spends about 1.8 ms of CPU per request
    (BENCHMARKS.md), which the server would otherwise not have. ``--client httpx`` uses httpx.
    """
    outcome = Outcome()
    run = _lean if client_kind == "lean" else _httpx
    began = time.perf_counter()
    await run(base, clients, outcome)
    outcome.seconds = time.perf_counter() - began
    return outcome


async def _lean(base: str, clients: list[Client], outcome: Outcome) -> None:
    host, port = base.removeprefix("http://").split(":")

    def request(client: Client, attempt: Attempt) -> bytes:
        body = _body(attempt)
        return (
            f"POST /api/v1/meeting-requests/{attempt.request_id}/bookings HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\nAuthorization: Bearer {client.token}\r\n"
            f"Idempotency-Key: {uuid.uuid4()}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body

    # Written before the clock starts, as a load generator does: the server's work is timed.
    requests = {id(c): [request(c, attempt) for attempt in c.attempts] for c in clients}

    async def one(client: Client) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for raw in requests[id(client)]:
                began = time.perf_counter()
                writer.write(raw)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])  # b"HTTP/1.1 201 ..."
                length = head.lower().split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0]
                text = (await reader.readexactly(int(length))).decode()
                _record(outcome, status, text, began)
        finally:
            writer.close()

    await asyncio.gather(*(one(client) for client in clients))


async def _httpx(base: str, clients: list[Client], outcome: Outcome) -> None:
    limits = httpx.Limits(max_connections=len(clients), max_keepalive_connections=len(clients))

    async def one(http: httpx.AsyncClient, client: Client) -> None:
        for attempt in client.attempts:
            headers = {"Authorization": f"Bearer {client.token}",
                       "Idempotency-Key": str(uuid.uuid4()),
                       "Content-Type": "application/json"}  # fmt: skip
            began = time.perf_counter()
            response = await http.post(
                f"/api/v1/meeting-requests/{attempt.request_id}/bookings",
                content=_body(attempt), headers=headers,
            )  # fmt: skip
            _record(outcome, response.status_code, response.text, began)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        await asyncio.gather(*(one(http, client) for client in clients))


async def overlaps(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        count: int = await connection.fetchval(OVERLAPS)
        return count
    finally:
        await connection.close()


async def outbox(url: str, clients: list[Client]) -> dict[str, float]:
    """The outbox rows the clients' bookings wrote: count and size (payload + invite)."""
    connection = await asyncpg.connect(url)
    try:
        row = await connection.fetchrow(
            "SELECT count(*) AS n, coalesce(sum(octet_length(payload::text)"
            " + coalesce(octet_length(calendar_ics), 0)), 0) AS size"
            " FROM notification WHERE recipient_id = ANY($1::int[])",
            [client.lawyer_id for client in clients],
        )
        return {"rows": row["n"], "bytes": row["size"]}
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
        server_cpu = machine_cpu = raw_cpu = raw_machine = client_cpu = raw_pg = api_pg = 0.0
        with tempfile.TemporaryDirectory(prefix="lawmeet-bench-") as data_dir:
            server = start_server(server_url, port, args.workers, Path(data_dir))
            try:
                await wait_until_up(f"http://127.0.0.1:{port}", server)
                idle = tree_rss_bytes(server.pid)
                peak, stop = [idle], asyncio.Event()
                sampler = asyncio.create_task(sample_memory(server.pid, peak, stop))
                # Rounds alternate, so a change in the machine's load hits both sides alike.
                for raw_clients, api_clients in worlds:
                    raw_before = time.process_time(), machine_cpu_seconds()
                    raws.append(await run_raw(url, raw_clients))
                    raw_cpu += time.process_time() - raw_before[0]
                    raw_machine += machine_cpu_seconds() - raw_before[1]
                    raw_pg += raws[-1].postgres_cpu
                    before = (cpu_seconds(server.pid), machine_cpu_seconds(), time.process_time(),
                              postgres_cpu_seconds(database_name(url)))  # fmt: skip
                    apis.append(await run_api(f"http://127.0.0.1:{port}", api_clients, args.client))
                    client_cpu += time.process_time() - before[2]
                    api_pg += postgres_cpu_seconds(database_name(url)) - before[3]
                    server_cpu += cpu_seconds(server.pid) - before[0]
                    machine_cpu += machine_cpu_seconds() - before[1]
                stop.set()
                await sampler
            finally:
                server.terminate()
                server.wait(timeout=30)
        raw, api = merged(raws), merged(apis)
        result["raw"] = {
            **raw.summary(),
            "rounds": [r.summary()["attempts_per_s"] for r in raws],
            # The raw script's own CPU (this process) per attempt, and the machine's load.
            "script_cpu_ms_per_attempt": round(raw_cpu * 1000 / len(raw.latencies_ms), 2),
            "machine_cpus_busy_during_raw": round(raw_machine / raw.seconds, 2),
            "postgres_cpu_ms_per_attempt": round(raw_pg * 1000 / len(raw.latencies_ms), 2),
        }
        result["api"] = {
            **api.summary(),
            "rounds": [a.summary()["attempts_per_s"] for a in apis],
            "server_workers": args.workers,
            "http_client": args.client,
            "db_pool_maxsize": args.pool or 5,
            "server_rss_idle_mb": round(idle / 2**20, 1),
            "server_rss_peak_mb": round(peak[0] / 2**20, 1),
            # Where the API side's time goes: the server process's CPU per attempt, and how
            # busy the whole machine (both CPUs: server, PostgreSQL, clients, others) was.
            "server_cpu_ms_per_attempt": round(server_cpu * 1000 / len(api.latencies_ms), 2),
            "server_cpu_share_of_wall": round(server_cpu / api.seconds, 2),
            "clients_cpu_ms_per_attempt": round(client_cpu * 1000 / len(api.latencies_ms), 2),
            "machine_cpus_busy_during_api": round(machine_cpu / api.seconds, 2),
            "postgres_cpu_ms_per_attempt": round(api_pg * 1000 / len(api.latencies_ms), 2),
        }
        # Attempts per second: both sides make the same attempts and book the same number.
        ratio = (len(api.latencies_ms) / api.seconds) / (len(raw.latencies_ms) / raw.seconds)
        found = await overlaps(url)
        for side, index, outcome in (("raw", 0, raw), ("api", 1, api)):
            written = await outbox(url, [c for world in worlds for c in world[index]])
            result[f"{side}_outbox_per_booking"] = {
                "rows": round(written["rows"] / max(outcome.booked, 1), 2),
                "bytes": round(written["bytes"] / max(outcome.booked, 1)),
            }
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
    parser.add_argument("--client", choices=("lean", "httpx"), default="lean",
                        help="HTTP client of the API side (see run_api)")  # fmt: skip
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2, default=str))
