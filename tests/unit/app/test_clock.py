"""The app's clock: the system clock, or an instant set for a demo or a browser test that
every process reading the same data folder agrees on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import tortoise.timezone

from app import clock
from app.cli.clock import parse_instant
from app.settings import SettingsError, load_settings

FRIDAY_NIGHT = datetime(2026, 12, 11, 21, 40, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def adjustable(tmp_path: Path) -> Iterator[Path]:
    clock.use_data_dir(tmp_path)
    yield tmp_path
    clock.use_data_dir(None)


def test_without_a_clock_file_the_app_reads_the_system_clock(adjustable: Path) -> None:
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)


def test_a_set_clock_runs_on_from_the_instant_it_was_set_to(adjustable: Path) -> None:
    clock.set_to(adjustable, FRIDAY_NIGHT)
    assert timedelta(0) <= clock.now() - FRIDAY_NIGHT < timedelta(seconds=1)
    assert clock.now().tzinfo == UTC


def test_a_frozen_clock_stands_still(adjustable: Path) -> None:
    clock.set_to(adjustable, FRIDAY_NIGHT, frozen=True)
    assert clock.now() == FRIDAY_NIGHT
    assert clock.now() == FRIDAY_NIGHT


def test_moving_the_clock_again_takes_effect_at_once(adjustable: Path) -> None:
    clock.set_to(adjustable, FRIDAY_NIGHT, frozen=True)
    assert clock.now() == FRIDAY_NIGHT
    clock.set_to(adjustable, FRIDAY_NIGHT + timedelta(hours=52), frozen=True)
    assert clock.now() == FRIDAY_NIGHT + timedelta(hours=52)


def test_reset_returns_to_the_system_clock(adjustable: Path) -> None:
    clock.set_to(adjustable, FRIDAY_NIGHT, frozen=True)
    clock.reset(adjustable)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)


def test_a_time_without_a_zone_cannot_be_set(adjustable: Path) -> None:
    with pytest.raises(clock.ClockError):
        clock.set_to(adjustable, datetime(2026, 12, 11, 21, 40))


def test_database_timestamps_read_the_same_clock(adjustable: Path) -> None:
    clock.set_to(adjustable, FRIDAY_NIGHT, frozen=True)
    assert tortoise.timezone.now() == FRIDAY_NIGHT


def test_a_time_without_an_offset_is_read_on_the_installation_clock() -> None:
    assert parse_instant("2026-12-11 21:40", "Asia/Shanghai") == FRIDAY_NIGHT
    assert parse_instant("2026-12-11T13:40:00+00:00", "Asia/Shanghai") == FRIDAY_NIGHT


def test_production_refuses_an_adjustable_clock(tmp_path: Path) -> None:
    env = {
        "LAWMEET_APP__ENV": "production",
        "LAWMEET_CLOCK__ADJUSTABLE": "true",
        "LAWMEET_APP__SECRET_KEY": "x" * 40,
        "LAWMEET_APP__PUBLIC_URL": "https://lawmeet.example",
    }
    with pytest.raises(SettingsError, match="clock"):
        load_settings(environ=env)
