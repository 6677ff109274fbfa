"""Message templates per notice kind and language: subject, plain text, HTML and SMS text.

Files live in `templates/<kind>/<language>/`. HTML is autoescaped; the text parts are not,
because they are never interpreted as markup. A missing payload key is an error, not a blank.
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
)

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


def _environment(autoescape: bool) -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=autoescape,  # noqa: S701 - text parts are never read as HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


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
    folder = f"{kind}/{language_for(language)}"
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
