"""Who gets freed capacity: waiting requests ranked by the legal clock (pure, no I/O).

A freed slot goes to the waiting request with the least statutory time left (M1's 48 hours,
CPL 39(2)); on equal time left a priority meeting first (the first meeting after detention or
after transfer, an R2015 art. 8 confirmation), then the earlier request. A request whose clock
has not started (policy P1 after the document check) waits behind every running clock.

``allocate`` walks the requests in that order and gives each the earliest of its candidate
slots that no better-ranked request took and that no open offer holds: so a slot a request
could use never goes to a request ranked below it (the property tests say exactly this).
``scheduling.offers`` reads the candidates and writes the offers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from scheduling.availability import Interval, Slot

_NO_CLOCK: Final = datetime.max.replace(tzinfo=UTC)
_SHORTEST_HOLD: Final = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Waiting:
    """A request that may take freed capacity: not yet booked, or booked and asking for an
    earlier slot (``current_start``: only slots starting before it are candidates)."""

    request_id: int
    lawyer_id: int
    detainee_id: int
    deadline_at: datetime | None  # None: the clock has not started
    priority: bool
    requested_at: datetime
    current_start: datetime | None = None


RankKey = tuple[bool, datetime, bool, datetime, int]


def rank_key(waiting: Waiting) -> RankKey:
    """Least time left first; then priority meetings; then the earlier request."""
    deadline = waiting.deadline_at
    return (
        deadline is None,
        _NO_CLOCK if deadline is None else deadline,
        not waiting.priority,
        waiting.requested_at,
        waiting.request_id,
    )


def ranked(waiting: Iterable[Waiting]) -> list[Waiting]:
    return sorted(waiting, key=rank_key)


def allocate(
    waiting: Sequence[Waiting],
    candidates: Mapping[int, Sequence[Slot]],
    held: Sequence[Slot] = (),
    buffer: timedelta = timedelta(0),
) -> list[tuple[Waiting, Slot]]:
    """One slot for each request that can have one, in rank order.

    ``candidates``: each request's free slots (sorted by start, then room), read without the
    other requests' offers. A slot is refused to a request when it meets, in its room and
    within ``buffer``, a slot held by an open offer or given in this round; or when it meets,
    in any room, a slot given in this round to the same lawyer or detainee.
    """
    rooms: dict[int, list[Interval]] = {}
    for slot in held:
        rooms.setdefault(slot.room_id, []).append(slot.interval)
    parties: dict[tuple[str, int], list[Interval]] = {}
    given: list[tuple[Waiting, Slot]] = []
    for request in ranked(waiting):
        mine = (("lawyer", request.lawyer_id), ("detainee", request.detainee_id))
        for slot in candidates.get(request.request_id, ()):
            if request.current_start is not None and slot.start >= request.current_start:
                continue
            span = slot.interval
            if any(span.overlaps(other, buffer) for other in rooms.get(slot.room_id, ())):
                continue
            if any(span.overlaps(other) for party in mine for other in parties.get(party, ())):
                continue
            rooms.setdefault(slot.room_id, []).append(span)
            for party in mine:
                parties.setdefault(party, []).append(span)
            given.append((request, slot))
            break
    return given


def within_freed(window: Interval, free: Iterable[Slot]) -> list[Slot]:
    """The free slots that use the freed ``window``: those lying inside it, or, when none does
    (the window is shorter than the meeting), those overlapping it. A slot that was free
    before the window was freed is no news to anyone."""
    overlapping = [s for s in free if s.start < window.end and window.start < s.end]
    inside = [s for s in overlapping if window.start <= s.start and s.end <= window.end]
    return inside or overlapping


def hold_until(now: datetime, starts_at: datetime, hold: timedelta) -> datetime:
    """When an offer made ``now`` for a slot starting at ``starts_at`` lapses: after ``hold``,
    or a third of the time to the start when that is sooner (the slot must still be usable by
    the next request), but never less than five minutes."""
    return now + max(min(hold, (starts_at - now) / 3), _SHORTEST_HOLD)
