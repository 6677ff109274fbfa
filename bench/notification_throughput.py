"""Benchmark: the notification worker's e-mail throughput against a raw aiosmtplib loop.

    .venv/bin/python -m bench.notification_throughput [-n 2000] [--rounds 3] [--postgres]

In one run, against one local SMTP sink (aiosmtpd in a child process, so the sink does not
share the benchmark's interpreter lock), the same N messages (a Chinese case notice with text
and HTML parts) are sent:

* raw: each message built as the worker builds it (MIME) and handed to aiosmtplib.send(),
  `batch_size` at a time concurrently (the worker's own concurrency), no database;
* worker: the N messages are queued in the outbox (not timed), then `Worker.run_once()` is
  called until the queue is empty: claim, render, send, record each outcome.

Rounds alternate raw and worker; the median round of each is compared. Target (issue #6):
worker >= 70% of raw. Database: a temporary SQLite file, or with --postgres a fresh database
on LAWMEET_BENCH_PG (bench/_support.py). Not a test: run by hand, results in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosmtplib
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import db
from app.settings import EmailSection, NotificationsSection
from notifications.channels import Outgoing
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.previews import sample_payload
from notifications.rendering import render
from notifications.services import enqueue
from notifications.smtp import SmtpSender, build_message
from notifications.worker import Worker

KIND = "case_event_notice"
TARGET = 0.70


def _sink(port: int) -> None:
    """Child process: an SMTP server that accepts and counts every message, then discards it."""
    from aiosmtpd.controller import Controller

    class Count:
        received = 0

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            Count.received += 1
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for line in sys.stdin:  # "count" asks for the tally; end of input stops the sink
            print(Count.received, flush=True)
            del line
    finally:
        controller.stop()


class Sink:
    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.notification_throughput", "--sink", str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the SMTP sink did not start")

    def received(self) -> int:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def stop(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=20)


def email_config(port: int) -> EmailSection:
    return EmailSection.model_validate(
        {
            "backend": "smtp",
            "host": "127.0.0.1",
            "port": port,
            "from_address": "lawmeet@bench.example",
            "timeout_seconds": 30,
        }
    )


async def raw_round(n: int, port: int, batch: int) -> float:
    """The same messages, each built (MIME, as the worker builds it) and sent: the least any
    sender must do. Rendering the templates is left to the worker's side of the comparison."""
    message = render(KIND, "zh-CN", sample_payload(KIND))

    async def send(i: int) -> None:
        outgoing = Outgoing(i, Channel.EMAIL, f"lawyer{i}@bench.example", message)
        email = build_message(outgoing, "lawmeet@bench.example")
        await aiosmtplib.send(email, hostname="127.0.0.1", port=port, timeout=30)

    start = time.perf_counter()
    for first in range(0, n, batch):
        await asyncio.gather(*(send(i) for i in range(first, min(first + batch, n))))
    return n / (time.perf_counter() - start)


async def worker_round(n: int, port: int, batch: int) -> float:
    async with in_transaction():
        for i in range(n):
            await enqueue(
                KIND,
                Channel.EMAIL,
                address=f"lawyer{i}@bench.example",
                payload=sample_payload(KIND),
            )
    config = NotificationsSection.model_validate(
        {"run_worker_in_process": False, "batch_size": batch, "lease_seconds": 120}
    )
    worker = Worker(config, {Channel.EMAIL: SmtpSender(email_config(port))})
    start = time.perf_counter()
    while await worker.run_once():
        pass
    seconds = time.perf_counter() - start
    sent = await Notification.filter(status=Status.SENT).count()
    if sent != n:
        raise RuntimeError(f"worker sent {sent} of {n}")
    await Notification.all().delete()
    return n / seconds


@asynccontextmanager
async def database(postgres: bool) -> AsyncIterator[str]:
    if postgres:
        from bench._support import fresh_database

        async with fresh_database("notify") as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite://{Path(folder) / 'bench.sqlite3'}"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


async def main(args: argparse.Namespace) -> int:
    sink = Sink()
    try:
        async with database(args.postgres) as url:
            await db.migrate(url)
            await Tortoise.init(config=db.tortoise_config(url), _enable_global_fallback=True)
            try:
                raw: list[float] = []
                worker: list[float] = []
                for _ in range(args.rounds):
                    raw.append(await raw_round(args.n, sink.port, args.batch))
                    worker.append(await worker_round(args.n, sink.port, args.batch))
            finally:
                await Tortoise.close_connections()
        received = sink.received()
    finally:
        sink.stop()
    expected = 2 * args.n * args.rounds
    raw_rate, worker_rate = statistics.median(raw), statistics.median(worker)
    ratio = worker_rate / raw_rate
    backend = "postgresql" if args.postgres else "sqlite"
    print(
        f"machine: {len(os.sched_getaffinity(0))} CPUs, {_cpu_model()}, "
        f"Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}"
    )
    print(f"database: {backend}; N={args.n} per round, {args.rounds} rounds, batch {args.batch}")
    print(f"sink received {received} of {expected} messages")
    print(f"{'run':<8}{'msg/s (median)':>16}{'rounds':>30}")
    print(f"{'raw':<8}{raw_rate:>16.1f}{' '.join(f'{r:.0f}' for r in raw):>30}")
    print(f"{'worker':<8}{worker_rate:>16.1f}{' '.join(f'{r:.0f}' for r in worker):>30}")
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"worker / raw = {ratio:.0%} (target {TARGET:.0%}: {verdict})")
    return 0 if received == expected else 1


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("-n", type=int, default=2000, help="messages per run and round")
    parser.add_argument("--rounds", type=int, default=3, help="raw/worker rounds (median kept)")
    parser.add_argument("--batch", type=int, default=20, help="concurrent sends (worker batch)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)  # the child process
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    if arguments.sink:
        _sink(arguments.sink)
        sys.exit(0)
    sys.exit(asyncio.run(main(arguments)))
