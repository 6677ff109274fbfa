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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import repeat
from operator import floordiv, mod
from typing import Final, NamedTuple
from zoneinfo import ZoneInfo

DEFAULT_STEP: Final = timedelta(minutes=15)
_DAY: Final = timedelta(days=1)
_FIRST_SPAN: Final = timedelta(days=1)  # first window tried by earliest_slot, alternatives
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_US: Final = timedelta(microseconds=1)


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


_new_object: Final = object.__new__
_new_tuple: Final = tuple.__new__
_set_start: Final[Callable[[Interval, datetime], None]] = vars(Interval)["start"].__set__
_set_end: Final[Callable[[Interval, datetime], None]] = vars(Interval)["end"].__set__


def checked_interval(start: datetime, end: datetime) -> Interval:
    """An Interval whose ends the caller has checked: aware, and ``start < end`` (rows read
    from the database, hundreds per search). Made without ``__post_init__``'s checks, in a
    quarter of the time; the value is the same."""
    made: Interval = _new_object(Interval)
    _set_start(made, start)
    _set_end(made, end)
    return made


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


class Slot(NamedTuple):
    """A free slot. A named tuple rather than a frozen dataclass: a week's search builds
    hundreds of them, and a tuple is made in a third of the time (BENCHMARKS.md)."""

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


def opening_hours(plan: FacilityPlan, window: Interval) -> list[Interval]:
    """When the facility receives lawyers during ``window``: the opening sessions of any of its
    rooms, less the closures of the whole facility, cut to ``window``; sorted and disjoint."""
    open_spans = _merged(
        _widened([span for room in plan.room_ids for span in opening_intervals(plan, room, window)])
    )
    closed = _merged(_widened([c.interval for c in plan.closures if c.room_id is None]))
    low, high = _widened([window])[0]
    found: list[Interval] = []
    for start, end in open_spans:
        start, end = max(start, low), min(end, high)
        for shut_start, shut_end in closed:
            if shut_end <= start or end <= shut_start:
                continue
            if start < shut_start:
                found.append(_interval(start, shut_start))
            start = max(start, shut_end)
        if start < end:
            found.append(_interval(start, end))
    return found


def _interval(start: int, end: int) -> Interval:
    """An Interval from microseconds since the epoch."""
    return Interval(_EPOCH + start * _US, _EPOCH + end * _US)


def free_slots(plan: FacilityPlan, window: Interval, length: timedelta) -> list[Slot]:
    """Every free slot of ``length`` lying inside ``window``, sorted by start then room."""
    found = _Found.search(plan, window, length)
    return found.slots(len(found.keys))


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


