"""A worker process with a slow channel that logs each send to a file, for the crash test.

Run as: python -m tests.integration.slow_worker <database url> <log file>
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from app import db
from app.settings import Settings
from notifications.channels import Outgoing, Receipt
from notifications.kinds import Channel
from notifications.worker import Worker
from tests.integration.notification_fakes import worker_config


class SlowFileSender:
    def __init__(self, log: Path) -> None:
        self.log = log

    async def send(self, outgoing: Outgoing) -> Receipt:
        # Staggered, so a batch (sent concurrently) is still partly in flight when the test
        # sees the first sends logged and kills the process.
        await asyncio.sleep(0.2 * (outgoing.notification_id % 5 + 1))
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(f"{outgoing.notification_id}\n")
        return Receipt(provider_id=f"slow-{outgoing.notification_id}")


async def main(url: str, log: Path) -> None:
    settings = Settings.model_validate({"database": {"url": url}})
    context = await db.open_database(settings)
    try:
        sender = SlowFileSender(log)
        config = worker_config(lease_seconds=1, batch_size=5, poll_seconds=0.1)
        await Worker(config, {channel: sender for channel in Channel}).run(asyncio.Event())
    finally:
        await db.close_database(context)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
