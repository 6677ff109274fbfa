"""`lawmeet clock show|set|reset`: run a demo or a browser test at another instant.

Times without a zone are read on the installation's clock (``[i18n] timezone``, Beijing time by
default), so ``lawmeet clock set "2026-12-11 21:40"`` is Friday 21:40 in Beijing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app import clock
from app.settings import Settings


def add_parser(sub: Any) -> None:
    command = sub.add_parser("clock", help="show the app's time, or move it (demos and tests)")
    actions = command.add_subparsers(dest="clock_command", required=True, metavar="ACTION")
    actions.add_parser("show", help="print the app's current time")
    move = actions.add_parser("set", help="run the app from this instant on ([clock] adjustable)")
    move.add_argument("at", help='"YYYY-MM-DD HH:MM" on the local clock, or ISO with an offset')
    move.add_argument("--frozen", action="store_true", help="stand still instead of running on")
    actions.add_parser("reset", help="back to the system clock")


def parse_instant(text: str, zone: str) -> datetime:
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=ZoneInfo(zone))


def run_clock(args: argparse.Namespace, settings: Settings) -> int:
    zone = ZoneInfo(settings.i18n.timezone)
    if args.clock_command == "show":
        print(f"{clock.now().astimezone(zone):%Y-%m-%d %H:%M:%S %z}")
        return 0
    folder = settings.clock_dir
    if folder is None:
        print("lawmeet: the clock is not adjustable here ([clock] adjustable = false)",
              file=sys.stderr)  # fmt: skip
        return 2
    if args.clock_command == "reset":
        clock.reset(folder)
        return 0
    try:
        at = parse_instant(args.at, settings.i18n.timezone)
    except ValueError:
        print(f"lawmeet: not a time: {args.at!r} (use YYYY-MM-DD HH:MM)", file=sys.stderr)
        return 2
    clock.set_to(folder, at, frozen=args.frozen)
    print(f"{at.astimezone(zone):%Y-%m-%d %H:%M:%S %z}")
    return 0
