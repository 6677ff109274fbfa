"""The day board's time grid: rooms down the side, the day's meetings across, in 15-minute
columns on the facility's wall clock. Pure (no I/O), so the layout is tested without a database.

The grid is CSS grid without inline styles (the CSP forbids them): positions are class names
(`gc-N` first column, `gs-N` columns spanned, `cols-N` columns of a lane) defined in board.css.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Generic, TypeVar
from zoneinfo import ZoneInfo

STEP_MINUTES: Final = 15
MAX_COLUMNS: Final = 24 * 60 // STEP_MINUTES  # board.css defines classes up to this number
DEFAULT_HOURS: Final = (8 * 60, 18 * 60)  # shown when the day has no opening session

T = TypeVar("T")


@dataclass(frozen=True)
class Placed(Generic[T]):
    item: T
    column: int  # 1-based among the time columns
    span: int


@dataclass(frozen=True)
class Lane(Generic[T]):
    room_id: int
    cards: list[Placed[T]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HourMark:
    label: str  # "09:00"
    column: int
    span: int


@dataclass(frozen=True)
class Grid(Generic[T]):
    columns: int
    first_minute: int
    hours: list[HourMark]
    lanes: list[Lane[T]]


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local day [00:00, next 00:00) as UTC instants."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def minute_of_day(moment: datetime, day: date, zone: ZoneInfo) -> int:
    """Minutes after local midnight of ``day``, clipped to the day."""
    local = moment.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def build_grid(
    day: date,
    zone: ZoneInfo,
    room_ids: Sequence[int],
    opening: Iterable[tuple[int, int]],
    meetings: Iterable[tuple[int, datetime, datetime, T]],
) -> Grid[T]:
    """Lanes per room; ``opening`` are (start, end) minutes of the day's sessions and
    ``meetings`` (room id, start, end, item). The grid spans whole hours around both."""
    spans = [(s, e) for s, e in opening if e > s]
    placed = [
        (room, minute_of_day(start, day, zone), minute_of_day(end, day, zone), item)
        for room, start, end, item in meetings
    ]
    edges = [*spans, *((s, max(e, s + 1)) for _r, s, e, _i in placed)] or [DEFAULT_HOURS]
    first = min(s for s, _e in edges) // 60 * 60
    last = min(-(-max(e for _s, e in edges) // 60) * 60, 24 * 60)
    columns = max(1, (last - first) // STEP_MINUTES)
    lanes: dict[int, Lane[T]] = {room: Lane(room) for room in room_ids}
    for room, start, end, item in sorted(placed, key=lambda p: p[1]):
        lane = lanes.setdefault(room, Lane(room))
        column = (start - first) // STEP_MINUTES + 1
        span = max(1, -(-(end - start) // STEP_MINUTES))
        lane.cards.append(Placed(item, column, min(span, columns - column + 1)))
    per_hour = 60 // STEP_MINUTES
    hours = [
        HourMark(f"{minute // 60:02d}:00", (minute - first) // STEP_MINUTES + 1, per_hour)
        for minute in range(first, last, 60)
    ]
    return Grid(columns, first, hours, list(lanes.values()))
