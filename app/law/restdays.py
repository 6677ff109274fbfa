"""The rest-day calendar used by CPL 105 ("if the last day is a rest day or public holiday...").

Rest days are Saturdays, Sundays and public holidays, minus make-up working days (调休).

Sources, in order of precedence:

1. ``extra_years`` given to :class:`RestDayCalendar` (loaded from the database by
   ``lawmeet calendar import``). If an extra year is also known to ``chinese_calendar``, the
   extra one wins: an operator who imports a year has a reason to (e.g. a late State Council
   change) and the import is an explicit, audited act.
2. The official years carried by the ``chinese_calendar`` package (2004-2026 in 1.11).
3. Otherwise a *provisional* fallback: weekends plus the fixed-date holidays (1 Jan; 1-2 May;
   1-3 Oct). Every :class:`DayStatus` from the fallback has ``official=False`` so the engine can
   flag the result; the fallback is never used silently.

Import file formats (one or several years per file; every listed date is validated):

TOML::

    source = "国务院办公厅关于2027年部分节假日安排的通知"   # optional
    [[day]]
    date = 2027-01-01          # TOML date or "YYYY-MM-DD" string
    kind = "holiday"           # "holiday" or "workday" (make-up working day, 调休)
    name = "New Year's Day"    # optional

CSV (header optional, ``#`` comments and blank lines ignored)::

    date,kind,name
    2027-01-01,holiday,New Year's Day
    2027-02-20,workday

Weekends need not be listed. A holiday falling on a weekend is fine; a workday must be a
Saturday or Sunday; a date may appear only once. Errors raise :class:`CalendarFileError` naming
the line (CSV) or entry (TOML).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Final

import chinese_calendar

HOLIDAY: Final = "holiday"
WORKDAY: Final = "workday"
_KINDS: Final = (HOLIDAY, WORKDAY)
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIXED_HOLIDAYS: Final[dict[tuple[int, int], str]] = {
    (1, 1): "New Year's Day",
    (5, 1): "Labour Day",
    (5, 2): "Labour Day",
    (10, 1): "National Day",
    (10, 2): "National Day",
    (10, 3): "National Day",
}
#: English holiday names used by chinese_calendar -> Chinese names.
_ZH_NAMES: Final[dict[str, str]] = {h.value: h.chinese for h in chinese_calendar.Holiday}


def holiday_name_zh(name: str) -> str:
    """Chinese name of a holiday known to chinese_calendar; other names are returned unchanged."""
    return _ZH_NAMES.get(name, name)


class CalendarFileError(ValueError):
    """A rest-day import file is invalid; ``location`` names the line or entry."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


