"""checked_interval makes, without the checks, exactly the Interval the constructor makes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from scheduling.availability import Interval, checked_interval

START = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
END = START + timedelta(hours=1)


def test_it_equals_and_hashes_as_a_checked_interval() -> None:
    made = checked_interval(START, END)
    assert made == Interval(START, END) and hash(made) == hash(Interval(START, END))
    assert type(made) is Interval and (made.start, made.end) == (START, END)


def test_it_sorts_and_overlaps_as_an_interval() -> None:
    later = Interval(END, END + timedelta(hours=1))
    assert sorted([later, checked_interval(START, END)]) == [Interval(START, END), later]
    assert not checked_interval(START, END).overlaps(later)
    assert checked_interval(START, END).overlaps(later, margin=timedelta(minutes=1))


def test_it_stays_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        checked_interval(START, END).start = END  # type: ignore[misc]