@dataclass(frozen=True, slots=True)
class _Found:
    """The free slots of a search as sorted integers, made into Slots only as needed.

    Each slot is its start's index * len(rooms) + the room's rank among the rooms sorted by
    id, so sorting the integers sorts the slots by start, then room. The start of index ``i``
    is ``origin + phase + i * unit`` microseconds since the epoch: on one common grid of the
    step (``unit`` = step, the usual case) or in plain microseconds (``unit`` = 1).
    """

    keys: list[int]
    rooms: list[int]
    origin: int  # the window's start, microseconds since the epoch
    length: timedelta
    phase: int = 0
    unit: int = 1

    @staticmethod
    def search(
        plan: FacilityPlan, window: Interval, length: timedelta, *, on_grid: bool = True
    ) -> _Found:
        if length <= timedelta(0) or plan.step <= timedelta(0):
            raise ValueError("length and step must be positive")
        # Microseconds since the epoch: integer arithmetic, datetimes only for the answer.
        size, step = length // _US, plan.step // _US
        frame = ((window.start - _EPOCH) // _US, (window.end - _EPOCH) // _US)
        rooms = sorted(set(plan.room_ids))
        # The facility's sessions apply to every room: their openings are worked out once.
        everywhere = replace(plan, sessions=[s for s in plan.sessions if s.room_id is None])
        shared = _grid(opening_intervals(everywhere, 0, window), frame, size, step)
        own = {session.room_id for session in plan.sessions if session.room_id is not None}
        extra = {  # rank -> all openings of a room with sessions of its own
            rank: _grid(opening_intervals(plan, room_id, window), frame, size, step)
            for rank, room_id in enumerate(rooms)
            if room_id in own
        }
        phases = {
            (first - frame[0]) % step for grid in (shared, *extra.values()) for first, _ in grid
        }
        if on_grid and len(phases) <= 1:
            phase = phases.pop() if phases else 0
            keys = _grid_keys(plan, rooms, shared, extra, frame, frame[0] + phase, size, step)
            return _Found(keys, rooms, frame[0], length, phase, step)
        party = _widened(plan.party_busy, plan.buffer)
        closed: dict[int | None, list[tuple[int, int]]] = {}
        for closure in plan.closures:
            closed.setdefault(closure.room_id, []).extend(_widened([closure.interval]))
        count = len(rooms)
        found: set[int] = set()  # overlapping sessions may offer the same slot twice
        for rank, room_id in enumerate(rooms):
            openings = extra.get(rank, shared)
            busy = _widened(plan.room_busy.get(room_id, ()), plan.buffer)
            blocked = _merged(busy + party + closed.get(None, []) + closed.get(room_id, []))
            _add_free(found.update, openings, blocked, frame[0], size, step, count, rank)
        return _Found(sorted(found), rooms, frame[0], length)

    def prefix(self, starts: int) -> int:
        """How many leading slots hold the first ``starts`` start times (all if fewer)."""
        count, seen, previous = len(self.rooms), 0, -1
        for index, key in enumerate(self.keys):
            if key // count != previous:
                if seen == starts:
                    return index
                seen, previous = seen + 1, key // count
        return len(self.keys)

    def slots(self, how_many: int) -> list[Slot]:
        keys, count, rooms = self.keys[:how_many], len(self.rooms), self.rooms
        offsets = list(map(floordiv, keys, repeat(count, len(keys))))
        starts: dict[int, datetime] = {}  # many rooms share a start: one datetime for them all
        origin = _EPOCH + timedelta(microseconds=self.origin + self.phase)
        unit = timedelta(microseconds=self.unit)
        for offset in dict.fromkeys(offsets):
            starts[offset] = origin + unit * offset
        ends = {offset: start + self.length for offset, start in starts.items()}
        # Built in bulk by C-level maps: tuple.__new__ skips the named tuple's Python-level
        # __new__, zip hands it (start, end, room) per slot, no bytecode runs per slot.
        columns = zip(
            map(starts.__getitem__, offsets),
            map(ends.__getitem__, offsets),
            map(rooms.__getitem__, map(mod, keys, repeat(count, len(keys)))),
            strict=True,
        )
        return list(map(_new_tuple, repeat(Slot, len(keys)), columns))


def _first_slots(
    plan: FacilityPlan, window: Interval, length: timedelta, starts: int
) -> list[Slot]:
    """The prefix of ``free_slots(plan, window, length)`` holding its first ``starts`` start
    times (or all of it).

    All slots have one length, so the slots ending by ``t`` are exactly those starting by
    ``t - length``: a prefix of the full, sorted answer. Searching a day, then two, four...
    finds the first slots without judging every candidate of a long window, and only the
    prefix is made into Slots.
    """
    span = _FIRST_SPAN
    while True:
        end = window.start + span
        if end >= window.end:
            found = _Found.search(plan, window, length)
            return found.slots(found.prefix(starts))
        if end - window.start >= length:
            found = _Found.search(plan, Interval(window.start, end), length)
            size = found.prefix(starts)
            if size < len(found.keys) or len({k // len(found.rooms) for k in found.keys}) >= starts:
                return found.slots(size)
        span *= 2


def _grid_keys(
    plan: FacilityPlan,
    rooms: list[int],
    shared: list[tuple[int, int]],
    extra: Mapping[int, list[tuple[int, int]]],
    frame: tuple[int, int],
    base: int,
    size: int,
    step: int,
) -> list[int]:
    """The keys of the free slots when every opening's grid is one grid from ``base``.

    Every candidate of the facility's openings goes in at once for all rooms (the keys of one
    start are consecutive), then each blocked span takes its candidates out: those starting
    in (span start - size, span end), the same test as Interval.overlaps. The party's
    meetings and the facility's closures block every room, so they too are one range each.
    """
    count = len(rooms)
    found: set[int] = set()  # overlapping sessions may offer the same slot twice
    for first, last in shared:
        found.update(range((first - base) // step * count, ((last - base) // step + 1) * count))
    for rank, grid in extra.items():
        for first, last in grid:
            low, high = (first - base) // step * count + rank, (last - base) // step * count
            found.update(range(low, high + rank + 1, count))
    # A span [start, end) takes the indexes from (start - buffer - size - base) // step + 1 to
    # before -((base - end - buffer) // step), worked out on the datetimes (exact, in
    # microseconds) without turning each instant into an integer first.
    top, unit = (frame[1] - base) // step + 1, timedelta(microseconds=step)
    origin = _EPOCH + timedelta(microseconds=base)
    before, after = origin + timedelta(microseconds=size) + plan.buffer, origin - plan.buffer
    remove = found.difference_update
    for span in plan.party_busy:
        low, high = (span.start - before) // unit + 1, -((after - span.end) // unit)
        if low < high and high > 0 and low < top:
            remove(range(max(low, 0) * count, min(high, top) * count))
    closed: dict[int, list[Interval]] = {}
    before_closure = origin + timedelta(microseconds=size)
    for closure in plan.closures:  # closures block without a buffer
        if closure.room_id is not None:
            closed.setdefault(closure.room_id, []).append(closure.interval)
            continue
        span = closure.interval
        low, high = (span.start - before_closure) // unit + 1, -((origin - span.end) // unit)
        if low < high and high > 0 and low < top:
            remove(range(max(low, 0) * count, min(high, top) * count))
    for rank, room_id in enumerate(rooms):
        for span in plan.room_busy.get(room_id, ()):
            low, high = (span.start - before) // unit + 1, -((after - span.end) // unit)
            if low < high and high > 0 and low < top:
                remove(range(max(low, 0) * count + rank, min(high, top) * count + rank, count))
        for span in closed.get(room_id, ()):
            low, high = (span.start - before_closure) // unit + 1, -((origin - span.end) // unit)
            if low < high and high > 0 and low < top:
                remove(range(max(low, 0) * count + rank, min(high, top) * count + rank, count))
    return sorted(found)


def _add_free(
    add: Callable[[range], None],
    openings: Sequence[tuple[int, int]],
    blocked: Sequence[tuple[int, int]],
    origin: int,
    size: int,
    step: int,
    count: int,
    rank: int,
) -> None:
    """Pass ``add`` the keys of one room's free candidate starts, one ``range`` per run.

    ``openings`` are the (first, last) candidate starts of each opening (see _grid). A candidate
    [s, s + size) is taken when it overlaps a blocked span (meetings widened by the buffer
    on both sides, closures): the same test as Interval.overlaps, on merged spans. A start
    ``s`` is the key ``(s - frame start) * count + rank`` (see _Found).
    """
    ends = [end for _start, end in blocked]
    total = len(blocked)
    stride = step * count
    for start, last in openings:
        index = bisect_right(ends, start)
        while start <= last:
            # Spans ending by ``start`` cannot touch this candidate or any later one.
            while index < total and ends[index] <= start:
                index += 1
            if index == total:
                stop = last
            else:
                span_start, span_end = blocked[index]
                if span_start < start + size:
                    # Blocked until the span ends: jump to the first step at or after its end.
                    start += -((start - span_end) // step) * step
                    continue
                # Free up to the last start ending by the next span (and the opening's end).
                stop = min(last, span_start - size)
            first = (start - origin) * count + rank
            runs = (stop - start) // step + 1
            add(range(first, first + runs * stride, stride))
            if index == total:
                break
            start += runs * step


def _grid(
    openings: Sequence[Interval], frame: tuple[int, int], size: int, step: int
) -> list[tuple[int, int]]:
    """Each opening's first and last candidate start (microseconds since the epoch): on its
    grid of ``step`` from its start, inside ``frame``, ending by the opening's end. Openings
    without a candidate are left out."""
    grid: list[tuple[int, int]] = []
    for opening_start, opening_end in _widened(openings):
        start = opening_start
        if start < frame[0]:  # skip to the first step inside the window
            start += -((opening_start - frame[0]) // step) * step
        last = min(opening_end, frame[1]) - size  # the latest start that still fits
        if start <= last:
            grid.append((start, last))
    return grid


def _widened(
    intervals: Sequence[Interval], margin: timedelta = timedelta(0)
) -> list[tuple[int, int]]:
    """The intervals in microseconds since the epoch, ``margin`` wider on both sides."""
    start, end = _EPOCH + margin, _EPOCH - margin
    return [((i.start - start) // _US, (i.end - end) // _US) for i in intervals]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans covering the same instants (touching spans joined)."""
    merged: list[tuple[int, int]] = []
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
