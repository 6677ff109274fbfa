"""Form helpers shared by the pages: text values, ids, and local date-times in a facility's zone.

People enter and read times on the wall clock of the detention centre concerned, so a date and a
time typed into two inputs are read in that facility's IANA zone and stored in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from typing import Final, ParamSpec, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.datastructures import FormData

from app import clock
from app.errors import DomainError
from app.presentation.i18n import current_locale
from app.presentation.messages import error_message
from notifications.wording import local_time, zone_words

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_ZONE: Final = "Asia/Shanghai"
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME: Final = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def text_values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    """The named fields as stripped strings (files and missing fields become "")."""
    values: dict[str, str] = {}
    for name in names:
        raw = form.get(name, "")
        values[name] = raw.strip() if isinstance(raw, str) else ""
    return values


def int_or_none(raw: object) -> int | None:
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


def int_list(form: FormData, name: str) -> list[int]:
    """Every value of a repeated field (checkboxes) that is a whole number."""
    return [n for n in (int_or_none(v) for v in form.getlist(name)) if n is not None]


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def local_datetime(day: str, clock: str, zone_name: str | None, field: str) -> datetime:
    """Date (YYYY-MM-DD) and time (HH:MM) read in the zone, as an aware UTC datetime.

    Raises DomainError("required" or "time_invalid", field) so the page shows it at the inputs.
    """
    if not day or not clock:
        raise DomainError("required", field)
    if not _DATE.match(day) or not _TIME.match(clock):
        raise DomainError("time_invalid", field)
    try:
        wall = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock.zfill(5)))
    except ValueError:
        raise DomainError("time_invalid", field) from None
    return wall.replace(tzinfo=zone(zone_name)).astimezone(UTC)


def local_now(zone_name: str | None) -> dict[str, str]:
    """Today's date and the current minute in the zone, to prefill a date-time pair."""
    now = clock.now().astimezone(zone(zone_name))
    return {"date": now.strftime("%Y-%m-%d"), "time": now.strftime("%H:%M")}


def show_local(moment: datetime | None, zone_name: str | ZoneInfo | None) -> str:
    """The facility's wall clock in the visit's language, the zone in words:
    "2026年12月9日（周三）12:00 北京时间" / "Wed 9 Dec 2026, 12:00 Beijing time". The zone's
    identifier is for exports, the API and the forms where a zone is entered."""
    if moment is None:
        return "—"
    tz = zone_name if isinstance(zone_name, ZoneInfo) else zone(zone_name)
    return local_time(moment, tz.key, current_locale.get())


def show_deadline(moment: datetime | None, zone_name: str | ZoneInfo | None) -> str:
    """A deadline that runs to the end of a day: local midnight reads "12月9日 24:00"."""
    if moment is None:
        return "—"
    tz = zone_name if isinstance(zone_name, ZoneInfo) else zone(zone_name)
    return local_time(moment, tz.key, current_locale.get(), end_of_day=True)


def zone_in_words(zone_name: str | ZoneInfo | None) -> str:
    """A facility's zone as people name it ("北京时间"), in the visit's language."""
    tz = zone_name if isinstance(zone_name, ZoneInfo) else zone(zone_name)
    return zone_words(tz.key, current_locale.get())


def attempt(
    found: list[DomainError], read: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T | None:
    """``read(*args, **kwargs)``; or None, its DomainError added to ``found``, so that the form
    goes on being read and shows this error with the others (``app.errors.raise_all``)."""
    try:
        return read(*args, **kwargs)
    except DomainError as exc:
        found.extend(exc.each())
        return None


def form_errors(exc: DomainError, fields: Iterable[str]) -> dict[str, str]:
    """A service's error next to its field when the form has that field, else above the form."""
    key = exc.field if exc.field in set(fields) else None
    return {key or "form": error_message(exc)}


def every_form_error(exc: DomainError, fields: Iterable[str]) -> dict[str, str]:
    """Each error ``exc`` carries (``DomainError.each``) next to its field when the form has
    that field, else above the form: the first error for each."""
    known = set(fields)
    errors: dict[str, str] = {}
    for one in exc.each():
        key = one.field if one.field is not None and one.field in known else "form"
        errors.setdefault(key, error_message(one))
    return errors
