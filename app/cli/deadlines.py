"""`lawmeet deadline` and `lawmeet calendar import|list`.

`deadline` reads the imported rest-day years from the database. When the database cannot be
read (unreachable, not migrated, slower than DATABASE_TIMEOUT) it warns on stderr and goes on
with the official years only: a year it then lacks is flagged provisional by the engine, so the
fallback can make a result more cautious but never silently wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Final

from app import db
from app.law.calendar_store import (
    decode_calendar_file,
    import_calendar,
    imported_years,
    load_rest_day_calendar,
    official_years,
)
from app.law.explanations import normalise_locale
from app.law.periods import Deadline
from app.law.policies import POLICY_IDS, policies_from_settings
from app.law.restdays import CalendarFileError, RestDayCalendar
from app.settings import Settings
from scheduling.deadline_service import DeadlineInputError, calculate, read_request

DATABASE_TIMEOUT: Final = 5.0  # seconds; a calculator should answer, not hang on a dead server
_OPTIONS: Final = {"from": "--from", "period": "--period", "kind": "--kind", "tz": "--tz"}
_LABELS: Final = {
    "en": {
        "expires": "Expires",
        "end_of_day": "24:00 on {day}",
        "last_day": "Last day",
        "moved": "moved from {day}, a rest day or public holiday",
        "rule": "Rule",
        "policies": "Policies",
        "provisional": "PROVISIONAL",
        "explanation": "Explanation",
    },
    "zh-CN": {
        "expires": "期满",
        "end_of_day": "{day} 24:00",
        "last_day": "最后一日",
        "moved": "原最后一日 {day} 为休息日或节假日，已顺延",
        "rule": "依据",
        "policies": "策略",
        "provisional": "暂定结果",
        "explanation": "计算说明",
    },
}


def add_parsers(sub: Any) -> None:
    deadline = sub.add_parser("deadline", help="when a legal time limit expires (CPL art. 105)")
    deadline.add_argument(
        "--from",
        dest="trigger",
        required=True,
        metavar="TIME",
        help='trigger: local time "YYYY-MM-DD HH:MM" in --tz, or ISO 8601 with an offset',
    )
    deadline.add_argument("--period", required=True, help="48h, 3d, 2m or 15d (0.5m = 15d)")
    deadline.add_argument(
        "--kind", default="procedural", help="custody, procedural (default), decision or target"
    )
    deadline.add_argument("--tz", help="IANA time zone (default: settings i18n.timezone)")
    deadline.add_argument("--json", action="store_true", help="print the result as one JSON object")
    deadline.add_argument("--lang", help="en or zh-CN (default: settings i18n.default_locale)")
    calendar = sub.add_parser("calendar", help="import or list rest-day calendar years")
    actions = calendar.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")
    imported = actions.add_parser("import", help="import a CSV or TOML file of holidays")
    imported.add_argument("file", help="a .csv or .toml file (see app/law/restdays.py)")
    actions.add_parser("list", help="list the official and the imported years")


def _fail(message: str) -> int:
    print(f"lawmeet: {message}", file=sys.stderr)
    return 2


async def _stored_calendar(settings: Settings) -> RestDayCalendar:
    context = None
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT):
            context = await db.open_database(settings)
            return await load_rest_day_calendar()
    # Deliberately broad: whatever stops the read, the official years still give an answer.
    except Exception as exc:
        reason = str(exc) or type(exc).__name__
        print(
            f"lawmeet: warning: imported rest-day years unavailable ({reason}); "
            "using the official years only",
            file=sys.stderr,
        )
        return RestDayCalendar()
    finally:
        await db.close_database(context)


async def run_deadline(args: argparse.Namespace, settings: Settings) -> int:
    try:
        locale = normalise_locale(args.lang or settings.i18n.default_locale)
    except ValueError:
        return _fail(f"--lang: unknown language {args.lang!r} (use en or zh-CN)")
    try:
        wanted = read_request(
            args.trigger, args.period, args.kind, args.tz or settings.i18n.timezone
        )
        deadline = calculate(
            wanted,
            calendar=await _stored_calendar(settings),
            policies=policies_from_settings(settings.legal),
        )
    except DeadlineInputError as exc:
        return _fail("; ".join(f"{_OPTIONS[p.field]}: {p.message}" for p in exc.problems))
    if args.json:
        print(json.dumps(deadline.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_plain(deadline, locale))
    return 0


def render_plain(deadline: Deadline, locale: str) -> str:
    text = _LABELS[locale]
    end, last = deadline.expires_at, deadline.last_day.isoformat()
    if end.date() > deadline.last_day:  # the exclusive end is the next midnight
        expires = text["end_of_day"].format(day=last)
    else:
        expires = end.strftime("%Y-%m-%d %H:%M")
    lines = [f"{text['expires']}: {expires} ({deadline.timezone}; {end.isoformat()})"]
    moved = deadline.shifted_from
    suffix = f" ({text['moved'].format(day=moved.isoformat())})" if moved else ""
    lines.append(f"{text['last_day']}: {last}{suffix}")
    lines.append(f"{text['rule']}: {deadline.rule}")
    if deadline.policies:
        used = ", ".join(f"{POLICY_IDS[k]} {k}={v}" for k, v in deadline.policies.items())
        lines.append(f"{text['policies']}: {used}")
    if deadline.provisional:
        lines.append(f"{text['provisional']}: {deadline.provisional_reason}")
    lines.append(f"{text['explanation']}:")
    lines.extend(f"  {n}. {step}" for n, step in enumerate(deadline.explain(locale), start=1))
    return "\n".join(lines)


async def run_calendar(args: argparse.Namespace) -> int:
    if args.calendar_command == "list":
        official = official_years()
        print(f"official: {official[0].year}-{official[-1].year} ({official[-1].source})")
        for year in await imported_years():
            holidays = sum(1 for d in year.days if d.kind == "holiday")
            note = " (replaces the official year)" if year.overrides_official else ""
            print(
                f"imported: {year.year}{note}: {holidays} holidays, "
                f"{len(year.days) - holidays} make-up working days; source {year.source!r}; "
                f"by {year.imported_by} at {year.imported_at:%Y-%m-%d %H:%M} UTC"
            )
        return 0
    path = Path(args.file)
    try:
        text = decode_calendar_file(await asyncio.to_thread(path.read_bytes))
        years = await import_calendar(text, path.name, None)
    except OSError as exc:
        return _fail(f"cannot read {path}: {exc.strerror or exc}")
    except CalendarFileError as exc:
        return _fail(f"{path}: {exc}")
    print(f"imported {', '.join(str(y) for y in years)} from {path}")
    return 0
