"""The delivery worker: claim due rows, send them, record the outcome; at least once.

A claim marks rows `sending` with a lease. A worker that dies mid-send leaves its rows in
`sending`; once the lease ends any worker reclaims them, so every row is sent at least once
(possibly twice, which is why e-mails carry a stable Message-ID). On PostgreSQL concurrent
workers skip each other's locked rows (FOR UPDATE SKIP LOCKED); SQLite has no row locks, so
each row is taken by a conditional UPDATE that only one writer can win.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.settings import NotificationsSection
from notifications.channels import DeliveryError, Outgoing, Sender
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.rendering import RenderError, render

log = logging.getLogger("lawmeet.notifications")
MAX_DELAY = timedelta(hours=6)


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Exponential delay after the n-th failed attempt, with up to 50% jitter to spread herds."""
    delay = base_seconds * 2 ** max(attempts - 1, 0) * (1 + random.uniform(0, 0.5))
    return min(timedelta(seconds=delay), MAX_DELAY)


def _due(now: datetime) -> Q:
    waiting = Q(status=Status.PENDING, next_attempt_at__lte=now)
    abandoned = Q(status=Status.SENDING, lease_until__lt=now)
    return Q(waiting | abandoned)


class Worker:
    def __init__(self, config: NotificationsSection, senders: Mapping[Channel, Sender]) -> None:
        self.config = config
        self.senders = senders

    async def claim(self, now: datetime | None = None) -> list[Notification]:
        now = now or datetime.now(UTC)
        lease = now + timedelta(seconds=self.config.lease_seconds)
        connection = Notification._meta.db
        if connection.capabilities.dialect == "postgres":
            async with in_transaction(connection.connection_name):
                # Model rows, not .values(): Tortoise drops FOR UPDATE from a values() query.
                locked = (
                    await Notification.filter(_due(now))
                    .order_by("next_attempt_at", "id")
                    .limit(self.config.batch_size)
                    .select_for_update(skip_locked=True)
                    .only("id")
                )
                ids = [row.id for row in locked]
                if ids:
                    await Notification.filter(_due(now), id__in=ids).update(
                        status=Status.SENDING, lease_until=lease
                    )
        else:
            candidates = (
                await Notification.filter(_due(now))
                .order_by("next_attempt_at", "id")
                .limit(self.config.batch_size)
                .values("id")
            )
            ids = []
            for candidate in (int(r["id"]) for r in candidates):
                # Re-checks the due condition in the UPDATE itself: another worker that got
                # there first makes this update match nothing.
                won = await Notification.filter(_due(now), id=candidate).update(
                    status=Status.SENDING, lease_until=lease
                )
                if won:
                    ids.append(candidate)
        return await Notification.filter(id__in=ids).order_by("next_attempt_at", "id")

    async def deliver(self, row: Notification) -> None:
        now = datetime.now(UTC)
        attempts = row.attempts + 1
        try:
            message = render(row.template, row.language, row.payload)
            outgoing = Outgoing(row.id, row.channel, row.address, message, row.calendar_ics)
            receipt = await self.senders[row.channel].send(outgoing)
        except RenderError as exc:
            await self._failed(row, attempts, f"template: {exc}", permanent=True)
        except DeliveryError as exc:
            await self._failed(row, attempts, str(exc), exc.permanent)
        except Exception as exc:  # an unexpected failure must not lose the row: retry it
            log.exception("notification %s: unexpected error", row.id)
            await self._failed(row, attempts, f"{type(exc).__name__}: {exc}", permanent=False)
        else:
            status = Status.DELIVERED if receipt.delivered else Status.SENT
            await Notification.filter(id=row.id, status=Status.SENDING).update(
                status=status,
                attempts=attempts,
                provider_id=receipt.provider_id,
                sent_at=now,
                delivered_at=now if receipt.delivered else None,
                lease_until=None,
                last_error="",
            )

    async def _failed(self, row: Notification, attempts: int, error: str, permanent: bool) -> None:
        dead = permanent or attempts >= self.config.max_attempts
        log.warning("notification %s attempt %s failed: %s", row.id, attempts, error)
        next_at = datetime.now(UTC) + backoff(attempts, self.config.backoff_base_seconds)
        await Notification.filter(id=row.id, status=Status.SENDING).update(
            status=Status.DEAD if dead else Status.PENDING,
            attempts=attempts,
            next_attempt_at=next_at,
            lease_until=None,
            last_error=error[:2000],
        )

    async def run_once(self) -> int:
        """Claim one batch and deliver it; how many rows were handled."""
        rows = await self.claim()
        # Concurrently: the batch then takes as long as its slowest send (bounded by the
        # channel's timeout), well inside the lease, so no row's lease runs out while it waits.
        await asyncio.gather(*(self.deliver(row) for row in rows))
        return len(rows)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; the batch in hand is always finished first."""
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception:  # a lost database connection: wait, then try again
                log.exception("notification worker: batch failed")
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.config.poll_seconds)
