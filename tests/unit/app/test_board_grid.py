"""The day board's time grid: whole hours around the sessions, 15-minute columns, one lane
per room, and positions that board.css defines (columns 1 to 96)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.web.desk.board_grid import MAX_COLUMNS, build_grid, day_bounds

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 27)


def _at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def test_the_day_is_bounded_by_local_midnights() -> None:
    start, end = day_bounds(DAY, SHANGHAI)
    assert start == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)


def test_the_grid_spans_whole_hours_around_the_sessions() -> None:
    grid = build_grid(
        DAY, SHANGHAI, [1], [(8 * 60 + 30, 11 * 60 + 30), (14 * 60, 17 * 60 + 30)], []
    )
    assert grid.first_minute == 8 * 60
    assert grid.columns == 10 * 4  # 08:00-18:00 in quarter hours
    assert [mark.label for mark in grid.hours][:2] == ["08:00", "09:00"]


def test_a_meeting_is_placed_in_its_rooms_lane_by_quarter_hours() -> None:
    grid = build_grid(DAY, SHANGHAI, [1, 2], [(8 * 60, 18 * 60)], [(2, _at(9, 15), _at(10), "m")])
    first, second = grid.lanes
    assert first.cards == []
    (card,) = second.cards
    assert (card.item, card.column, card.span) == ("m", 6, 3)


def test_a_meeting_outside_the_sessions_widens_the_grid() -> None:
    grid = build_grid(DAY, SHANGHAI, [1], [(8 * 60, 12 * 60)], [(1, _at(18, 30), _at(19), "m")])
    assert grid.first_minute == 8 * 60 and grid.columns == 11 * 4
    assert grid.lanes[0].cards[0].column == 10 * 4 + 3


def test_a_meeting_past_midnight_is_clipped_to_the_day() -> None:
    late = (1, _at(23, 30), _at(0, 30, DAY + timedelta(days=1)), "m")
    grid = build_grid(DAY, SHANGHAI, [1], [(0, 24 * 60)], [late])
    assert grid.columns == MAX_COLUMNS
    card = grid.lanes[0].cards[0]
    assert card.column + card.span - 1 == MAX_COLUMNS


def test_a_day_without_sessions_shows_office_hours() -> None:
    grid = build_grid(DAY, SHANGHAI, [1], [], [])
    assert (grid.first_minute, grid.columns) == (8 * 60, 40)
