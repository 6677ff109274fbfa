"""How the outbox stands, per channel: what is due and waiting, and what is dead.

Cheap grouped queries over the `(status, next_attempt_at)` index, read at each metrics scrape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.functions import Count, Min

from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.worker import _due  # the worker's own rule of what it would claim now


@dataclass(frozen=True, slots=True)
class Backlog:
    due: int  # rows the worker would claim now (waiting, or their lease has run out)
    oldest_due_seconds: float  # how long the longest-waiting of them has been due (0: none)


def _aware(value: object) -> datetime | None:
    """MIN() of a datetime column: a datetime on PostgreSQL, text on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def backlog(now: datetime) -> dict[Channel, Backlog]:
    """Every channel, with the rows due at `now` (zero where none are)."""
    rows = (
        await Notification.filter(_due(now))
        .annotate(n=Count("id"), oldest=Min("next_attempt_at"))
        .group_by("channel")
        .values("channel", "n", "oldest")
    )
    found: dict[Channel, Backlog] = dict.fromkeys(Channel, Backlog(0, 0.0))
    for row in rows:
        oldest = _aware(row["oldest"])
        age = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
        found[Channel(row["channel"])] = Backlog(int(row["n"]), age)
    return found


async def dead() -> dict[Channel, int]:
    """Dead rows per channel (every channel, zero where none), until an operator retries them."""
    rows = (
        await Notification.filter(status=Status.DEAD)
        .annotate(n=Count("id"))
        .group_by("channel")
        .values("channel", "n")
    )
    found: dict[Channel, int] = dict.fromkeys(Channel, 0)
    for row in rows:
        found[Channel(row["channel"])] = int(row["n"])
    return found
