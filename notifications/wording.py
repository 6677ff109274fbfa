"""Times as a notice's reader says them: "2026年12月12日（周六）09:30 北京时间" or
"Sat 12 Dec 2026, 09:30 Beijing time". The zone is named in words; its identifier
(Asia/Shanghai) belongs in exports and the API, not in what a person reads."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZONE_WORDS: dict[str, dict[str, str]] = {
    "Asia/Shanghai": {"zh-CN": "北京时间", "en": "Beijing time"},
    "Asia/Urumqi": {"zh-CN": "乌鲁木齐时间", "en": "Urumqi time"},
    "Asia/Hong_Kong": {"zh-CN": "香港时间", "en": "Hong Kong time"},
    "Asia/Macau": {"zh-CN": "澳门时间", "en": "Macau time"},
    "Asia/Chongqing": {"zh-CN": "北京时间", "en": "Beijing time"},
    "Asia/Harbin": {"zh-CN": "北京时间", "en": "Beijing time"},
    "PRC": {"zh-CN": "北京时间", "en": "Beijing time"},
    "Asia/Taipei": {"zh-CN": "台北时间", "en": "Taipei time"},
    "UTC": {"zh-CN": "协调世界时", "en": "UTC"},
    "Etc/UTC": {"zh-CN": "协调世界时", "en": "UTC"},
}
_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def zone_words(zone: str, language: str, moment: datetime | None = None) -> str:
    """The zone as people name it ("北京时间"); a zone without a name here is said by its offset
    from UTC at ``moment`` (or now), never by its identifier."""
    words = ZONE_WORDS.get(zone, {}).get("en" if language == "en" else "zh-CN")
    if words is not None:
        return words
    try:
        offset = (moment or datetime.now(UTC)).astimezone(ZoneInfo(zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        offset = None
    if offset is None:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def local_time(moment: datetime, zone: str, language: str, *, end_of_day: bool = False) -> str:
    """The instant on ``zone``'s clock, with weekday and the zone in words. With ``end_of_day``
    (a deadline that runs to the end of a day) local midnight reads as 24:00 of the day before:
    the same instant, said as the law counts it."""
    local = moment.astimezone(ZoneInfo(zone))
    if end_of_day and (local.hour, local.minute, local.second) == (0, 0, 0):
        last = local.date() - timedelta(days=1)
        words = zone_words(zone, language, moment)
        if language == "en":
            shown = f"{_WEEKDAYS_EN[last.weekday()]} {day_in_words(last, 'en')}"
            return f"{shown}, 24:00 {words}"
        return f"{day_in_words(last, 'zh-CN')}（周{_WEEKDAYS_ZH[last.weekday()]}）24:00 {words}"
    shown = wall_clock_words(local, language, seconds=False)
    return f"{shown} {zone_words(zone, language, moment)}"


def wall_clock_words(local: datetime, language: str, *, seconds: bool = True) -> str:
    """A wall-clock time with its day and weekday, the zone left to the caller:
    "2026年12月7日（周一）10:20" / "Mon 7 Dec 2026, 10:20" (seconds only when set and wanted:
    a page shows when a notice came to the minute; a calculation shows its trigger exactly)."""
    clock = f"{local:%H:%M:%S}" if seconds and local.second else f"{local:%H:%M}"
    if language == "en":
        day = f"{_WEEKDAYS_EN[local.weekday()]} {local.day} {_MONTHS_EN[local.month - 1]}"
        return f"{day} {local.year}, {clock}"
    weekday = _WEEKDAYS_ZH[local.weekday()]
    return f"{local.year}年{local.month}月{local.day}日（周{weekday}）{clock}"


def day_in_words(day: date, language: str) -> str:
    """A calendar day: "2027年1月7日" or "7 Jan 2027"."""
    if language == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def span_in_words(span: timedelta, language: str) -> str:
    """A length of time as people say it: "2天3小时", "29小时18分", "45分" (whole minutes,
    rounded down; the sign is the caller's to word, as "left" or "overdue")."""
    minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days >= 2:  # beyond two days the minutes no longer matter
        parts = [(days, "天", "d"), (hours, "小时", "h")]
    else:
        parts = [(days * 24 + hours, "小时", "h"), (minutes, "分", "min")]
    shown = [(n, zh, en) for n, zh, en in parts if n] or [(0, "分", "min")]
    if language == "en":
        return " ".join(f"{n} {en}" for n, _, en in shown)
    return "".join(f"{n}{zh}" for n, zh, _ in shown)


# A time a notice's payload carries: an ISO instant ("2026-12-08T09:00+08:00"), a wall time on
# the payload's zone ("2026-12-08 09:00", as closures write it) or the form older notices still
# waiting in the outbox carry ("2026-12-08 09:00 (Asia/Shanghai)").
_WITH_ZONE = re.compile(
    r"^(?P<wall>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?)\s*\((?P<zone>[^()]+)\)$"
)


def read_moment(value: datetime | str, zone: str | None) -> tuple[datetime, str] | None:
    """The instant a payload's time names and the zone to say it in (``zone``, else the one the
    value names, else UTC); None for a value that names no time."""
    if isinstance(value, datetime):
        moment, named = value, None
    else:
        text = str(value).strip()
        found = _WITH_ZONE.match(text)
        named = found["zone"] if found else None
        try:
            moment = datetime.fromisoformat(found["wall"] if found else text)
        except ValueError:
            return None
    shown = zone or named or "UTC"
    try:
        wall_zone = ZoneInfo(named or shown)
        ZoneInfo(shown)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=wall_zone)
    return moment, shown


def notice_time(
    value: datetime | str | None, zone: str | None, language: str, *, end_of_day: bool = False
) -> str:
    """A payload's time as its reader says it (`local_time`); a value that is not a time is
    shown as it is, an empty one as nothing."""
    if value is None or value == "":
        return ""
    read = read_moment(value, zone)
    if read is None:
        return str(value)
    moment, shown = read
    return local_time(moment, shown, language, end_of_day=end_of_day)


def notice_span(start: datetime | str, end: datetime | str, zone: str | None, language: str) -> str:
    """From a start to an end: "2026年12月8日（周二）09:00至10:00 北京时间" on one day,
    "Tue 8 Dec 2026, 09:00-10:00 Beijing time"; both in full when the days differ."""
    first, last = read_moment(start, zone), read_moment(end, zone)
    if first is None or last is None:
        return f"{notice_time(start, zone, language)} - {notice_time(end, zone, language)}"
    (begins, shown), (ends, _shown) = first, last
    local_start = begins.astimezone(ZoneInfo(shown))
    local_end = ends.astimezone(ZoneInfo(shown))
    if local_start.date() != local_end.date():
        joiner = " 至 " if language != "en" else " to "
        return joiner.join(local_time(m, shown, language) for m in (begins, ends))
    whole = local_time(begins, shown, language)
    opening = f"{local_start:%H:%M}"
    joined = f"{opening}-{local_end:%H:%M}" if language == "en" else f"{opening}至{local_end:%H:%M}"
    return whole.replace(opening, joined, 1)
