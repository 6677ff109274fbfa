"""GET /api/v1/deadlines: the deadline calculator as JSON (the same object `lawmeet deadline
--json` prints, so scripts and the command line always agree)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from app.accounts.models import User
from app.accounts.policy import Action
from app.api.framework import Endpoint, InvalidInput
from app.law.periods import PeriodKind
from scheduling.deadline_service import DeadlineInputError, calculate, read_request

TRIGGER_FORM = (
    r"^\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:?\d{2})?\s*$"
)


class DeadlineQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # The patterns state the forms in the document; the calculator then says what is wrong
    # with a well-formed value (a year before 1900, 0.5h, an unknown zone) in its own words.
    trigger: str = Field(
        alias="from",
        max_length=64,
        pattern=TRIGGER_FORM,
        description="Trigger: local wall time 'YYYY-MM-DD HH:MM' in `tz`, or ISO 8601 with offset",
    )
    period: str = Field(
        max_length=16,
        pattern=r"^\s*(\d{1,6}|0\.50*)[hdmHDM]\s*$",
        description="48h, 3d, 2m, 15d (0.5m = 15d)",
    )
    kind: PeriodKind = Field(
        PeriodKind.PROCEDURAL,
        description="custody (never moved by rest days), procedural, decision or target",
    )
    tz: str = Field(
        "",
        max_length=64,
        pattern=r"^[A-Za-z0-9_+/-]*$",
        description="IANA time zone; default: the settings' i18n.timezone",
    )


class StepOut(BaseModel):
    code: str
    params: dict[str, str]


class DeadlineOut(BaseModel):
    """A computed deadline (times ISO 8601 with the zone's offset, days YYYY-MM-DD)."""

    trigger: str
    expires_at: str = Field(description="Exclusive end: 24:00 of the last day is next midnight")
    last_day: str
    shifted_from: str | None = Field(description="Last day before a rest day moved it")
    provisional: bool = Field(description="A year without an official rest-day calendar was used")
    provisional_reason: str | None
    basis: str | None
    rule: str
    policies: dict[str, Any] = Field(description="The policies (P1-P6) that applied, by name")
    period: str
    kind: str
    timezone: str
    explanation: dict[str, list[str]] = Field(description="Steps, per locale (zh-CN, en)")
    steps: list[StepOut]


async def get_deadline(request: Request, user: User, query: DeadlineQuery) -> DeadlineOut:
    settings = request.app.state.settings
    try:
        wanted = read_request(
            query.trigger, query.period, query.kind.value, query.tz or settings.i18n.timezone
        )
        legal = await request.app.state.law.context()
        deadline = calculate(
            wanted,
            calendar=legal.calendar,
            policies=legal.policies,
        )
    except DeadlineInputError as exc:
        first, *rest = [(p.field, p.message) for p in exc.problems]
        raise InvalidInput(*first, *rest) from None
    return DeadlineOut.model_validate(deadline.to_json_dict())


DEADLINE_ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/api/v1/deadlines",
        get_deadline,
        "When a legal time limit expires (CPL art. 105), with its explanation",
        "deadlines",
        Action.USE_DEADLINE_CALCULATOR,
        query=DeadlineQuery,
        response=DeadlineOut,
    ),
]
