"""User input for the deadline calculator, parsed in one place for the CLI, the API and the page.

The three entry points name their inputs ``from``, ``period``, ``kind`` and ``tz``; every problem
is reported against one of those names with a stable ``code`` (for translated page messages) and
a one-line English ``message`` (for the CLI and the API).

Trigger times: "YYYY-MM-DD HH:MM[:SS]" (or with a "T") is local wall time in ``tz``; a time with
a UTC offset ("...+08:00", "...Z") is an exact instant. A date without a time is refused rather
than guessed, because the hour matters for hour periods. A wall time that does not exist in the
zone (skipped by a DST change) or exists twice (repeated by one) is refused too, with a request
to add the offset: the calculator never picks an instant the user did not mean.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.law.periods import (
    Deadline,
    Period,
    PeriodError,
    PeriodKind,
    PeriodUnit,
    compute_deadline,
)
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar

FIELDS: Final = ("from", "period", "kind", "tz")
DEFAULT_KIND: Final = PeriodKind.PROCEDURAL
_TRIGGER: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", re.IGNORECASE
)
_MIN_YEAR: Final = 1900  # older triggers are typing mistakes, and old zone data is unreliable


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class InputProblem:
    field: str  # one of FIELDS
    code: str
    message: str


class DeadlineInputError(PeriodError):
    """One or more bad inputs. ``str()`` is a single line naming each field."""

    def __init__(self, problems: list[InputProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class DeadlineRequest:
    trigger: datetime  # aware
    period: Period
    kind: PeriodKind
    zone: ZoneInfo


def parse_zone(text: str) -> ZoneInfo:
    name = text.strip()
    try:
        if name:
            return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise _problem(
        "tz", "tz_unknown", f"unknown time zone {text!r} (use an IANA name such as Asia/Shanghai)"
    )


def parse_trigger(text: str, zone: ZoneInfo) -> datetime:
    """The instant ``text`` names; a time without an offset is wall time in ``zone``."""
    raw = text.strip()
    if not raw:
        raise _problem("from", "required", "give the trigger date and time, e.g. 2026-09-29 10:20")
    if not _TRIGGER.fullmatch(raw):
        raise _problem(
            "from",
            "trigger_format",
            f"{text!r} is not a date and time; write e.g. 2026-09-29 10:20 "
            "or 2026-09-29T10:20+08:00",
        )
    try:
        value = datetime.fromisoformat(raw.upper().replace(" ", "T"))
    except ValueError:
        raise _problem(
            "from", "trigger_impossible", f"{text!r} is not a real date and time"
        ) from None
    if value.year < _MIN_YEAR:
        raise _problem(
            "from", "trigger_too_early", f"{text!r}: the year must be {_MIN_YEAR} or later"
        )
    if value.tzinfo is not None:
        return value
    return _place(value, zone, text)


def _place(naive: datetime, zone: ZoneInfo, text: str) -> datetime:
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise _problem(
            "from",
            "trigger_nonexistent",
            f"{text!r} does not exist in {zone.key} (the clocks skip it); give the UTC offset",
        )
    raise _problem(
        "from",
        "trigger_ambiguous",
        f"{text!r} happens twice in {zone.key} (the clocks repeat it); give the UTC offset",
    )


def parse_period(text: str) -> Period:
    if not text.strip():
        raise _problem("period", "required", "give a period such as 48h, 3d, 2m or 15d")
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise _problem("period", "period_invalid", str(exc)) from None


def parse_kind(text: str) -> PeriodKind:
    try:
        return PeriodKind(text.strip().lower() or DEFAULT_KIND)
    except ValueError:
        choices = ", ".join(k.value for k in PeriodKind)
        raise _problem("kind", "kind_unknown", f"unknown kind {text!r} (use {choices})") from None


def read_request(trigger: str, period: str, kind: str, tz: str) -> DeadlineRequest:
    """Parse all four inputs, reporting every bad one at once."""
    problems: list[InputProblem] = []
    zone = _collect(problems, parse_zone, tz)
    # With an unknown zone the trigger's syntax is still checked (UTC stands in for the zone).
    when = _collect(problems, lambda t: parse_trigger(t, zone or ZoneInfo("UTC")), trigger)
    length = _collect(problems, parse_period, period)
    what = _collect(problems, parse_kind, kind)
    if what is PeriodKind.TARGET and length is not None and length.unit is not PeriodUnit.HOURS:
        problems.append(
            InputProblem(
                "period",
                "target_needs_hours",
                f"a target (policy P6) is counted in hours, not {length}",
            )
        )
    if problems:
        raise DeadlineInputError(problems)
    assert zone is not None and when is not None and length is not None and what is not None
    return DeadlineRequest(when, length, what, zone)


def calculate(
    request: DeadlineRequest, *, calendar: RestDayCalendar, policies: LegalPolicies
) -> Deadline:
    """The engine's answer; its remaining refusals (a period past year 9999) name ``period``."""
    try:
        return compute_deadline(
            request.trigger,
            request.period,
            request.kind,
            tz=request.zone,
            calendar=calendar,
            policies=policies,
        )
    except PeriodError as exc:
        raise _problem("period", "period_out_of_range", str(exc)) from None


def _problem(field: str, code: str, message: str) -> DeadlineInputError:
    return DeadlineInputError([InputProblem(field, code, message)])


def _collect(problems: list[InputProblem], parse: Callable[[str], T], text: str) -> T | None:
    try:
        return parse(text)
    except DeadlineInputError as exc:
        problems.extend(exc.problems)
        return None
