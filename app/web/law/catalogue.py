"""The statutory catalogue pages (/law, /law/{duty_id}), for every signed-in user.

Each duty of app/law/catalogue.toml in words: its title, what it requires, who owes it, what
starts it, its period and how that is counted (the policies it depends on, with this
installation's choices, and the counting steps of a deadline starting now), its legal basis in
words, and its code (M1, P1...), where a specialist looks for it. Legal references on other
pages link here (app/web/templating.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app import clock
from app.accounts.policy import Action, NotFound
from app.law.catalogue import Duty
from app.law.context import duty_deadline
from app.law.periods import PeriodKind
from app.orgs.models import Facility
from app.presentation.i18n import gettext
from app.presentation.law_labels import (
    BEFORE_EVENT,
    KIND_COUNTING,
    NO_PERIOD,
    OWNER_LABELS,
    POLICY_FIELDS,
    POLICY_LABELS,
    TRIGGER_LABELS,
    period_words,
)
from app.presentation.legal_words import explanation_words, policy_value_words, reference_words
from app.web.auth import permitted
from app.web.forms import show_deadline, show_local, zone


@dataclass(frozen=True)
class PolicyLine:
    id: str
    label: str
    value: str


@dataclass(frozen=True)
class DutyView:
    id: str
    title: str
    requires: str
    owed_by: str
    starts: str
    period: str
    counting: str
    statutory: bool
    basis: str
    policies: list[PolicyLine]


@dataclass(frozen=True)
class Example:
    """A deadline of the duty starting now, counted as the engine counts it."""

    started: str
    expires: str
    iso: str
    steps: list[str]


def _said(label: str | None, fallback: str) -> str:
    return gettext(label) if label else fallback


def duty_view(duty: Duty, policies: dict[str, object], locale: str) -> DutyView:
    if duty.period_kind is not None:
        counting = gettext(KIND_COUNTING[duty.period_kind.value])
    elif duty.deadline_event:
        counting = _said(BEFORE_EVENT.get(duty.deadline_event), duty.deadline_event)
    else:
        counting = gettext(NO_PERIOD)
    lines = []
    for policy in duty.policies:
        name = POLICY_FIELDS[policy]
        value = policy_value_words(name, policies.get(name), locale)
        lines.append(PolicyLine(policy, gettext(POLICY_LABELS[name]), value))
    return DutyView(
        id=duty.id,
        title=duty.title.in_locale(locale),
        requires=duty.explanation.in_locale(locale),
        owed_by=_said(OWNER_LABELS.get(duty.owed_by), duty.owed_by),
        starts=_said(TRIGGER_LABELS.get(duty.trigger), duty.trigger),
        period=period_words(duty, locale),
        counting=counting,
        statutory=duty.statutory,
        basis=reference_words(duty.basis, locale),
        policies=lines,
    )


async def _reader_zone(request: Request) -> str:
    """The reader's facility's zone, else the installation's (Beijing time by default)."""
    facility_id = getattr(request.state.user, "facility_id", None)
    if facility_id is not None:
        facility = await Facility.get_or_none(id=facility_id)
        if facility is not None:
            return zone(facility.timezone).key
    return zone(request.app.state.settings.i18n.timezone).key


async def law_list(request: Request) -> Response:
    permitted(request, Action.VIEW_HOME)  # any signed-in user
    law = request.app.state.law
    policies = law.policies.as_dict()
    locale = request.state.locale
    duties = [duty_view(d, policies, locale) for d in law.catalogue.duty]
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "law/list.html", {"duties": duties}
    )


async def law_duty(request: Request) -> Response:
    permitted(request, Action.VIEW_HOME)
    law = request.app.state.law
    try:
        duty = law.catalogue.by_id(str(request.path_params["duty_id"]).upper())
    except KeyError:
        raise NotFound("duty") from None
    locale = request.state.locale
    view = duty_view(duty, law.policies.as_dict(), locale)
    example = None
    if duty.period and duty.period_kind != PeriodKind.TARGET:
        tz = await _reader_zone(request)
        now: datetime = clock.now().replace(second=0, microsecond=0)
        deadline = duty_deadline(duty.id, now, tz, await law.context())
        example = Example(
            started=show_local(now, tz),
            expires=show_deadline(deadline.expires_at, tz),
            iso=deadline.expires_at.isoformat(),
            steps=explanation_words(deadline.explanation, locale),
        )
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "law/duty.html", {"duty": view, "example": example}
    )


routes = [
    Route("/law", law_list, methods=["GET"]),
    Route("/law/{duty_id}", law_duty, methods=["GET"]),
]
