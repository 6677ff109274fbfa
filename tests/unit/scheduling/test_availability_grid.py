"""The one-grid search (every opening on one grid of the step: the usual case) gives exactly
what the general search and the plain definition give, also for meetings, closures and
buffers off the grid, windows starting off it, and rooms with sessions of their own."""

from __future__ import annotations

import dataclasses
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.availability import Closure, FacilityPlan, Interval, Session, _Found, free_slots
from tests.unit.scheduling.test_availability_properties import DAY0, ROOMS, plans
from tests.unit.scheduling.test_availability_reference import reference_slots


@st.composite
def odd_intervals(draw: st.DrawFn) -> Interval:
    """Anywhere to the second, from a minute to three days long (closures may be long)."""
    start = DAY0 + timedelta(seconds=draw(st.integers(-86_400, 4 * 86_400)))
    return Interval(start, start + timedelta(seconds=draw(st.integers(1, 3 * 86_400))))


@st.composite
def odd_plans(draw: st.DrawFn) -> FacilityPlan:
    plan = draw(plans())
    return dataclasses.replace(
        plan,
        room_busy=draw(
            st.dictionaries(st.sampled_from(ROOMS), st.lists(odd_intervals(), max_size=5))
        ),
        party_busy=draw(st.lists(odd_intervals(), max_size=3)),
        closures=draw(
            st.lists(
                st.builds(Closure, odd_intervals(), st.none() | st.sampled_from(ROOMS)), max_size=3
            )
        ),
        buffer=timedelta(seconds=draw(st.integers(0, 3_600))),
        step=timedelta(minutes=draw(st.sampled_from([5, 15, 30]))),
    )


CASES = given(
    odd_plans(),
    st.integers(-3_600, 3 * 86_400),
    st.integers(60, 5 * 86_400),
    st.sampled_from([15, 30, 60, 90]),
)


def _window(offset: int, span: int) -> Interval:
    start = DAY0 + timedelta(seconds=offset)
    return Interval(start, start + timedelta(seconds=span))


@settings(max_examples=200, deadline=None)
@CASES
def test_the_one_grid_search_finds_what_the_general_search_finds(
    plan: FacilityPlan, offset: int, span: int, minutes: int
) -> None:
    window, length = _window(offset, span), timedelta(minutes=minutes)
    on_grid = _Found.search(plan, window, length)
    general = _Found.search(plan, window, length, on_grid=False)
    assert on_grid.slots(len(on_grid.keys)) == general.slots(len(general.keys))


@settings(max_examples=200, deadline=None)
@CASES
def test_the_search_off_the_grid_matches_the_plain_definition(
    plan: FacilityPlan, offset: int, span: int, minutes: int
) -> None:
    window, length = _window(offset, span), timedelta(minutes=minutes)
    assert free_slots(plan, window, length) == reference_slots(plan, window, length)


def test_sessions_on_two_grids_take_the_general_search() -> None:
    plan = _two_grids()  # a room's own session starts at 14:10, off the 15-minute grid
    window = Interval(DAY0, DAY0 + timedelta(days=3))
    found = _Found.search(plan, window, timedelta(minutes=30))
    assert found.unit == 1
    assert free_slots(plan, window, timedelta(minutes=30)) == reference_slots(
        plan, window, timedelta(minutes=30)
    )


def _two_grids() -> FacilityPlan:
    return FacilityPlan(
        zone=ZoneInfo("UTC"),
        room_ids=[1, 2],
        sessions=[Session(d, time(8, 0), time(11, 0)) for d in range(7)]
        + [Session(d, time(14, 10), time(16, 0), room_id=2) for d in range(7)],
        step=timedelta(minutes=15),
    )
