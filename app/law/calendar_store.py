"""The rest-day calendar as the application uses it: official years plus imported ones.

Importing a file replaces each year it lists, as a whole, in one transaction with one audit
entry per year; a file with any error stores nothing (it is parsed completely first).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Final

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.audit.service import record
from app.law.models import ImportedRestDay, ImportedRestDayYear
from app.law.restdays import (
    HOLIDAY,
    WORKDAY,
    CalendarFileError,
    RestDayCalendar,
    YearCalendar,
    parse_year_calendar_csv,
    parse_year_calendar_toml,
)

CLI_ACTOR_LABEL: Final = "system (lawmeet calendar import)"
_FILENAME_MAX: Final = 255


@dataclass(frozen=True, slots=True)
class OfficialYear:
    year: int
    holidays: int
    workdays: int
    source: str


@dataclass(frozen=True, slots=True)
class ImportedDay:
    day: date
    kind: str  # "holiday" or "workday"
    name: str | None


@dataclass(frozen=True, slots=True)
class ImportedYear:
    year: int
    source: str
    filename: str
    imported_by: str
    imported_at: datetime
    days: tuple[ImportedDay, ...]
    overrides_official: bool  # chinese_calendar knows the year too; the import wins


def decode_calendar_file(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # spreadsheet programs often write a BOM
    except UnicodeDecodeError as exc:
        raise CalendarFileError("file", f"not UTF-8 text (byte {exc.start})") from None


def parse_calendar_file(text: str, filename: str) -> list[YearCalendar]:
    """Parse by file extension: .toml, or .csv (.txt is taken as CSV too)."""
    name = PurePath(filename).name
    suffix = PurePath(name).suffix.lower()
    if suffix == ".toml":
        return parse_year_calendar_toml(text, source=name)
    if suffix in (".csv", ".txt"):
        return parse_year_calendar_csv(text, source=name)
    raise CalendarFileError("file", f"unknown file type {name!r}: use a .csv or .toml file")


async def load_rest_day_calendar() -> RestDayCalendar:
    """Official years plus every imported year (an imported year wins over an official one)."""
    years = await ImportedRestDayYear.all()
    days: dict[int, list[ImportedRestDay]] = defaultdict(list)
    for row in await ImportedRestDay.all():
        days[row.calendar_year_id].append(row)
    extra = {y.year: _year_calendar(y, days[y.id]) for y in years}
    return RestDayCalendar(extra)


def _year_calendar(year: ImportedRestDayYear, rows: list[ImportedRestDay]) -> YearCalendar:
    return YearCalendar(
        year.year,
        frozenset(r.day for r in rows if r.kind == HOLIDAY),
        frozenset(r.day for r in rows if r.kind == WORKDAY),
        year.source,
        names={r.day: r.name for r in rows if r.name},
    )


async def import_calendar(text: str, filename: str, actor: User | None) -> list[int]:
    """Store every year the file lists, replacing earlier imports of those years.

    Raises CalendarFileError (naming the line or entry) before anything is written.
    """
    calendars = parse_calendar_file(text, filename)
    stored_name = PurePath(filename).name[:_FILENAME_MAX]
    label = actor.username if actor is not None else CLI_ACTOR_LABEL
    now = clock.now()
    async with in_transaction():
        for cal in calendars:
            previous = await ImportedRestDayYear.get_or_none(year=cal.year)
            if previous is not None:
                # Explicit, because SQLite enforces ON DELETE CASCADE only when asked to.
                await ImportedRestDay.filter(calendar_year_id=previous.id).delete()
                await previous.delete()
            row = await ImportedRestDayYear.create(
                year=cal.year,
                source=cal.source,
                filename=stored_name,
                imported_by=actor,
                imported_by_label=label,
                imported_at=now,
            )
            await ImportedRestDay.bulk_create(
                [
                    ImportedRestDay(
                        calendar_year=row,
                        day=d,
                        kind=HOLIDAY if d in cal.holidays else WORKDAY,
                        name=cal.names.get(d),
                    )
                    for d in sorted(cal.holidays | cal.workdays)
                ]
            )
            summary = {
                "filename": stored_name,
                "source": cal.source,
                "holidays": len(cal.holidays),
                "workdays": len(cal.workdays),
                "replaced": previous is not None,
            }
            await record(actor, "rest_days.imported", "rest_day_year", cal.year, summary)
    return [cal.year for cal in calendars]


def official_years() -> list[OfficialYear]:
    """The years chinese_calendar carries, with how many holidays and make-up days each has."""
    official = RestDayCalendar()
    out = []
    for year in official.official_years:
        cal = official.year_calendar(year)
        assert cal is not None
        out.append(OfficialYear(year, len(cal.holidays), len(cal.workdays), cal.source))
    return out


async def imported_years() -> list[ImportedYear]:
    known = set(RestDayCalendar().official_years)
    days: dict[int, list[ImportedDay]] = defaultdict(list)
    for row in await ImportedRestDay.all():
        days[row.calendar_year_id].append(ImportedDay(row.day, row.kind, row.name))
    return [
        ImportedYear(
            year=y.year,
            source=y.source,
            filename=y.filename,
            imported_by=y.imported_by_label,
            imported_at=y.imported_at,
            days=tuple(days[y.id]),
            overrides_official=y.year in known,
        )
        for y in await ImportedRestDayYear.all()
    ]
