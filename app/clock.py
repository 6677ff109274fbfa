"""The app's clock: the one place that says what time it is.

In production it is the system clock. A demo or a browser test runs the app at another instant
(story 1 happens on a Friday at 21:40): with ``[clock] adjustable = true``, ``lawmeet clock set``
writes the instant to ``clock.json`` in the data folder, and every process of the app (server,
worker, command line) reads it from there, so they agree without editing the database. Time then
runs on from that instant at the normal pace, or stands still with ``--frozen``. Settings refuse
an adjustable clock in production.

The file is checked on every reading by its modification time only (one ``stat``), so moving the
clock takes effect at once. Tortoise's ``auto_now`` fields read the same clock.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tortoise.timezone

FILE_NAME = "clock.json"


class ClockError(ValueError):
    """The clock cannot be moved (not adjustable here, or a time without a zone)."""


class _Travel:
    """Where an adjustable clock stands: an instant and the real time it was set at."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None

    def now(self) -> datetime:
        real = datetime.now(UTC)
        self._refresh()
        if self._frozen_at is not None:
            return self._frozen_at
        return real + self._offset

    def _refresh(self) -> None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            self._seen, self._offset, self._frozen_at = None, timedelta(0), None
            return
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen == self._seen:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            at = datetime.fromisoformat(data["at"])
            set_at = datetime.fromisoformat(data["set_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return  # half-written: keep the last reading until the next change
        self._seen = seen
        self._frozen_at = at if data.get("frozen") else None
        self._offset = at - set_at


_travel: _Travel | None = None


def now() -> datetime:
    """The current instant, in UTC."""
    return _travel.now() if _travel is not None else datetime.now(UTC)


def use_data_dir(data_dir: Path | None) -> None:
    """Read the adjustable clock of ``data_dir`` (None: the system clock). Called once per
    process at start-up, before anything reads the time."""
    global _travel
    _travel = _Travel(data_dir / FILE_NAME) if data_dir is not None else None


def set_to(data_dir: Path, at: datetime, *, frozen: bool = False) -> None:
    """Move the clock of every process that reads ``data_dir`` to ``at``."""
    if at.utcoffset() is None:
        raise ClockError("time_needs_zone")
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FILE_NAME
    record = {"at": at.isoformat(), "set_at": datetime.now(UTC).isoformat(), "frozen": frozen}
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(partial, path)  # readers see the old file or the new one, never half of one


def reset(data_dir: Path) -> None:
    """Back to the system clock."""
    (data_dir / FILE_NAME).unlink(missing_ok=True)


tortoise.timezone.now = now  # auto_now / auto_now_add fields read this clock too
