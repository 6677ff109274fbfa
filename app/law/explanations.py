"""Human-readable explanations of computed deadlines.

The engine records locale-neutral :class:`ExplanationStep` values (a code plus string params, dates
in ISO form); the texts live in ``explanations.toml`` (one table per code with ``zh-CN`` and ``en``
format strings), so wording can be reviewed by lawyers without touching code. For English, ISO
dates inside params are rendered as "30 Sep 2026"; Chinese keeps ISO dates.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Final

from app.law.restdays import holiday_name_zh

LOCALES: Final = ("zh-CN", "en")
_ISO_DATE: Final = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip


@dataclass(frozen=True, slots=True)
class ExplanationStep:
    """One step of a deadline's reasoning; ``code`` names a table in explanations.toml."""

    code: str
    params: dict[str, str] = field(default_factory=dict, hash=False)


def _load() -> dict[str, dict[str, str]]:
    text = (
        resources.files(__package__ or "app.law")
        .joinpath("explanations.toml")
        .read_text(encoding="utf-8")
    )
    out: dict[str, dict[str, str]] = {}
    for code, table in tomllib.loads(text).items():
        if not isinstance(table, dict) or not all(
            isinstance(table.get(loc), str) for loc in LOCALES
        ):
            raise RuntimeError(f"explanations.toml: [{code}] needs zh-CN and en strings")
        out[code] = {loc: table[loc] for loc in LOCALES}
    return out


TEXTS: Final[dict[str, dict[str, str]]] = _load()


def normalise_locale(locale: str) -> str:
    """Map "zh", "zh-CN", "zh_Hans_CN" to zh-CN and "en", "en-GB" to en."""
    lang = locale.replace("_", "-").split("-")[0].lower()
    if lang == "zh":
        return "zh-CN"
    if lang == "en":
        return "en"
    raise ValueError(f"no explanation texts for locale {locale!r} (available: {LOCALES})")


def _english_date(match: re.Match[str]) -> str:
    try:
        d = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return match[0]
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def render_step(step: ExplanationStep, locale: str) -> str:
    loc = normalise_locale(locale)
    try:
        template = TEXTS[step.code][loc]
    except KeyError:
        raise ValueError(f"no explanation text for step {step.code!r}") from None
    params = step.params
    if loc == "en":
        params = {k: _ISO_DATE.sub(_english_date, v) for k, v in params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError) as exc:
        raise ValueError(f"step {step.code!r} lacks parameter {exc}") from None


def render_explanation(steps: Iterable[ExplanationStep], locale: str) -> list[str]:
    """Render every step in ``locale`` ("zh-CN" or "en")."""
    return [render_step(s, locale) for s in steps]


def format_time(t: datetime) -> str:
    """Local wall time as shown in explanations ("2026-09-29 10:20", seconds only if set)."""
    return t.strftime("%Y-%m-%d %H:%M:%S" if t.second or t.microsecond else "%Y-%m-%d %H:%M")


def format_offset(t: datetime) -> str:
    """UTC offset of an aware datetime, e.g. "+08:00" (disambiguates repeated DST hours)."""
    seconds = int((t.utcoffset() or timedelta()).total_seconds())
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    sign = "-" if seconds < 0 else "+"
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def describe_rest_days(days: Sequence[tuple[date, str | None]]) -> dict[str, str]:
    """``skipped_zh`` / ``skipped_en`` params: consecutive days with one name become one range."""
    runs: list[tuple[date, date, str | None]] = []
    for d, name in days:
        if runs and runs[-1][2] == name and runs[-1][1] + timedelta(days=1) == d:
            runs[-1] = (runs[-1][0], d, name)
        else:
            runs.append((d, d, name))

    def span(a: date, b: date, sep: str) -> str:
        return a.isoformat() if a == b else f"{a.isoformat()}{sep}{b.isoformat()}"

    zh = "、".join(
        f"{span(a, b, '至')}（{holiday_name_zh(n) if n else '周末'}）" for a, b, n in runs
    )
    en = "; ".join(f"{span(a, b, ' to ')} ({n or 'weekend'})" for a, b, n in runs)
    return {"skipped_zh": zh, "skipped_en": en}
