"""Free-slot search over given data (examples; the properties are in the next module)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.availability import (
    Closure,
    FacilityPlan,
    Interval,
    Session,
    alternatives,
    earliest_slot,
    free_slots,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SATURDAY = date(2026, 11, 28)
HOUR = timedelta(hours=1)


def at(hour: int, minute: int = 0, day: date = SATURDAY) -> datetime:
    """A Beijing wall time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def whole_day(day: date = SATURDAY) -> Interval:
    return Interval(at(0, 0, day), at(0, 0, day + timedelta(days=1)))


def plan(**changes: object) -> FacilityPlan:
    values: dict[str, object] = {
        "zone": SHANGHAI,
        "room_ids": [1],
        "sessions": [Session(SATURDAY.weekday(), time(9), time(12))],
        "step": timedelta(minutes=30),
    }
    values.update(changes)
    return FacilityPlan(**values)  # type: ignore[arg-type]


def starts(slots: list[object]) -> list[datetime]:
    return [slot.start for slot in slots]  # type: ignore[attr-defined]


def test_sessions_are_local_times_of_the_facility_zone() -> None:
    slots = free_slots(plan(), whole_day(), HOUR)
    assert slots[0].start == datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    assert slots[-1].end == datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


def test_candidate_starts_follow_the_step_from_the_session_start() -> None:
    slots = free_slots(plan(), whole_day(), HOUR)
    assert starts(slots) == [at(9), at(9, 30), at(10), at(10, 30), at(11)]


def test_a_session_on_another_weekday_gives_nothing() -> None:
    sunday = plan(sessions=[Session(6, time(9), time(12))])
    assert free_slots(sunday, whole_day(), HOUR) == []


def test_back_to_back_meetings_fit_without_a_buffer() -> None:
    busy = plan(room_busy={1: [Interval(at(9), at(10))]})
    assert at(10) in starts(free_slots(busy, whole_day(), HOUR))


def test_buffer_keeps_slots_away_from_meetings_on_both_sides() -> None:
    busy = plan(room_busy={1: [Interval(at(10), at(11))]}, buffer=timedelta(minutes=10))
    assert starts(free_slots(busy, whole_day(), HOUR)) == []  # 09:00-10:00 and 11:00-12:00 too
    shorter = free_slots(busy, whole_day(), timedelta(minutes=30))
    assert starts(shorter) == [at(9), at(11, 30)]


def test_the_detainee_or_lawyer_busy_elsewhere_blocks_every_room() -> None:
    busy = plan(room_ids=[1, 2], party_busy=[Interval(at(9), at(11))])
    assert {slot.start for slot in free_slots(busy, whole_day(), HOUR)} == {at(11)}


def test_a_facility_closure_blocks_every_room_and_a_room_closure_one() -> None:
    closures = [Closure(Interval(at(9), at(10))), Closure(Interval(at(10), at(12)), room_id=2)]
    slots = free_slots(plan(room_ids=[1, 2], closures=closures), whole_day(), HOUR)
    assert [(s.start, s.room_id) for s in slots] == [
        (at(10), 1),
        (at(10, 30), 1),
        (at(11), 1),
    ]


def test_a_room_session_adds_hours_for_that_room_only() -> None:
    extra = Session(SATURDAY.weekday(), time(14), time(15), room_id=2)
    sessions = [Session(SATURDAY.weekday(), time(9), time(10)), extra]
    slots = free_slots(plan(room_ids=[1, 2], sessions=sessions), whole_day(), HOUR)
    assert [(s.start, s.room_id) for s in slots] == [(at(9), 1), (at(9), 2), (at(14), 2)]


def test_validity_dates_limit_a_session() -> None:
    later = Session(SATURDAY.weekday(), time(9), time(12), valid_from=SATURDAY + timedelta(1))
    earlier = Session(SATURDAY.weekday(), time(9), time(12), valid_to=SATURDAY - timedelta(1))
    assert free_slots(plan(sessions=[later, earlier]), whole_day(), HOUR) == []


def test_slots_never_start_before_the_window() -> None:
    window = Interval(at(10, 15), at(23))
    assert starts(free_slots(plan(), window, HOUR))[0] == at(10, 30)


def test_earliest_slot_must_end_by_the_deadline() -> None:
    assert (
        earliest_slot(plan(), whole_day(), HOUR, deadline=at(10))
        == free_slots(plan(), whole_day(), HOUR)[0]
    )
    assert earliest_slot(plan(), whole_day(), HOUR, deadline=at(9, 59)) is None


def test_alternatives_give_one_room_per_start_time() -> None:
    found = alternatives(plan(room_ids=[1, 2]), whole_day(), HOUR, count=2)
    assert [(s.start, s.room_id) for s in found] == [(at(9), 1), (at(9, 30), 1)]


def test_a_dst_day_keeps_meetings_in_absolute_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    day = date(2026, 3, 29)  # clocks go from 02:00 to 03:00
    session = Session(day.weekday(), time(1), time(4))
    window = Interval(datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC))
    slots = free_slots(plan(zone=berlin, sessions=[session]), window, HOUR)
    # 01:00 CET to 04:00 CEST is two real hours: 00:00-02:00 UTC.
    utc = datetime(2026, 3, 29, tzinfo=UTC)
    assert starts(slots) == [utc, utc + HOUR / 2, utc + HOUR]
    assert slots[-1].end == utc + 2 * HOUR


def test_interval_must_be_aware_and_end_after_start() -> None:
    with pytest.raises(ValueError):
        Interval(at(10), at(10))
    with pytest.raises(ValueError):
        Interval(datetime(2026, 1, 1), datetime(2026, 1, 2))
