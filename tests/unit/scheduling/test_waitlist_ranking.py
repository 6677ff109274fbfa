"""The waitlist's ranking and allocation (scheduling.waitlist): properties over generated
facilities, and the cases the rules name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.availability import Slot
from scheduling.waitlist import Waiting, allocate, hold_until, rank_key, ranked

T0 = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
HOUR = timedelta(hours=1)


def waiting(
    request_id: int,
    deadline_hours: float | None = 10,
    *,
    priority: bool = False,
    requested_minutes: int = 0,
    lawyer: int | None = None,
    detainee: int | None = None,
    current_start: datetime | None = None,
) -> Waiting:
    return Waiting(
        request_id=request_id,
        lawyer_id=request_id if lawyer is None else lawyer,
        detainee_id=request_id if detainee is None else detainee,
        deadline_at=None if deadline_hours is None else T0 + deadline_hours * HOUR,
        priority=priority,
        requested_at=T0 - timedelta(days=1) + timedelta(minutes=requested_minutes),
        current_start=current_start,
    )


def slot(hour: float, room: int = 1, length: float = 1) -> Slot:
    start = T0 + hour * HOUR
    return Slot(start, start + length * HOUR, room)


def test_least_time_left_ranks_first() -> None:
    order = ranked([waiting(1, 30), waiting(2, 5), waiting(3, 12)])
    assert [w.request_id for w in order] == [2, 3, 1]


def test_an_overdue_request_ranks_before_one_with_time_left() -> None:
    order = ranked([waiting(1, 3), waiting(2, -2)])
    assert [w.request_id for w in order] == [2, 1]


def test_a_priority_meeting_ranks_first_among_equal_time_left() -> None:
    order = ranked([waiting(1, 10), waiting(2, 10, priority=True), waiting(3, 9)])
    assert [w.request_id for w in order] == [3, 2, 1]


def test_the_earlier_request_ranks_first_among_equal_time_left_and_priority() -> None:
    order = ranked([waiting(1, 10, requested_minutes=30), waiting(2, 10, requested_minutes=5)])
    assert [w.request_id for w in order] == [2, 1]


def test_a_request_without_a_running_clock_waits_behind_every_running_one() -> None:
    order = ranked([waiting(1, None, priority=True), waiting(2, 400)])
    assert [w.request_id for w in order] == [2, 1]


def test_deadlines_in_other_offsets_compare_as_instants() -> None:
    beijing = timezone(timedelta(hours=8))
    sooner = T0 + 9 * HOUR  # 19:00 in Beijing, later on the wall clock than 10:00 UTC
    in_beijing = Waiting(2, 2, 2, sooner.astimezone(beijing), False, T0)
    assert rank_key(in_beijing) < rank_key(waiting(1, 10))


def test_a_freed_slot_goes_to_the_request_with_least_time_left() -> None:
    given_ = allocate([waiting(1, 20), waiting(2, 4)], {1: [slot(2)], 2: [slot(2)]})
    assert [(w.request_id, s) for w, s in given_] == [(2, slot(2))]


def test_a_slot_held_by_an_open_offer_is_not_offered_again() -> None:
    assert allocate([waiting(1)], {1: [slot(2)]}, held=[slot(2)]) == []


def test_the_buffer_keeps_a_second_offer_away_from_the_first_in_its_room() -> None:
    first, second = slot(2), slot(3)  # back to back: the buffer of 10 minutes separates them
    given_ = allocate(
        [waiting(1, 5), waiting(2, 6)], {1: [first], 2: [second]}, buffer=timedelta(minutes=10)
    )
    assert [w.request_id for w, _ in given_] == [1]


def test_one_lawyer_is_not_offered_two_slots_at_the_same_time() -> None:
    requests = [waiting(1, 5, lawyer=9), waiting(2, 6, lawyer=9)]
    given_ = allocate(requests, {1: [slot(2, room=1)], 2: [slot(2, room=2)]})
    assert [w.request_id for w, _ in given_] == [1]


def test_an_earlier_slot_is_offered_only_before_the_booked_meeting() -> None:
    booked = waiting(1, 30, current_start=T0 + 5 * HOUR)
    assert allocate([booked], {1: [slot(6)]}) == []
    assert [s for _, s in allocate([booked], {1: [slot(6), slot(3)]})] == [slot(3)]


def test_each_request_gets_its_earliest_free_candidate() -> None:
    given_ = allocate([waiting(1, 5), waiting(2, 6)], {1: [slot(2), slot(4)], 2: [slot(2)]})
    assert [(w.request_id, s.start) for w, s in given_] == [(1, slot(2).start)]


def test_an_offer_is_held_for_the_set_time_when_the_start_is_far() -> None:
    assert hold_until(T0, T0 + 10 * HOUR, timedelta(minutes=30)) == T0 + timedelta(minutes=30)


def test_an_offer_is_held_for_a_third_of_the_time_left_when_the_start_is_near() -> None:
    assert hold_until(T0, T0 + HOUR, timedelta(minutes=30)) == T0 + timedelta(minutes=20)


def test_an_offer_is_held_for_at_least_five_minutes() -> None:
    assert hold_until(T0, T0 + timedelta(minutes=6), timedelta(minutes=30)) == T0 + timedelta(
        minutes=5
    )


# A generated facility: requests with distinct lawyers and detainees, each eligible for a
# random subset of one-hour slots in three rooms over a day.
_SLOTS = [slot(h / 2, room) for h in range(0, 20) for room in (1, 2, 3)]
_requests = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(-5, 60)),  # deadline, hours from now
        st.booleans(),  # priority
        st.integers(0, 600),  # requested, minutes
        st.sets(st.integers(0, len(_SLOTS) - 1), max_size=8),  # candidate slots
    ),
    max_size=12,
)


def _world(
    rows: list[tuple[int | None, bool, int, set[int]]],
) -> tuple[list[Waiting], dict[int, list[Slot]]]:
    requests = [
        waiting(i + 1, deadline, priority=prio, requested_minutes=minutes)
        for i, (deadline, prio, minutes, _) in enumerate(rows)
    ]
    candidates = {
        i + 1: sorted((_SLOTS[k] for k in picks), key=lambda s: (s.start, s.room_id))
        for i, (_, _, _, picks) in enumerate(rows)
    }
    return requests, candidates


@settings(max_examples=300, deadline=None)
@given(_requests)
def test_a_freed_slot_always_goes_to_the_eligible_request_with_least_time_left(
    rows: list[tuple[int | None, bool, int, set[int]]],
) -> None:
    requests, candidates = _world(rows)
    given_ = allocate(requests, candidates)
    served = {w.request_id for w, _ in given_}
    for winner, won in given_:
        for better in requests:
            if rank_key(better) < rank_key(winner) and won in candidates[better.request_id]:
                # A better-ranked request that could use this slot was served first.
                assert better.request_id in served


@settings(max_examples=300, deadline=None)
@given(_requests)
def test_no_slot_is_offered_twice_and_no_request_gets_two(
    rows: list[tuple[int | None, bool, int, set[int]]],
) -> None:
    requests, candidates = _world(rows)
    given_ = allocate(requests, candidates)
    assert len({w.request_id for w, _ in given_}) == len(given_)
    for i, (_, a) in enumerate(given_):
        for _, b in given_[i + 1 :]:
            assert a.room_id != b.room_id or not a.interval.overlaps(b.interval)
        assert a in candidates[given_[i][0].request_id]


@settings(max_examples=200, deadline=None)
@given(_requests)
def test_every_request_left_without_an_offer_had_no_free_candidate(
    rows: list[tuple[int | None, bool, int, set[int]]],
) -> None:
    requests, candidates = _world(rows)
    given_ = allocate(requests, candidates)
    taken = [s for _, s in given_]
    served = {w.request_id for w, _ in given_}
    for request in requests:
        if request.request_id in served:
            continue
        for free in candidates[request.request_id]:
            assert any(
                t.room_id == free.room_id and t.interval.overlaps(free.interval) for t in taken
            )
