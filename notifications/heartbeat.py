"""Heartbeats of this process's background loops, for its metrics (app.presentation.metrics).

A loop calls `beat` after each round that worked; a scrape of the same process reports how long
ago that was. They are process-local on purpose: each process that runs a worker (every web
process with the embedded worker, each `lawmeet worker` with `[metrics] worker_port`) reports its
own, so a dead or stuck worker shows up as a growing age or as a target that stopped answering.
"""

from __future__ import annotations

import time

_beats: dict[str, float] = {}  # loop name -> time.monotonic() of its last good round


def beat(loop: str) -> None:
    """Record that `loop` has just completed a round."""
    _beats[loop] = time.monotonic()


def ages() -> dict[str, float]:
    """Seconds since each loop of this process last beat (loops that never beat are absent)."""
    now = time.monotonic()
    return {loop: now - at for loop, at in _beats.items()}
