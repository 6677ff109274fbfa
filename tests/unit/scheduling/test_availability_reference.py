"""The fast slot search gives exactly what the plain definition gives: every step-aligned
candidate of every opening, judged on its own against every meeting (widened by the buffer)
and every closure. The search merges spans and skips ahead; this keeps it honest."""

from __future__ import annotations

import dataclasses
from datetime import UTC, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.availability import (
    FacilityPlan,
    Interval,
    Slot,
    alternatives,
    earliest_slot,
    free_slots,
    opening_intervals,
)
from tests.unit.scheduling.test_availability_properties import DAY0, plans


def reference_slots(plan: FacilityPlan, window: Interval, length: timedelta) -> list[Slot]:
    found: set[Slot] = set()
    for room_id in plan.room_ids:
        busy = [*plan.room_busy.get(room_id, ()), *plan.party_busy]
        closed = [c.interval for c in plan.closures if c.room_id in (None, room_id)]
        for opening in opening_intervals(plan, room_id, window):
            start = opening.start
            while start + length <= opening.end:
                candidate = Interval(start.astimezone(UTC), (start + length).astimezone(UTC))
                if (
                    window.start <= candidate.start
                    and candidate.end <= window.end
                    and not any(candidate.overlaps(b, plan.buffer) for b in busy)
                    and not any(candidate.overlaps(c) for c in closed)
                ):
                    found.add(Slot(candidate.start, candidate.end, room_id))
                start += plan.step
    return sorted(found, key=lambda s: (s.start, s.room_id))


def reference_alternatives(slots: list[Slot], count: int) -> list[Slot]:
    picked: list[Slot] = []
    for slot in slots:
        if not picked or picked[-1].start != slot.start:
            picked.append(slot)
        if len(picked) == count:
            break
    return picked


CASES = given(
    plans(),
    st.integers(0, 4 * 24 * 3),
    st.integers(1, 4 * 24 * 6),
    st.sampled_from([15, 30, 45, 60, 90, 120]),
    st.sampled_from([5, 15, 20]),
    st.integers(1, 4),
)


@settings(max_examples=150, deadline=None)
@CASES
def test_the_search_matches_the_plain_definition(
    plan: FacilityPlan, offset: int, span: int, minutes: int, step: int, count: int
) -> None:
    plan = dataclasses.replace(plan, step=timedelta(minutes=step))
    start = DAY0 + timedelta(minutes=7 * offset)
    window = Interval(start, start + timedelta(minutes=15 * span))
    length = timedelta(minutes=minutes)
    expected = reference_slots(plan, window, length)
    assert free_slots(plan, window, length) == expected
    assert alternatives(plan, window, length, count) == reference_alternatives(expected, count)
    deadline = window.start + timedelta(hours=offset % 50)
    first = next(iter(expected), None)
    wanted = first if first is not None and first.end <= deadline else None
    assert earliest_slot(plan, window, length, deadline) == wanted
