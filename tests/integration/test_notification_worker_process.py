"""`lawmeet worker` as a real process: it delivers, stops on SIGTERM, survives SIGKILL
without sending an SMS twice or holding in-app notices back."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.accounts.roles import Role
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.services import enqueue, inbox
from tests.integration.helpers import make_user
from tests.integration.notification_fakes import twilio_server

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


async def test_a_killed_worker_sends_no_sms_twice_and_holds_no_inapp_notice_back(
    spawn: Callable[..., subprocess.Popen[bytes]], db_url: str
) -> None:
    lease, count = 8.0, 8
    user = await make_user(Role.LAWYER)

    async def inapp(text: str) -> Notification:
        return await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": text})

    async def delivered(rows: list[Notification]) -> bool:
        ids = [row.id for row in rows]
        return await Notification.filter(id__in=ids, status=Status.DELIVERED).count() == len(ids)

    # The first batch's answers take 3 s; every other request of it reaches Twilio only then,
    # so when the worker is killed half the SMS are at Twilio and half never will be.
    slow = twilio_server(delay=lambda n: 3.0 if n <= count else 0.0, late=lambda n: n % 2 == 0)
    async with slow as twilio:
        sms = [
            await enqueue(
                "test_message", Channel.SMS, address=f"+86138{n:08d}", payload={"text": str(n)}
            )
            for n in range(count)
        ]
        before = [await inapp("before") for _ in range(2)]
        command = (sys.executable, "-m", "tests.integration.sms_worker", db_url)
        first = spawn(*command, str(twilio.port), str(lease))

        async def half_at_twilio() -> bool:
            return len(twilio.sent) >= count // 2

        await wait_until(half_at_twilio)
        first.kill()  # SIGKILL mid-batch: the SMS stay "sending", their outcome unknown
        first.wait()
        assert await delivered(before)
        stranded = await Notification.filter(channel=Channel.SMS, status=Status.SENDING).count()
        assert stranded == count

        after = [await inapp("after") for _ in range(3)]  # no worker runs now
        assert {row.id for row in after} <= {row.id for row in await inbox(user.id)}
        spawn(*command, str(twilio.port), str(lease))
        await wait_until(lambda: delivered(after))
        # Delivered while the SMS's lease still runs: in-app notices do not wait for it.
        assert await Notification.filter(channel=Channel.SMS, status=Status.SENDING).count() > 0

        await wait_until(lambda: all_sent(count), seconds=lease + 30)
        per_number = Counter(message.to for message in twilio.sent)
        assert sorted(per_number) == sorted(row.address for row in sms)
        assert set(per_number.values()) == {1}  # every SMS once, none twice
        sids = {message.to: message.sid for message in twilio.sent}
        rows = await Notification.filter(channel=Channel.SMS).order_by("id")
        assert [row.provider_id for row in rows] == [sids[row.address] for row in sms]
