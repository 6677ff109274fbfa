"""Login throttling per account and per address, kept in the database so all processes agree.

Unknown user names are counted like real ones: the answer never reveals if an account exists.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import LoginThrottle
from app.accounts.secrets import digest
from app.settings import SecuritySection


def _keys(username: str, address: str) -> list[tuple[str, str]]:
    return [
        ("account", "account:" + digest(username.strip().lower())[:64]),
        ("address", "address:" + address[:64]),
    ]


def _limit(kind: str, rules: SecuritySection) -> int:
    return rules.max_failures_per_account if kind == "account" else rules.max_failures_per_address


def _seconds(wait: timedelta) -> int:
    """A wait as whole seconds for Retry-After: rounded up, never 0 (that would invite a retry
    that is refused again)."""
    return max(1, math.ceil(wait.total_seconds()))


async def locked_for(username: str, address: str, rules: SecuritySection) -> int | None:
    """Seconds until a locked account or address may try again; None when neither is locked."""
    now = clock.now()
    keys = [key for _, key in _keys(username, address)]
    rows = await LoginThrottle.filter(key__in=keys, locked_until__gt=now)
    ends = [row.locked_until for row in rows if row.locked_until is not None]
    return _seconds(max(ends) - now) if ends else None


async def _count_attempt(key: str, now: datetime, window: timedelta) -> LoginThrottle:
    """Add one attempt to `key`'s counter, starting a new window when the last one has run out.
    Call inside a transaction: the row lock keeps concurrent processes from losing counts."""
    row = await LoginThrottle.filter(key=key[:80]).select_for_update().first()
    if row is None or now - row.window_started_at > window:
        row = row or LoginThrottle(key=key[:80])
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1
    return row


async def record_failure(username: str, address: str, rules: SecuritySection) -> None:
    now = clock.now()
    window = timedelta(minutes=rules.throttle_window_minutes)
    async with in_transaction():
        for kind, key in _keys(username, address):
            row = await _count_attempt(key, now, window)
            if row.failures >= _limit(kind, rules):
                row.locked_until = now + window
            await row.save()


async def clear_account(username: str) -> None:
    """A successful login resets its account counter (the address counter runs on)."""
    await LoginThrottle.filter(key=_keys(username, "")[0][1]).delete()


async def over_limit(key: str, limit: int, window: timedelta) -> int | None:
    """Count one attempt against `key`; when the attempts in the window exceed `limit`, the
    seconds until the window ends (for Retry-After), else None.

    Used for look-ups that must not be enumerated (e.g. finding a detainee by document number).
    """
    now = clock.now()
    async with in_transaction():
        row = await _count_attempt(key, now, window)
        await row.save()
    if row.failures <= limit:
        return None
    return _seconds(row.window_started_at + window - now)
