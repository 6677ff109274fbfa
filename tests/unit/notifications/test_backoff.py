"""Retry delays: doubling from the base, jittered by at most half, capped."""

from __future__ import annotations

from datetime import timedelta

import pytest

from notifications.worker import MAX_DELAY, backoff


@pytest.mark.parametrize("attempts", [1, 2, 3, 4])
def test_the_delay_doubles_with_each_attempt_within_the_jitter(attempts: int) -> None:
    base = 10 * 2 ** (attempts - 1)
    for _ in range(50):
        delay = backoff(attempts, 10).total_seconds()
        assert base <= delay <= base * 1.5


def test_the_delay_is_capped() -> None:
    assert backoff(40, 30) == MAX_DELAY


def test_the_jitter_spreads_retries() -> None:
    assert len({backoff(3, 10) for _ in range(20)}) > 1
    assert backoff(1, 10) >= timedelta(seconds=10)
