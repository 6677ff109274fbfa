"""When a facility receives lawyers on a day (scheduling.availability.opening_hours): the
sessions of any of its rooms, less the closures of the whole facility. A preferred time that
meets none of them is refused (scheduling.asking)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling.availability import Closure, FacilityPlan, Interval, Session, opening_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2027, 1, 4)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def the_day(day: date = MONDAY) -> Interval:
    return Interval(at(0, 0, day), at(0, 0, day + timedelta(days=1)))


def plan(*sessions: Session, closures: tuple[Closure, ...] = ()) -> FacilityPlan:
    return FacilityPlan(zone=SHANGHAI, room_ids=[1, 2], sessions=sessions, closures=closures)


def test_the_hours_of_every_room_are_joined() -> None:
    morning = Session(MONDAY.weekday(), time(9), time(12))
    extra = Session(MONDAY.weekday(), time(11), time(13), room_id=2)  # one room opens longer
    afternoon = Session(MONDAY.weekday(), time(14), time(17))
    assert opening_hours(plan(morning, extra, afternoon), the_day()) == [
        Interval(at(9), at(13)),
        Interval(at(14), at(17)),
    ]


def test_a_closure_of_the_whole_facility_is_cut_out_and_one_of_a_room_is_not() -> None:
    morning = Session(MONDAY.weekday(), time(9), time(12))
    shut = (Closure(Interval(at(10), at(11))), Closure(Interval(at(11), at(12)), room_id=1))
    assert opening_hours(plan(morning, closures=shut), the_day()) == [
        Interval(at(9), at(10)),
        Interval(at(11), at(12)),
    ]


def test_a_day_without_sessions_has_no_hours() -> None:
    tuesday_only = Session(MONDAY.weekday() + 1, time(9), time(12))
    assert opening_hours(plan(tuesday_only), the_day()) == []


def test_the_hours_are_cut_to_the_window() -> None:
    morning = Session(MONDAY.weekday(), time(9), time(12))
    assert opening_hours(plan(morning), Interval(at(10), at(20))) == [Interval(at(10), at(12))]
