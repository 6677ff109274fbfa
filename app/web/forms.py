"""Form helpers shared by the pages: text values, ids, and local date-times in a facility's zone.

People enter and read times on the wall clock of the detention centre concerned, so a date and a
time typed into two inputs are read in that facility's IANA zone and stored in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.datastructures import FormData

from app import clock
from app.errors import DomainError
from app.presentation.messages import message

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


def show_local(moment: datetime | None, zone_name: str | None) -> str:
    """'2026-11-26 09:30 Asia/Shanghai': the facility's wall clock, with the zone named."""
    if moment is None:
        return "—"
    tz = zone(zone_name)
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M} {tz.key}"


def form_errors(exc: DomainError, fields: Iterable[str]) -> dict[str, str]:
    """A service's error next to its field when the form has that field, else above the form."""
    key = exc.field if exc.field in set(fields) else None
    return {key or "form": message(exc.code)}