@dataclass(frozen=True, slots=True)
class YearCalendar:
    """Public holidays and make-up working days of one year (weekends are implicit)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str
    names: Mapping[date, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))  # keep it frozen
        stray = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if stray:
            raise ValueError(f"{stray[0].isoformat()} does not belong to year {self.year}")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(f"{both[0].isoformat()} is listed both as holiday and as workday")


@dataclass(frozen=True, slots=True)
class DayStatus:
    """How one day counts. ``reason_code``: workday, weekend, holiday or makeup_workday."""

    rest: bool
    official: bool
    reason_code: str
    name: str | None = None  # holiday name (also the holiday a make-up working day belongs to)


def _official_years() -> dict[int, YearCalendar]:
    holidays: Mapping[date, str] = chinese_calendar.holidays
    workdays: Mapping[date, str] = chinese_calendar.workdays
    source = f"chinese_calendar {chinese_calendar.__version__}"
    out: dict[int, YearCalendar] = {}
    # chinese_calendar supports exactly the years between its first and last holiday.
    for year in range(min(holidays).year, max(holidays).year + 1):
        hol = {d: n for d, n in holidays.items() if d.year == year}
        work = {d: n for d, n in workdays.items() if d.year == year}
        out[year] = YearCalendar(
            year, frozenset(hol), frozenset(work), source, names={**hol, **work}
        )
    return out


_OFFICIAL: Final[dict[int, YearCalendar]] = _official_years()


class RestDayCalendar:
    """Answers "is this a rest day?" and whether the answer rests on an official calendar."""

    def __init__(self, extra_years: Mapping[int, YearCalendar] | None = None) -> None:
        extra = dict(extra_years or {})
        for year, cal in extra.items():
            if cal.year != year:
                raise ValueError(f"extra_years[{year}] holds the calendar of {cal.year}")
        self._years: dict[int, YearCalendar] = {**_OFFICIAL, **extra}

    @property
    def official_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._years))

    def is_official(self, year: int) -> bool:
        return year in self._years

    def year_calendar(self, year: int) -> YearCalendar | None:
        return self._years.get(year)

    def day_status(self, d: date) -> DayStatus:
        if isinstance(d, datetime):  # a datetime would never match the date sets
            d = d.date()
        weekend = d.weekday() >= 5
        cal = self._years.get(d.year)
        if cal is None:
            fixed = _FIXED_HOLIDAYS.get((d.month, d.day))
            if fixed is not None:
                return DayStatus(True, False, HOLIDAY, fixed)
            return DayStatus(weekend, False, "weekend" if weekend else WORKDAY)
        name = cal.names.get(d)
        if d in cal.workdays:
            return DayStatus(False, True, "makeup_workday", name)
        if d in cal.holidays:
            return DayStatus(True, True, HOLIDAY, name)
        return DayStatus(weekend, True, "weekend" if weekend else WORKDAY)

    def is_rest_day(self, d: date) -> bool:
        return self.day_status(d).rest

    def is_working_day(self, d: date) -> bool:
        return not self.day_status(d).rest


def parse_year_calendar_toml(text: str, *, source: str = "imported file") -> list[YearCalendar]:
    """Parse the TOML format described in the module docstring."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError("file", f"not valid TOML ({exc})") from exc
    unknown = sorted(set(doc) - {"source", "day"})
    if unknown:
        raise CalendarFileError("file", f"unknown key {unknown[0]!r} (expected source, [[day]])")
    file_source = doc.get("source", source)
    if not isinstance(file_source, str) or not file_source.strip():
        raise CalendarFileError("source", "must be a non-empty string")
    days = doc.get("day", [])
    if not isinstance(days, list):
        raise CalendarFileError("day", "must be an array of tables written as [[day]]")
    entries: list[tuple[str, object, object, object]] = []
    for i, entry in enumerate(days, start=1):
        loc = f"[[day]] entry {i}"
        if not isinstance(entry, dict):
            raise CalendarFileError(loc, "must be a table with date and kind")
        extra = sorted(set(entry) - {"date", "kind", "name"})
        if extra:
            raise CalendarFileError(loc, f"unknown key {extra[0]!r} (expected date, kind, name)")
        if "date" not in entry or "kind" not in entry:
            raise CalendarFileError(loc, "needs both date and kind")
        entries.append((loc, entry["date"], entry["kind"], entry.get("name")))
    return _build(entries, file_source.strip())


def parse_year_calendar_csv(text: str, *, source: str = "imported file") -> list[YearCalendar]:
    """Parse ``date,kind[,name]`` lines as described in the module docstring."""
    entries: list[tuple[str, object, object, object]] = []
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        loc = f"line {reader.line_num}"
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not entries and cells[0].lower() == "date":  # optional header
            continue
        if len(cells) not in (2, 3):
            raise CalendarFileError(loc, f"expected 'date,kind[,name]', got {len(cells)} fields")
        name = cells[2] if len(cells) == 3 and cells[2] else None
        entries.append((loc, cells[0], cells[1], name))
    return _build(entries, source)


def _build(
    entries: Iterable[tuple[str, object, object, object]], source: str
) -> list[YearCalendar]:
    seen: dict[date, str] = {}
    by_year: dict[int, tuple[set[date], set[date], dict[date, str]]] = {}
    for loc, raw_date, kind, name in entries:
        d = _parse_date(loc, raw_date)
        if kind not in _KINDS:
            raise CalendarFileError(loc, f"kind {kind!r} is unknown (expected holiday or workday)")
        if d in seen:
            raise CalendarFileError(loc, f"{d.isoformat()} is listed twice (first at {seen[d]})")
        seen[d] = loc
        if kind == WORKDAY and d.weekday() < 5:
            raise CalendarFileError(
                loc,
                f"{d.isoformat()} is a {d.strftime('%A')}: a make-up working day (调休) "
                "must be a Saturday or Sunday",
            )
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise CalendarFileError(loc, "name must be a non-empty string")
        holidays, workdays, names = by_year.setdefault(d.year, (set(), set(), {}))
        (holidays if kind == HOLIDAY else workdays).add(d)
        if isinstance(name, str):
            names[d] = name.strip()
    if not by_year:
        raise CalendarFileError("file", "no days listed")
    return [
        YearCalendar(year, frozenset(h), frozenset(w), source, names=n)
        for year, (h, w, n) in sorted(by_year.items())
    ]


def _parse_date(loc: str, raw: object) -> date:
    if isinstance(raw, datetime):
        raise CalendarFileError(loc, f"{raw.isoformat()} has a time; give a date only")
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise CalendarFileError(loc, f"date {raw!r} is not an ISO date (YYYY-MM-DD)")
