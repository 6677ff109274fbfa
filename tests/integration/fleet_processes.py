"""The real processes of the fleet fault test (test_fleet_faults.py): the fleet of
`lawmeet serve` apps and workers (Member, Fleet, fleet_members), the settings they share
(fleet_env), the chaos that SIGKILLs them, and a fake Twilio that counts the worker's look-ups.

Run as `python -m tests.integration.fleet_processes <twilio base url>`, it is `lawmeet worker`
itself (app.cli.main) with the one change a test needs: the Twilio client of the SMS backend
talks to the fake on 127.0.0.1 instead of api.twilio.com (settings have no such address).
That is why this is a module of its own, apart from the world (fleet_world.py) and the load
(fleet_support.py): it imports no more than the worker needs, and the test helpers are
imported where used, so that a worker restarted by the chaos loads no more than
`lawmeet worker` does.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.cli import main
from notifications.sms import TwilioSender

ROOT = Path(__file__).resolve().parents[2]
TWILIO_FROM = "+15005550006"
FROM_ADDRESS = "lawmeet@fleet.test"


# --- `lawmeet worker` against the fake Twilio -------------------------------------------------


def run_worker(twilio_url: str) -> int:
    """`lawmeet worker`, its Twilio client sent to `twilio_url`."""
    built = TwilioSender.from_settings

    def pointed(settings: Any) -> TwilioSender:
        sender = built(settings)
        sender.client.api.base_url = twilio_url
        return sender

    TwilioSender.from_settings = pointed  # type: ignore[method-assign]
    return main(["worker"])


# --- A fake Twilio that counts look-ups ----------------------------------------------------------


def _twilio_server_class() -> type[Any]:
    from tests.integration.notification_fakes import TwilioServer

    @dataclass
    class CountingTwilio(TwilioServer):
        lookups: int = 0

        def _list(self, query: dict[str, list[str]]) -> dict[str, Any]:
            self.lookups += 1
            return super()._list(query)

    return CountingTwilio


@asynccontextmanager
async def counting_twilio(
    delay: Callable[[int], float], late: Callable[[int], bool]
) -> AsyncIterator[Any]:
    """The stateful Twilio fake of notification_fakes, counting the message-list look-ups."""
    fake = _twilio_server_class()(delay=delay, late=late)
    server = await asyncio.start_server(fake._handle, "127.0.0.1", 0)
    fake.port = int(server.sockets[0].getsockname()[1])
    try:
        yield fake
    finally:
        server.close()
        await server.wait_closed()


def slow_answer(n: int) -> float:
    """Half the SMS take Twilio 0.8 s, so that kills find some in flight. Of those, half
    are at Twilio at once and answered late (killed meanwhile, the worker never learns the
    SID); the other half reach Twilio only after the 0.8 s, and not at all if the worker
    died meanwhile."""
    return 0.8 if n % 4 in (0, 2) else 0.0


def reaches_late(n: int) -> bool:
    return n % 4 == 2


# --- The fleet -------------------------------------------------------------------------------


@dataclass
class Member:
    """One process of the fleet, restarted under the same name (and, for an app, port)."""

    name: str
    command: list[str]
    env: dict[str, str]
    folder: Path
    base_url: str = ""  # an app's; "" for a worker
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        self.log = self.folder / f"{self.name}-{self.starts}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def ready(self, http: httpx.AsyncClient) -> bool:
        if not self.running():
            return False
        if self.base_url:
            try:
                return (await http.get(self.base_url + "/readyz", timeout=1)).status_code == 200
            except httpx.TransportError:
                return False
        assert self.log is not None
        return "notification worker started" in self.log.read_text(errors="replace")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self) -> None:
        if self.running():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)

    def reap(self, deadline: float) -> None:
        """Wait for the process to end until `deadline` (monotonic), then SIGKILL it."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Fleet:
    apps: list[Member]
    workers: list[Member]
    http: httpx.AsyncClient
    kills: Counter[str] = field(default_factory=Counter)

    @property
    def members(self) -> list[Member]:
        return [*self.apps, *self.workers]

    async def wait_ready(self, members: list[Member], seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        for member in members:
            while not await member.ready(self.http):
                if not member.running() or time.monotonic() > deadline:
                    assert member.log is not None
                    log = member.log.read_text(errors="replace")[-3000:]
                    raise AssertionError(f"{member.name} did not come up:\n{log}")
                await asyncio.sleep(0.1)

    async def chaos(self, rng: random.Random, stop: asyncio.Event) -> None:
        """Every 1-2 s SIGKILL one process and start it again at once. Only a process whose
        twin serves is killed, so one app and one worker always serve: the point is what a
        crash leaves behind, not a fleet with nobody at the desk."""
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), rng.uniform(1.0, 2.0))
                return
            except TimeoutError:
                pass
            serving: list[Member] = []
            for group in (self.apps, self.workers):
                ready = [member for member in group if await member.ready(self.http)]
                if len(ready) == len(group):
                    serving += ready
            if not serving:
                continue
            victim = rng.choice(serving)
            victim.kill()
            self.kills[victim.name] += 1
            victim.start()

    def stop(self) -> None:
        """SIGTERM to all at once; SIGKILL to any still there 15 s later."""
        for member in self.members:
            member.terminate()
        deadline = time.monotonic() + 15
        for member in self.members:
            member.reap(deadline)


def fleet_members(env: dict[str, str], folder: Path, ports: list[int], twilio_url: str) -> Fleet:
    apps = [
        Member(
            f"app{n}",
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            {**env, "LAWMEET_SERVER__PORT": str(port)},
            folder,
            base_url=f"http://127.0.0.1:{port}",
        )
        for n, port in enumerate(ports)
    ]
    worker = [sys.executable, "-m", "tests.integration.fleet_processes", twilio_url]
    workers = [Member(f"worker{n}", worker, env, folder) for n in range(2)]
    return Fleet(apps, workers, httpx.AsyncClient())


def fleet_env(db_url: str, folder: Path, smtp_port: int, lease_seconds: float) -> dict[str, str]:
    """Settings of every process: one database, the worker not in the apps, fast polling, a
    short lease (and a send timeout below it), quick retries, real SMTP and (fake) Twilio."""
    return {
        **os.environ,
        "LAWMEET_DATABASE__URL": db_url,
        "LAWMEET_APP__DATA_DIR": str(folder),
        "LAWMEET_APP__SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "LAWMEET_APP__PUBLIC_URL": "http://testserver",
        "LAWMEET_NOTIFICATIONS__RUN_WORKER_IN_PROCESS": "false",
        "LAWMEET_NOTIFICATIONS__POLL_SECONDS": "0.1",
        "LAWMEET_NOTIFICATIONS__LEASE_SECONDS": str(lease_seconds),
        "LAWMEET_NOTIFICATIONS__BACKOFF_BASE_SECONDS": "0.5",
        "LAWMEET_EMAIL__BACKEND": "smtp",
        "LAWMEET_EMAIL__HOST": "127.0.0.1",
        "LAWMEET_EMAIL__PORT": str(smtp_port),
        "LAWMEET_EMAIL__TIMEOUT_SECONDS": str(lease_seconds / 4),
        "LAWMEET_EMAIL__FROM_ADDRESS": FROM_ADDRESS,
        "LAWMEET_SMS__BACKEND": "twilio",
        "LAWMEET_SMS__ACCOUNT_SID": "AC" + "0" * 32,
        "LAWMEET_SMS__AUTH_TOKEN": "token",
        "LAWMEET_SMS__FROM_NUMBER": TWILIO_FROM,
    }


if __name__ == "__main__":
    sys.exit(run_worker(sys.argv[1]))
