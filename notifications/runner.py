"""Running the worker: as `lawmeet worker`, or as a task inside the web server's lifespan."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from app.settings import Settings
from notifications.channels import Sender, build_senders
from notifications.kinds import Channel
from notifications.worker import Worker

log = logging.getLogger("lawmeet.notifications")


async def run_until(
    settings: Settings, stop: asyncio.Event, senders: Mapping[Channel, Sender] | None = None
) -> None:
    senders = senders or build_senders(settings)
    log.info("notification worker started")
    try:
        await Worker(settings.notifications, senders).run(stop)
    finally:
        for sender in senders.values():
            close = getattr(sender, "close", None)
            if close is not None:
                await close()
        log.info("notification worker stopped")


Companion = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


async def run_until_signalled(settings: Settings, companions: Sequence[Companion] = ()) -> None:
    """SIGTERM or SIGINT stop the loop once the batch in hand is done. ``companions`` are
    other periodic jobs of `lawmeet worker` (the entry point passes them in), stopped alike."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.gather(run_until(settings, stop), *(job(stop) for job in companions))
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


@asynccontextmanager
async def in_process(
    settings: Settings, companions: Sequence[Companion] = ()
) -> AsyncIterator[None]:
    """The worker (and its ``companions``) as background tasks of the web server, when
    settings ask for it."""
    if not settings.notifications.run_worker_in_process:
        yield
        return
    # Built here, not in the task, so a misconfigured channel stops start-up with its error
    # instead of leaving a server that silently never delivers.
    senders = build_senders(settings)
    stop = asyncio.Event()
    task = asyncio.create_task(run_until(settings, stop, senders), name="notification-worker")
    others = [asyncio.create_task(job(stop), name="worker-companion") for job in companions]
    try:
        yield
    finally:
        stop.set()
        # A batch may be mid-send: give it the lease's worth of patience, then cancel. An
        # interrupted row stays `sending` and is reclaimed when its lease ends.
        try:
            await asyncio.wait_for(
                asyncio.gather(task, *others), timeout=settings.notifications.lease_seconds
            )
        except TimeoutError:
            log.warning("notification worker cancelled mid-batch")
