"""SMS whose last attempt ended without an answer: look before sending again.

An attempt's outcome is unknown when the worker died while the row was `sending` (its lease
ran out), or when the send failed in a way the provider may not have noticed (a timeout, a
connection lost after the request went out: `DeliveryError.unknown`). Such a row carries, in
its payload under `UNKNOWN_KEY`, the earliest time such an attempt began. Before sending it
again the worker asks the provider for messages with the same text sent to that number since
then (`FindsSent`) and, if one is there, records its id as the receipt instead of sending.

The start of an abandoned attempt is its claim's time: the lease's end less the lease (and
the up to one second a SQLite claim adds), but never before the row became due. Were the lease
made shorter between the crash and the look, that time would come out late: the look starts
`CLOCK_SKEW` earlier, which also covers the difference between our clock and the provider's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from notifications.channels import FindsSent, Sender
from notifications.kinds import Channel, Status
from notifications.models import Notification

log = logging.getLogger("lawmeet.notifications")
UNKNOWN_KEY = "unknown_outcome_since"
CLOCK_SKEW = timedelta(minutes=2)
ABANDONED = "outcome unknown: the worker stopped during the send"
_CLAIM_LOCK_SPACE = 0x4C4D5331  # "LMS1": the first key of lawmeet's per-number advisory locks


def unknown_since(payload: Mapping[str, Any]) -> datetime | None:
    raw = payload.get(UNKNOWN_KEY)
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def with_unknown(payload: Mapping[str, Any], since: datetime) -> dict[str, Any]:
    """The payload marked with an attempt of unknown outcome begun at `since`; an earlier
    mark is kept, so the look covers every such attempt."""
    earlier = unknown_since(payload)
    start = min(since, earlier) if earlier is not None else since
    return {**payload, UNKNOWN_KEY: start.isoformat()}


def without_unknown(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key != UNKNOWN_KEY}


def claimed_at(row: Notification, lease_seconds: float) -> datetime:
    """When the attempt of a row left `sending` began (at the latest)."""
    if row.lease_until is None:
        return row.next_attempt_at
    claimed = row.lease_until - timedelta(seconds=lease_seconds + 1)
    return max(claimed, row.next_attempt_at)


async def recover_abandoned_sms(now: datetime, limit: int, lease_seconds: float) -> int:
    """SMS rows left `sending` past their lease go back to `pending`, marked unknown since
    their claim; the claim never takes an SMS straight from `sending`, so none is sent again
    without this mark. How many rows were recovered."""
    rows = (
        await Notification.filter(channel=Channel.SMS, status=Status.SENDING, lease_until__lt=now)
        .order_by("id")
        .limit(limit)
    )
    recovered = 0
    for row in rows:
        # Conditional: a row another worker recovered (or claimed) meanwhile is left alone.
        recovered += await Notification.filter(
            id=row.id, status=Status.SENDING, lease_until__lt=now
        ).update(
            status=Status.PENDING,
            lease_until=None,
            payload=with_unknown(row.payload, claimed_at(row, lease_seconds)),
            last_error=ABANDONED,
        )
    if recovered:
        log.warning("%s SMS left sending by a stopped worker: checking before resending", recovered)
    return recovered


async def earlier_send(sender: Sender, row: Notification, body: str, since: datetime) -> str:
    """The provider id of this row's message if the provider already has it, else "".

    A message whose id another notification already holds is that one's, not this one's
    (two notices with the same text to the same number). DeliveryError when the provider
    cannot answer: the row then waits and asks again rather than risk a second SMS."""
    if not isinstance(sender, FindsSent):
        return ""
    found = await sender.find_sent(row.address, body, since - CLOCK_SKEW)
    if not found:
        return ""
    async with in_transaction() as connection:
        # Two rows of one number looked up side by side (one batch, or two workers) find the
        # same message: the claim is made one number at a time, and recorded at once, so the
        # second sees it taken and sends its own.
        await _one_claim_per_number(connection, row)
        others = Notification.filter(provider_id__in=found).exclude(id=row.id)
        taken = {
            str(o["provider_id"]) for o in await others.using_db(connection).values("provider_id")
        }
        sid = next((sid for sid in found if sid not in taken), "")
        if sid:
            await Notification.filter(id=row.id).using_db(connection).update(provider_id=sid)
    return sid


async def _one_claim_per_number(connection: BaseDBAsyncClient, row: Notification) -> None:
    """Until the transaction ends, no other claim for this number. PostgreSQL: an advisory
    lock on the number (in lawmeet's own key space); SQLite: a write first takes the
    database's write lock."""
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))", [_CLAIM_LOCK_SPACE, row.address]
        )
    else:
        await connection.execute_query(
            "UPDATE notification SET provider_id = provider_id WHERE id = ?", [row.id]
        )
