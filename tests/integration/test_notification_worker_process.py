"""`lawmeet worker` as a real process: it delivers, stops on SIGTERM, survives SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.services import enqueue

pytestmark = pytest.mark.usefixtures("database")
ROOT = Path(__file__).resolve().parents[2]
LAWMEET = ROOT / ".venv" / "bin" / "lawmeet"


@pytest.fixture
def spawn(db_url: str, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "LAWMEET_DATABASE__URL": db_url,
        "LAWMEET_APP__DATA_DIR": str(tmp_path),
        "LAWMEET_APP__SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "LAWMEET_NOTIFICATIONS__POLL_SECONDS": "0.1",
    }

    def run(*command: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        started.append(process)
        return process

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


async def wait_until(check: Callable[[], object], seconds: float = 20) -> None:
    for _ in range(int(seconds / 0.05)):
        if await check():  # type: ignore[misc]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


async def all_sent(count: int) -> bool:
    return await Notification.filter(status=Status.SENT).count() == count


async def test_the_worker_command_delivers_and_stops_cleanly_on_sigterm(
    spawn: Callable[..., subprocess.Popen[bytes]],
) -> None:
    for n in range(3):
        await enqueue("test_message", Channel.CONSOLE, payload={"text": str(n)})
    process = spawn(str(LAWMEET), "worker")
    await wait_until(lambda: all_sent(3))
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


async def test_rows_of_a_killed_worker_are_sent_by_the_next_one(
    spawn: Callable[..., subprocess.Popen[bytes]], db_url: str, tmp_path: Path
) -> None:
    rows = [
        await enqueue("test_message", Channel.CONSOLE, payload={"text": str(n)}) for n in range(10)
    ]
    log = tmp_path / "sent.log"
    command = (sys.executable, "-m", "tests.integration.slow_worker", db_url, str(log))
    first = spawn(*command)

    async def some_sent() -> bool:
        return log.exists() and len(log.read_text().split()) >= 2

    await wait_until(some_sent)
    first.kill()  # SIGKILL: no cleanup, claimed rows stay "sending"
    first.wait()
    assert await Notification.filter(status=Status.SENDING).exists()

    spawn(*command)
    await wait_until(lambda: all_sent(10))
    logged = {int(line) for line in log.read_text().split()}
    assert logged == {row.id for row in rows}
