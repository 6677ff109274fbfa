"""The deadline calculator page: a GET form and the result as a lawyer reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from babel.dates import format_date
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.accounts.policy import Action
from app.law.explanations import format_offset
from app.law.periods import Deadline, PeriodKind
from app.law.policies import POLICY_IDS
from app.presentation.i18n import _, gettext
from app.presentation.law_labels import POLICY_LABELS
from app.presentation.legal_words import explanation_words, policy_value_words
from app.presentation.messages import message
from app.web.auth import permitted
from scheduling.deadline_service import DeadlineInputError, InputProblem, calculate, read_request

FIELDS: Final = ("trigger_date", "trigger_time", "amount", "unit", "kind", "tz")  # page order
COMMON_ZONES: Final = ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "UTC")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME: Final = re.compile(r"\d{2}:\d{2}(:\d{2})?")
_BABEL_LOCALES: Final = {"zh-CN": "zh_CN", "en": "en_GB"}

# The article quoted on the page, in the original (the authoritative text).
CPL_105_ZH: Final = (
    "期间以时、日、月计算。期间开始的时和日不算在期间以内。法定期间不包括路途上的时间。"
    "上诉状或者其他文件在期满前已经交邮的，不算过期。期间的最后一日为节假日的，"
    "以节假日后的第一日为期满日期，但犯罪嫌疑人、被告人或者罪犯在押期间，"
    "应当至期满之日为止，不得因节假日而延长。"
)

# Page messages per problem code (scheduling.deadline_service); the CLI and API show the
# service's own English one-liners instead.
ERRORS: Final = {
    "date_format": _("Enter a date as YYYY-MM-DD, for example 2026-09-29."),
    "time_format": _("Enter a time as HH:MM, for example 10:20."),
    "trigger_format": _("Enter a date as YYYY-MM-DD, for example 2026-09-29."),
    "trigger_impossible": _("This date does not exist."),
    "trigger_too_early": _("Enter a year from 1900 on."),
    "trigger_nonexistent": _("This time does not exist in the chosen time zone (clocks skip it)."),
    "trigger_ambiguous": _(
        "This time happens twice in the chosen time zone (clocks repeat it); choose another time."
    ),
    "period_invalid": _("Enter a whole number (or 0.5 months, which is 15 days)."),
    "period_out_of_range": _("This period is too long."),
    "target_needs_hours": _("A target is counted in hours: choose hours as the unit."),
    "kind_unknown": _("Choose one of the listed kinds."),
}


@dataclass(frozen=True)
class PolicyView:
    id: str
    name: str
    label: str
    value: str


@dataclass(frozen=True)
class ResultView:
    deadline: Deadline
    expires: str
    offset: str
    last_day: str
    shifted_from: str | None
    steps: list[str]
    policies: list[PolicyView]
    provisional_years: str | None


def _long_date(d: date, locale: str) -> str:
    return str(format_date(d, format="full", locale=_BABEL_LOCALES.get(locale, "zh_CN")))


def _result(deadline: Deadline, locale: str) -> ResultView:
    end = deadline.expires_at
    if end.date() > deadline.last_day:  # the exclusive end: read as 24:00 of the last day
        expires = f"{_long_date(deadline.last_day, locale)} 24:00"
    else:
        expires = f"{_long_date(end.date(), locale)} {end:%H:%M}"
    shifted = deadline.shifted_from
    years = [s.params.get("years", "") for s in deadline.explanation if s.code == "provisional"]
    return ResultView(
        deadline=deadline,
        expires=expires,
        offset=format_offset(end),
        last_day=_long_date(deadline.last_day, locale),
        shifted_from=_long_date(shifted, locale) if shifted else None,
        steps=explanation_words(deadline.explanation, locale),
        policies=[
            PolicyView(
                POLICY_IDS[name], name, POLICY_LABELS[name], policy_value_words(name, value, locale)
            )
            for name, value in sorted(deadline.policies.items(), key=lambda i: POLICY_IDS[i[0]])
        ],
        provisional_years=years[0] if years else None,
    )


def _page_field(problem: InputProblem) -> str:
    """The form field a service problem belongs to (the page splits `from` and `period`)."""
    if problem.code in ("trigger_nonexistent", "trigger_ambiguous"):
        return "trigger_time"
    if problem.code == "target_needs_hours":
        return "unit"
    return {"from": "trigger_date", "period": "amount", "kind": "kind", "tz": "tz"}[problem.field]


def _problem_text(problem: InputProblem) -> str:
    if problem.code == "required":
        return message("required")
    if problem.code == "tz_unknown":
        return message("timezone_invalid")
    return gettext(ERRORS[problem.code])


def _form_errors(values: dict[str, str]) -> dict[str, str]:
    errors = {name: message("required") for name in FIELDS if not values[name]}
    if values["trigger_date"] and not _DATE.fullmatch(values["trigger_date"]):
        errors["trigger_date"] = gettext(ERRORS["date_format"])
    if values["trigger_time"] and not _TIME.fullmatch(values["trigger_time"]):
        errors["trigger_time"] = gettext(ERRORS["time_format"])
    return errors


# The page's inputs behind each of the service's fields.
_INPUTS: Final = {
    "from": ("trigger_date", "trigger_time"),
    "period": ("amount", "unit"),
    "kind": ("kind",),
    "tz": ("tz",),
}


def _already_named(problem: InputProblem, errors: dict[str, str]) -> bool:
    """Whether the page has already found an input behind this problem at fault."""
    return any(name in errors for name in _INPUTS.get(problem.field, ()))


async def deadlines_page(request: Request) -> Response:
    permitted(request, Action.USE_DEADLINE_CALCULATOR)
    settings = request.app.state.settings
    params = request.query_params
    submitted = any(name in params for name in FIELDS)
    defaults = {"unit": "d", "kind": PeriodKind.PROCEDURAL.value, "tz": settings.i18n.timezone}
    values = {
        name: params.get(name, "" if submitted else defaults.get(name, "")).strip()
        for name in FIELDS
    }
    context: dict[str, object] = {
        "values": values,
        "errors": {},
        "result": None,
        "zones": COMMON_ZONES,
        "cpl_105_zh": CPL_105_ZH,
    }
    errors = _form_errors(values) if submitted else {}
    if submitted:
        # Every input is read even when some are missing or malformed, so that all the wrong
        # fields show at once; a problem of the trigger or the period the page already named
        # (a missing time, a missing unit) is not reported a second time at another field.
        try:
            wanted = read_request(
                f"{values['trigger_date']} {values['trigger_time']}",
                f"{values['amount']}{values['unit']}",
                values["kind"],
                values["tz"],
            )
        except DeadlineInputError as exc:
            for problem in exc.problems:
                if _already_named(problem, errors):
                    continue
                errors.setdefault(_page_field(problem), _problem_text(problem))
        else:
            if not errors:
                legal = await request.app.state.law.context()
                try:
                    deadline = calculate(wanted, calendar=legal.calendar, policies=legal.policies)
                except DeadlineInputError as exc:
                    for problem in exc.problems:
                        errors.setdefault(_page_field(problem), _problem_text(problem))
                else:
                    context["result"] = _result(deadline, request.state.locale)
    context["errors"] = errors
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "deadlines.html", context, status_code=400 if errors else 200
    )


routes = [Route("/deadlines", deadlines_page, methods=["GET"])]
