"""The delivery worker: claim due rows, send them, record the outcome; at least once.

A claim marks rows `sending` with a lease. A worker that dies mid-send leaves its rows in
`sending`; once the lease ends any worker reclaims them, so every row is sent at least once
(possibly twice, which is why e-mails carry a stable Message-ID). An SMS whose attempt may
have reached Twilio unseen (lease ended, or a timeout) is first looked for at Twilio and not
sent again if it is there (`notifications.resend`). On PostgreSQL concurrent workers skip
each other's locked rows (FOR UPDATE SKIP LOCKED); SQLite has no row locks, so a batch is
taken by one conditional UPDATE, which SQLite runs alone (one writer at a time).

In-app rows need no network and never take a lease: each round first marks the due ones
`delivered` (or cancelled when stale, dead when they cannot be rendered) with a few UPDATEs,
never leaving one `sending`, so a crash cannot hold them back (`deliver_inbox`). The inbox
shows a row from the moment it is written, whatever its status.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Mapping
from datetime import datetime, timedelta

from tortoise.expressions import F, Q, Subquery
from tortoise.transactions import in_transaction

from app import clock
from app.settings import NotificationsSection
from notifications import heartbeat
from notifications.channels import DeliveryError, Outgoing, Receipt, Sender
from notifications.escalation import sweep
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.preferences import move_off_sms, opt_out, reroute_opted_out_sms
from notifications.rendering import RenderError, render
from notifications.resend import (
    earlier_send,
    recover_abandoned_sms,
    unknown_since,
    with_unknown,
    without_unknown,
)
from notifications.routing import OPTED_OUT

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


def _claimable(now: datetime) -> Q:
    """What a claim takes: due rows, but no in-app row (delivered without a lease) and no SMS
    straight from `sending` (recovered first, marked unknown: `recover_abandoned_sms`)."""
    waiting = Q(status=Status.PENDING, next_attempt_at__lte=now)
    abandoned = Q(Q(status=Status.SENDING, lease_until__lt=now), ~Q(channel=Channel.SMS))
    return Q(Q(waiting | abandoned), ~Q(channel=Channel.INAPP))


OPEN = (Status.PENDING, Status.SENDING)
STALE = "stale: time has passed"


def _stale(payload: Mapping[str, object], now: datetime) -> bool:
    """True when the payload says the notice is pointless after a time that has passed."""
    raw = payload.get("stale_after")
    if not isinstance(raw, str):
        return False
    try:
        return datetime.fromisoformat(raw) <= now
    except ValueError:
        return False


SENT_FIELDS = (
    "status",
    "attempts",
    "provider_id",
    "sent_at",
    "delivered_at",
    "lease_until",
    "last_error",
)


async def _record_sent(rows: list[Notification], fields: tuple[str, ...] = SENT_FIELDS) -> None:
    """One UPDATE for a batch's successes, and only for rows still ours (`sending`): a row
    another party moved on in the meantime keeps its state."""
    if rows:
        await Notification.filter(status=Status.SENDING).bulk_update(rows, fields=fields)


class Worker:
    def __init__(self, config: NotificationsSection, senders: Mapping[Channel, Sender]) -> None:
        self.config = config
        self.senders = senders
        self._swept = float("-inf")  # monotonic time of the last escalation sweep

    async def claim(self, now: datetime | None = None) -> list[Notification]:
        now = now or clock.now()
        lease = now + timedelta(seconds=self.config.lease_seconds)
        connection = Notification._meta.db
        if connection.capabilities.dialect == "postgres":
            async with in_transaction(connection.connection_name):
                # Model rows, not .values(): Tortoise drops FOR UPDATE from a values() query.
                locked = (
                    await Notification.filter(_claimable(now))
                    .order_by("next_attempt_at", "id")
                    .limit(self.config.batch_size)
                    .select_for_update(skip_locked=True)
                    .only("id")
                )
                ids = [row.id for row in locked]
                if ids:
                    await Notification.filter(_claimable(now), id__in=ids).update(
                        status=Status.SENDING, lease_until=lease
                    )
        else:
            # One conditional UPDATE claims the batch: SQLite runs it alone and re-checks the
            # due condition, so rows another worker took first no longer match. This claim's
            # rows are those bearing its lease, made distinct by random microseconds; were two
            # claims ever to draw the same lease, a row would go out twice (at-least-once).
            lease += timedelta(microseconds=random.randrange(1, 1_000_000))
            batch = (
                Notification.filter(_claimable(now))
                .order_by("next_attempt_at", "id")
                .limit(self.config.batch_size)
                .values("id")
            )
            await Notification.filter(_claimable(now), id__in=Subquery(batch)).update(
                status=Status.SENDING, lease_until=lease
            )
            return await Notification.filter(status=Status.SENDING, lease_until=lease).order_by(
                "next_attempt_at", "id"
            )
        return await Notification.filter(id__in=ids).order_by("next_attempt_at", "id")

    async def deliver(self, row: Notification, sent: list[Notification] | None = None) -> None:
        """Send one claimed row. A success is recorded at once, or appended to `sent` for
        the caller to record with the rest of its batch in one UPDATE."""
        now = clock.now()
        attempts = row.attempts + 1
        if _stale(row.payload, now):
            # A reminder reached only after its moment (worker down, backlog) is not sent.
            await Notification.filter(id=row.id, status=Status.SENDING).update(
                status=Status.CANCELLED, lease_until=None, last_error=STALE
            )
            return
        if row.channel == Channel.SMS and await reroute_opted_out_sms(row):
            return  # the number opted out since it was queued: cancelled, or moved to e-mail
        sms = row.channel == Channel.SMS
        since = unknown_since(row.payload) if sms else None
        try:
            message = render(row.template, row.language, row.payload)
            outgoing = Outgoing(row.id, row.channel, row.address, message, row.calendar_ics)
            sender = self.senders[row.channel]
            # An earlier attempt may have reached the provider: if it did, that is the send.
            found = await earlier_send(sender, row, message.sms, since) if since else ""
            receipt = Receipt(provider_id=found) if found else await sender.send(outgoing)
        except RenderError as exc:
            await self._failed(row, attempts, f"template: {exc}", permanent=True)
        except DeliveryError as exc:
            if exc.opted_out:  # Twilio 21610: remember it; a statutory notice goes by e-mail
                await opt_out(row.address, "21610")
                if row.duty_id and await move_off_sms(row, OPTED_OUT):
                    return
            unknown = now if sms and exc.unknown else None
            await self._failed(row, attempts, str(exc), exc.permanent, unknown_since=unknown)
        except Exception as exc:  # an unexpected failure must not lose the row: retry it
            log.exception("notification %s: unexpected error", row.id)
            error = f"{type(exc).__name__}: {exc}"
            unknown = now if sms else None  # it may have come after the request went out
            await self._failed(row, attempts, error, permanent=False, unknown_since=unknown)
        else:
            if found:
                log.warning("notification %s: already at the provider as %s", row.id, found)
            row.status = Status.DELIVERED if receipt.delivered else Status.SENT
            row.attempts = attempts
            row.provider_id = receipt.provider_id
            row.sent_at = now
            row.delivered_at = now if receipt.delivered else None
            row.lease_until = None
            row.last_error = ""
            if since is not None:  # the mark has done its work: recorded at once, with it gone
                row.payload = without_unknown(row.payload)
                await _record_sent([row], (*SENT_FIELDS, "payload"))
            elif sent is None:
                await _record_sent([row])
            else:
                sent.append(row)

    async def _failed(
        self,
        row: Notification,
        attempts: int,
        error: str,
        permanent: bool,
        *,
        unknown_since: datetime | None = None,
        held: Status = Status.SENDING,
    ) -> None:
        """Back to `pending` after a backoff, or `dead`. `unknown_since`: the attempt begun
        then may have reached the provider (marked for the next one to look first). `held`:
        the state the row is known in (only a row still in it is changed)."""
        dead = permanent or attempts >= self.config.max_attempts
        log.warning("notification %s attempt %s failed: %s", row.id, attempts, error)
        next_at = clock.now() + backoff(attempts, self.config.backoff_base_seconds)
        changes: dict[str, object] = {
            "status": Status.DEAD if dead else Status.PENDING,
            "attempts": attempts,
            "next_attempt_at": next_at,
            "lease_until": None,
            "last_error": error[:2000],
        }
        if unknown_since is not None:
            changes["payload"] = with_unknown(row.payload, unknown_since)
        await Notification.filter(id=row.id, status=held).update(**changes)

    async def deliver_inbox(self, now: datetime | None = None) -> int:
        """Mark due in-app rows delivered, without a claim or a lease; how many were handled.

        On PostgreSQL inside one short transaction that skips rows another worker holds; on
        SQLite without one. Either way every UPDATE is conditional on the row being still
        open (pending, or `sending` under a lapsed lease from an older worker), and no row is
        ever left in between: a crash leaves them `pending`, taken by the next round."""
        now = now or clock.now()
        due = Q(_due(now), Q(channel=Channel.INAPP))
        query = Notification.filter(due).order_by("next_attempt_at", "id")
        query = query.limit(self.config.batch_size)
        connection = Notification._meta.db
        if connection.capabilities.dialect != "postgres":
            rows = await query
            await self._settle_inbox(rows, now)
            return len(rows)
        async with in_transaction(connection.connection_name):
            rows = await query.select_for_update(skip_locked=True)
            await self._settle_inbox(rows, now)
        return len(rows)

    async def _settle_inbox(self, rows: list[Notification], now: datetime) -> None:
        delivered: list[int] = []
        stale: list[int] = []
        for row in rows:
            if _stale(row.payload, now):
                stale.append(row.id)
                continue
            try:
                render(row.template, row.language, row.payload)
            except RenderError as exc:
                error = f"template: {exc}"
                await self._failed(row, row.attempts + 1, error, permanent=True, held=row.status)
            except Exception as exc:  # as in deliver(): retried later, never lost
                log.exception("notification %s: unexpected error", row.id)
                error = f"{type(exc).__name__}: {exc}"
                await self._failed(row, row.attempts + 1, error, permanent=False, held=row.status)
            else:
                delivered.append(row.id)
        if stale:
            await Notification.filter(id__in=stale, status__in=OPEN).update(
                status=Status.CANCELLED, lease_until=None, last_error=STALE
            )
        if delivered:
            await Notification.filter(id__in=delivered, status__in=OPEN).update(
                status=Status.DELIVERED,
                attempts=F("attempts") + 1,
                sent_at=now,
                delivered_at=now,
                lease_until=None,
                last_error="",
            )

    async def run_once(self) -> int:
        """Deliver the due in-app rows, then claim one batch of the others and deliver it;
        how many rows were handled."""
        inbox = await self.deliver_inbox()
        config = self.config
        await recover_abandoned_sms(clock.now(), config.batch_size, config.lease_seconds)
        rows = await self.claim()
        # Concurrently: the batch then takes as long as its slowest send (bounded by the
        # channel's timeout), well inside the lease, so no row's lease runs out while it waits.
        sent: list[Notification] = []
        await asyncio.gather(*(self.deliver(row, sent) for row in rows))
        # One UPDATE for the batch's successes instead of one per row (the worker's main cost
        # against a fast SMTP server). A crash before it leaves them `sending`: resent after
        # the lease, as at-least-once allows (an SMS only if Twilio does not have it).
        await _record_sent(sent)
        return inbox + len(rows)

    async def sweep_escalations(self) -> None:
        """Once per poll interval, busy or idle: escalate overdue and dead statutory notices."""
        now = time.monotonic()
        if now - self._swept < self.config.poll_seconds:
            return
        self._swept = now
        try:
            await sweep(self.config.escalation_grace_minutes)
        except Exception:  # like a failed batch: logged, tried again next interval
            log.exception("notification worker: escalation sweep failed")

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; the batch in hand is always finished first."""
        while not stop.is_set():
            await self.sweep_escalations()
            try:
                handled = await self.run_once()
                heartbeat.beat("delivery")  # for this process's metrics: a round that worked
            except Exception:  # a lost database connection: wait, then try again
                log.exception("notification worker: batch failed")
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.config.poll_seconds)
