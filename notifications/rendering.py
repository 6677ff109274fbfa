"""Message templates per notice kind and language: subject, plain text, HTML and SMS text.

Files live in `templates/<kind>/<language>/`. HTML is autoescaped; the text parts are not,
because they are never interpreted as markup. A missing payload key is an error, not a blank.

A payload carries times as instants (ISO, with the zone named in the payload) and legal
references as codes; the templates say them in the notice's language with the filters
`local_time` ("2026年12月8日（周二）09:00 北京时间"), `deadline_time` (a deadline that ends a day
reads 24:00), `local_span` (from a start to an end) and `legal_words` (《刑事诉讼法》第三十九条).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    Undefined,
    pass_context,
)
from jinja2.runtime import Context

from app.law.basis import in_words
from notifications.wording import notice_span, notice_time

TEMPLATES_DIR = Path(__file__).with_name("templates")
LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"


class RenderError(ValueError):
    """The message cannot be rendered: no retry will change that."""


class UnknownTemplate(RenderError):
    """No such notice kind, or a part of it is missing."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    sms: str


LANGUAGE_KEY = "notice_language"  # the notice's language, given to every template


def _zone(zone: object) -> str | None:
    # A payload written before it named its zone leaves the name undefined: the time's own
    # "(Asia/Shanghai)" then says where it is.
    return None if isinstance(zone, Undefined) or not zone else str(zone)


@pass_context
def _local_time(context: Context, value: Any, zone: object = None) -> str:
    return notice_time(value, _zone(zone), context[LANGUAGE_KEY])


@pass_context
def _deadline_time(context: Context, value: Any, zone: object = None) -> str:
    return notice_time(value, _zone(zone), context[LANGUAGE_KEY], end_of_day=True)


@pass_context
def _local_span(context: Context, start: Any, end: Any, zone: object = None) -> str:
    return notice_span(start, end, _zone(zone), context[LANGUAGE_KEY])


@pass_context
def _legal_words(context: Context, reference: Any) -> str:
    return in_words(str(reference or ""), context[LANGUAGE_KEY])


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=autoescape,  # noqa: S701 - text parts are never read as HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        local_time=_local_time,
        deadline_time=_deadline_time,
        local_span=_local_span,
        legal_words=_legal_words,
    )
    return env


_TEXT = _environment(autoescape=False)
_HTML = _environment(autoescape=True)


@functools.cache
def _kinds_at(mtime_ns: int) -> tuple[str, ...]:
    return tuple(sorted(p.name for p in TEMPLATES_DIR.iterdir() if p.is_dir()))


def known_kinds() -> list[str]:
    # Listed once per change of the folder (a new kind changes its mtime), not once per
    # message: the worker checks the kind of every row it renders.
    return list(_kinds_at(TEMPLATES_DIR.stat().st_mtime_ns))


def language_for(requested: str | None) -> str:
    return requested if requested in LANGUAGES else DEFAULT_LANGUAGE


def check_kind(kind: str) -> None:
    if kind not in known_kinds():
        raise UnknownTemplate(kind)


def render(kind: str, language: str, payload: Mapping[str, Any]) -> RenderedMessage:
    check_kind(kind)
    language = language_for(language)
    folder = f"{kind}/{language}"
    payload = {**payload, LANGUAGE_KEY: language}
    try:
        return RenderedMessage(
            # A subject is one line whatever the template or payload holds (header injection).
            subject=" ".join(_TEXT.get_template(f"{folder}/subject.txt").render(payload).split()),
            text=_TEXT.get_template(f"{folder}/body.txt").render(payload),
            html=_HTML.get_template(f"{folder}/body.html").render(payload),
            sms=_TEXT.get_template(f"{folder}/sms.txt").render(payload).strip(),
        )
    except TemplateNotFound as exc:
        raise UnknownTemplate(f"{kind}: {exc.name}") from None
    except TemplateError as exc:  # e.g. a payload key the template needs is missing
        raise RenderError(f"{kind}: {exc}") from None
