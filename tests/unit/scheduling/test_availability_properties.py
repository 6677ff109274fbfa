"""Properties of the free-slot search (hypothesis): what it offers is always bookable."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.availability import (
    Closure,
    FacilityPlan,
    Interval,
    Session,
    earliest_slot,
    free_slots,
    opening_intervals,
)

ZONES = [ZoneInfo(z) for z in ("Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC")]
DAY0 = datetime(2026, 3, 27, tzinfo=UTC)  # spans the 2026 European DST change
ROOMS = [1, 2, 3]
FAST = settings(max_examples=150, deadline=None)


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    start = DAY0 + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 4)))
    return Interval(start, start + timedelta(minutes=15 * draw(st.integers(1, 16))))


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    start = draw(st.integers(6 * 4, 18 * 4))
    end = draw(st.integers(start + 1, 22 * 4))
    valid_from = draw(st.none() | st.dates(date(2026, 3, 25), date(2026, 4, 1)))
    return Session(
        weekday=draw(st.integers(0, 6)),
        start=time(start // 4, 15 * (start % 4)),
        end=time(end // 4, 15 * (end % 4)),
        room_id=draw(st.none() | st.sampled_from(ROOMS)),
        valid_from=valid_from,
        valid_to=draw(st.none() | st.dates(date(2026, 3, 25), date(2026, 4, 2))),
    )


@st.composite
def plans(draw: st.DrawFn) -> FacilityPlan:
    return FacilityPlan(
        zone=draw(st.sampled_from(ZONES)),
        room_ids=draw(st.lists(st.sampled_from(ROOMS), min_size=1, max_size=3, unique=True)),
        sessions=draw(st.lists(sessions(), min_size=2, max_size=8)),
        closures=draw(
            st.lists(
                st.builds(Closure, intervals(), st.none() | st.sampled_from(ROOMS)), max_size=3
            )
        ),
        buffer=timedelta(minutes=draw(st.sampled_from([0, 5, 10, 15]))),
        room_busy=draw(st.dictionaries(st.sampled_from(ROOMS), st.lists(intervals(), max_size=4))),
        party_busy=draw(st.lists(intervals(), max_size=3)),
        step=timedelta(minutes=draw(st.sampled_from([15, 30]))),
    )


windows = intervals().map(lambda i: Interval(i.start, i.end + timedelta(days=2)))
lengths = st.sampled_from([timedelta(minutes=m) for m in (30, 45, 60, 90, 120)])


@FAST
@given(plans(), windows, lengths)
def test_no_slot_meets_a_busy_interval_with_its_buffer(
    plan: FacilityPlan, window: Interval, length: timedelta
) -> None:
    for slot in free_slots(plan, window, length):
        busy = [*plan.room_busy.get(slot.room_id, ()), *plan.party_busy]
        for other in busy:
            assert slot.end + plan.buffer <= other.start or other.end + plan.buffer <= slot.start


@FAST
@given(plans(), windows, lengths)
def test_no_slot_meets_a_closure_of_its_room_or_facility(
    plan: FacilityPlan, window: Interval, length: timedelta
) -> None:
    for slot in free_slots(plan, window, length):
        for closure in plan.closures:
            if closure.room_id in (None, slot.room_id):
                assert not slot.interval.overlaps(closure.interval)


@FAST
@given(plans(), windows, lengths)
def test_every_slot_lies_in_an_opening_session_of_its_room_and_the_window(
    plan: FacilityPlan, window: Interval, length: timedelta
) -> None:
    for slot in free_slots(plan, window, length):
        assert slot.room_id in plan.room_ids
        assert slot.end - slot.start == length
        assert window.start <= slot.start and slot.end <= window.end
        openings = opening_intervals(plan, slot.room_id, window)
        assert any(o.start <= slot.start and slot.end <= o.end for o in openings)


@FAST
@given(plans(), windows, lengths)
def test_slots_are_sorted_and_unique(
    plan: FacilityPlan, window: Interval, length: timedelta
) -> None:
    keys = [(s.start, s.room_id) for s in free_slots(plan, window, length)]
    assert keys == sorted(set(keys))


@FAST
@given(plans(), windows, lengths, st.data())
def test_fewer_busy_intervals_never_remove_a_slot(
    plan: FacilityPlan, window: Interval, length: timedelta, data: st.DataObject
) -> None:
    before = set(free_slots(plan, window, length))
    kept = data.draw(st.lists(st.booleans(), min_size=len(plan.party_busy)))
    fewer = FacilityPlan(
        zone=plan.zone,
        room_ids=plan.room_ids,
        sessions=plan.sessions,
        closures=plan.closures[1:],
        buffer=plan.buffer,
        room_busy={room: busy[1:] for room, busy in plan.room_busy.items()},
        party_busy=[b for b, keep in zip(plan.party_busy, kept, strict=False) if keep],
        step=plan.step,
    )
    assert before <= set(free_slots(fewer, window, length))


@FAST
@given(plans(), windows, lengths)
def test_back_to_back_with_a_meeting_is_offered_without_a_buffer(
    plan: FacilityPlan, window: Interval, length: timedelta
) -> None:
    unbuffered = FacilityPlan(plan.zone, plan.room_ids, plan.sessions, step=plan.step)
    slots = free_slots(unbuffered, window, length)
    if not slots:
        return
    first = slots[0]
    taken = FacilityPlan(
        plan.zone, plan.room_ids, plan.sessions, room_busy={first.room_id: [first.interval]},
        step=plan.step,
    )  # fmt: skip
    following = [s for s in slots if s.room_id == first.room_id and s.start == first.end]
    assert set(following) <= set(free_slots(taken, window, length))
    assert first not in free_slots(taken, window, length)


@FAST
@given(plans(), windows, lengths, st.integers(0, 4 * 24 * 3))
def test_earliest_slot_is_the_first_free_slot_ending_by_the_deadline(
    plan: FacilityPlan, window: Interval, length: timedelta, quarter_hours: int
) -> None:
    deadline = window.start + timedelta(minutes=15 * quarter_hours)
    fitting = [s for s in free_slots(plan, window, length) if s.end <= deadline]
    assert earliest_slot(plan, window, length, deadline) == (fitting[0] if fitting else None)
