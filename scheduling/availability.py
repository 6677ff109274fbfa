"""Free meeting slots over given data: no ORM, no I/O, so it is property-tested exhaustively.

Choices (the booking service and the pages rely on them):

* Every interval is half-open [start, end), so a meeting ending at 10:00 and one starting at
  10:00 do not overlap (the database constraints use the same ``'[)'`` ranges).
* Opening sessions are local wall times in the facility's zone, turned into instants through
  zoneinfo for each date. A session with a room applies to that room only and adds to the
  facility-wide sessions (an extra afternoon for two rooms, story 10), it never removes hours.
* The turnover buffer keeps every existing meeting of the room, the detainee and the lawyer
  ``buffer`` away on both sides (the detainee is escorted, the room is cleared). With a zero
  buffer back-to-back meetings fit. Closures block exactly, without a buffer.
* Candidate starts lie on a grid of ``step`` from each session's start, so offered times are
  round and predictable; each candidate is judged on its own, hence removing a busy interval
  or a closure can only add slots, never remove one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

DEFAULT_STEP: Final = timedelta(minutes=15)
_DAY: Final = timedelta(days=1)
_FIRST_SPAN: Final = timedelta(days=1)  # first window tried by earliest_slot, alternatives


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """[start, end) between two aware instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("interval ends must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("an interval must end after it starts")

    def overlaps(self, other: Interval, margin: timedelta = timedelta(0)) -> bool:
        return self.start < other.end + margin and other.start < self.end + margin


@dataclass(frozen=True, slots=True)
class Session:
    """A weekly opening session: weekday 0 (Monday) to 6, local start and end times."""

    weekday: int
    start: time
    end: time
    room_id: int | None = None  # None: every room of the facility
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive

    def applies(self, day: date, room_id: int) -> bool:
        return (
            day.weekday() == self.weekday
            and self.room_id in (None, room_id)
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or day <= self.valid_to)
        )


@dataclass(frozen=True, slots=True)
class Closure:
    interval: Interval
    room_id: int | None = None  # None: the whole facility


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    room_id: int

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)


@dataclass(frozen=True, slots=True)
class FacilityPlan:
    """Everything the search needs about one facility, read by the caller beforehand."""

    zone: ZoneInfo
    room_ids: Sequence[int]  # rooms in service and of the wanted kind
    sessions: Sequence[Session]
    closures: Sequence[Closure] = ()
    buffer: timedelta = timedelta(0)
    room_busy: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    party_busy: Sequence[Interval] = ()  # the detainee's and the lawyer's meetings, any room
    step: timedelta = DEFAULT_STEP


def opening_intervals(plan: FacilityPlan, room_id: int, window: Interval) -> list[Interval]:
    """The room's opening sessions meeting ``window``, in UTC, sorted (they may overlap)."""
    found: list[Interval] = []
    first = window.start.astimezone(plan.zone).date() - _DAY
    last = window.end.astimezone(plan.zone).date()
    day = first
    while day <= last:
        for session in plan.sessions:
            if session.end <= session.start or not session.applies(day, room_id):
                continue
            start = _instant(day, session.start, plan.zone)
            end = _instant(day, session.end, plan.zone)
            if end > start and start < window.end and window.start < end:
                found.append(Interval(start, end))
        day += _DAY
    return sorted(found)


def free_slots(plan: FacilityPlan, window: Interval, length: timedelta) -> list[Slot]:
    """Every free slot of ``length`` lying inside ``window``, sorted by start then room."""
    if length <= timedelta(0) or plan.step <= timedelta(0):
        raise ValueError("length and step must be positive")
    # Rooms without sessions of their own share the facility's openings: work them out once.
    own = {session.room_id for session in plan.sessions if session.room_id is not None}
    shared: list[Interval] | None = None
    slots: set[Slot] = set()  # overlapping sessions may offer the same slot twice
    for room_id in plan.room_ids:
        if room_id in own:
            openings = opening_intervals(plan, room_id, window)
        else:
            shared = shared if shared is not None else opening_intervals(plan, room_id, window)
            openings = shared
        slots.update(_room_slots(plan, room_id, window, length, openings))
    return sorted(slots, key=lambda s: (s.start, s.room_id))


def earliest_slot(
    plan: FacilityPlan, window: Interval, length: timedelta, deadline: datetime | None = None
) -> Slot | None:
    """The first free slot that ends by ``deadline`` (when given), or None."""
    slots = _first_slots(plan, window, length, 1)
    # Sorted by start and all of one length: if the first misses the deadline, all do.
    if slots and (deadline is None or slots[0].end <= deadline):
        return slots[0]
    return None


def alternatives(
    plan: FacilityPlan, window: Interval, length: timedelta, count: int = 3
) -> list[Slot]:
    """The first ``count`` free slots, at most one per start time, for a conflict answer."""
    picked: list[Slot] = []
    for slot in _first_slots(plan, window, length, count):
        if picked and picked[-1].start == slot.start:
            continue
        picked.append(slot)
        if len(picked) == count:
            break
    return picked


def _first_slots(
    plan: FacilityPlan, window: Interval, length: timedelta, starts: int
) -> list[Slot]:
    """A prefix of ``free_slots(plan, window, length)`` holding ``starts`` start times (or all).

    All slots have one length, so the slots ending by ``t`` are exactly those starting by
    ``t - length``: a prefix of the full, sorted answer. Searching a day, then two, four...
    finds the first slots without judging every candidate of a long window.
    """
    span = _FIRST_SPAN
    while True:
        end = window.start + span
        if end >= window.end:
            return free_slots(plan, window, length)
        if end - window.start >= length:
            found = free_slots(plan, Interval(window.start, end), length)
            if len({slot.start for slot in found}) >= starts:
                return found
        span *= 2


def _room_slots(
    plan: FacilityPlan,
    room_id: int,
    window: Interval,
    length: timedelta,
    openings: Sequence[Interval],
) -> Iterator[Slot]:
    # A candidate [s, s + length) is taken when it overlaps a meeting widened by the buffer
    # on both sides, or a closure: the same test as Interval.overlaps, on merged spans.
    blocked = _merged(
        [(b.start - plan.buffer, b.end + plan.buffer)
         for b in (*plan.room_busy.get(room_id, ()), *plan.party_busy)]
        + [(c.interval.start, c.interval.end) for c in plan.closures
           if c.room_id in (None, room_id)]
    )  # fmt: skip
    ends = [end for _start, end in blocked]
    for opening in openings:
        start = opening.start
        if start < window.start:  # skip to the first step inside the window
            start += -((opening.start - window.start) // plan.step) * plan.step
        last = min(opening.end, window.end) - length  # the latest start that still fits
        index = bisect_right(ends, start)
        while start <= last:
            # Spans ending by ``start`` cannot touch this candidate or any later one.
            while index < len(ends) and ends[index] <= start:
                index += 1
            if index < len(blocked) and blocked[index][0] < start + length:
                # Blocked until the span ends: jump to the first step at or after its end.
                start += -((start - ends[index]) // plan.step) * plan.step
                continue
            yield Slot(start, start + length, room_id)
            start += plan.step


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sorted, disjoint spans covering the same instants (touching spans joined)."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    # Through UTC, so a wall time skipped by a DST change maps to a real instant.
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
