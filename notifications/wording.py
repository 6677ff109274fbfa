"""Times as a notice's reader says them: "2026年12月12日（周六）09:30 北京时间" or
"Sat 12 Dec 2026, 09:30 Beijing time". The zone is named in words; its identifier
(Asia/Shanghai) belongs in exports and the API, not in what a person reads."""

from __future__ import annotations

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
    if language == "en":
        day = f"{_WEEKDAYS_EN[local.weekday()]} {local.day} {_MONTHS_EN[local.month - 1]}"
        return f"{day} {local.year}, {local:%H:%M} {zone_words(zone, language, moment)}"
    weekday = _WEEKDAYS_ZH[local.weekday()]
    day = f"{local.year}年{local.month}月{local.day}日（周{weekday}）"
    return f"{day}{local:%H:%M} {zone_words(zone, 'zh-CN', moment)}"


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
