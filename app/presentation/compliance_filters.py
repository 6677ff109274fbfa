"""The query parameters of every compliance view, read once: dashboard, drill-down, CSV exports,
printable report and API (issue 8).

    filters = await parse_filters(request.query_params, user, local_today(settings))
    report = await compliance_report(filters.scope, refresh_by=request.app.state.law)
    rows, total = await breach_list(filters.scope, filters.figure, ..., refresh_by=...)
    f"/compliance/export/breaches.csv?{filters.query()}"   # the same selection elsewhere

Parameters (all optional): ``from`` and ``to`` (YYYY-MM-DD, both inclusive; default the last
90 days ending today on the configured clock, ``settings.i18n.timezone``), ``facility`` and
``agency`` (ids), ``figure`` (a ``Figure`` value) and ``page`` (1, 2, ...).

- Malformed input raises ``FilterError`` (a ``DomainError``, status 400): ``code`` names a
  message of ``compliance_labels.COMPLIANCE_MESSAGES`` (``messages.message(code)``),
  ``field`` the parameter, ``values`` what was typed (to keep the form).
- A facility or agency that does not exist or lies outside the user's jurisdiction raises
  ``app.accounts.policy.NotFound`` (404): ``rights_checklist.compliance.scope_for`` and
  ``check_scope`` decide.
- Auditors are scoped to their jurisdiction, admins see everywhere; the role check itself
  (``Action.VIEW_COMPLIANCE``) is the caller's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from app import clock
from app.accounts.models import User
from app.errors import DomainError
from app.orgs.models import Agency, Facility
from app.settings import Settings
from rights_checklist.compliance import check_scope, scope_for
from rights_checklist.compliance_types import Figure, ReportScope

DEFAULT_DAYS: Final = 90
MAX_DAYS: Final = 3 * 365 + 1  # "at most three years", one leap day included
FIELDS: Final = ("from", "to", "facility", "agency", "figure", "page")
_DATE: Final = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")


class FilterError(DomainError):
    """Bad query parameters: shown above the kept form with status 400."""

    def __init__(self, code: str, field: str, values: dict[str, str]) -> None:
        super().__init__(code, field)
        self.values = values


@dataclass(frozen=True, slots=True)
class Filters:
    scope: ReportScope
    figure: Figure | None = None
    page: int = 1
    values: dict[str, str] = field(default_factory=dict)  # as typed, for the form

    def query(self, **changes: str | int | None) -> str:
        """The selection as a query string (from, to, facility, agency, figure; page only when
        given in ``changes``); a change of None drops that parameter."""
        params: dict[str, str | int | None] = {
            "from": self.scope.period_from.isoformat(),
            "to": self.scope.period_to.isoformat(),
            "facility": self.scope.facility_id,
            "agency": self.scope.agency_id,
            "figure": self.figure.value if self.figure else None,
        }
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v is not None and v != ""})


@dataclass(frozen=True, slots=True)
class QuickPeriod:
    key: str  # app.presentation.compliance_labels.QUICK_PERIODS
    period_from: date
    period_to: date


@dataclass(frozen=True, slots=True)
class Choices:
    """The facilities and agencies a user may filter by: (id, name), by name."""

    facilities: list[tuple[int, str]]
    agencies: list[tuple[int, str]]


def local_today(settings: Settings) -> date:
    return clock.now().astimezone(ZoneInfo(settings.i18n.timezone)).date()


def user_jurisdiction(user: User) -> str | None:
    """A region-code prefix for auditors; None (everywhere) for admins."""
    today = clock.now().date()
    return scope_for(user, today, today).jurisdiction


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quick_periods(today: date) -> list[QuickPeriod]:
    this_quarter = _quarter_start(today)
    last_quarter = _quarter_start(this_quarter - timedelta(days=1))
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return [
        QuickPeriod("last_90_days", today - timedelta(days=DEFAULT_DAYS - 1), today),
        QuickPeriod("this_quarter", this_quarter, today),
        QuickPeriod("last_quarter", last_quarter, this_quarter - timedelta(days=1)),
        QuickPeriod("last_12_months", year_ago + timedelta(days=1), today),
    ]


def _read_date(values: dict[str, str], name: str) -> date | None:
    text = values[name]
    if not text:
        return None
    try:
        if _DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise FilterError("compliance_date_invalid", name, values)


def _period(values: dict[str, str], today: date) -> tuple[date, date]:
    start, end = _read_date(values, "from"), _read_date(values, "to")
    if start is None and end is None:
        end = today
    if start is None:
        assert end is not None
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if end is None:
        end = max(today, start)
    if end < start:
        raise FilterError("compliance_period_reversed", "to", values)
    if (end - start).days + 1 > MAX_DAYS:
        raise FilterError("compliance_period_too_long", "from", values)
    return start, end


def _read_id(values: dict[str, str], name: str) -> int | None:
    text = values[name]
    if not text:
        return None
    if not text.isdigit() or not text.isascii() or len(text) > 12:
        raise FilterError(f"compliance_{name}_invalid", name, values)
    return int(text)


def _read_figure(values: dict[str, str]) -> Figure | None:
    if not values["figure"]:
        return None
    try:
        return Figure(values["figure"])
    except ValueError:
        raise FilterError("compliance_figure_unknown", "figure", values) from None


def _read_page(values: dict[str, str]) -> int:
    text = values["page"] or "1"
    if not text.isascii() or not text.isdigit() or len(text) > 6 or int(text) < 1:
        raise FilterError("compliance_page_invalid", "page", values)
    return int(text)


async def parse_filters(query: Mapping[str, str], user: User, today: date) -> Filters:
    """The validated selection of a compliance view (see the module docstring)."""
    values = {name: str(query.get(name, "")).strip()[:40] for name in FIELDS}
    period_from, period_to = _period(values, today)
    facility_id, agency_id = _read_id(values, "facility"), _read_id(values, "agency")
    figure, page = _read_figure(values), _read_page(values)
    scope = scope_for(user, period_from, period_to, facility_id, agency_id)
    await check_scope(scope)
    return Filters(scope, figure, page, values)


async def choices(user: User) -> Choices:
    """The facilities and agencies of the user's jurisdiction (everything for admins)."""
    prefix = user_jurisdiction(user)
    facilities = Facility.all().order_by("name")
    agencies = Agency.all().order_by("name")
    if prefix is not None:
        facilities = facilities.filter(region_code__startswith=prefix)
        agencies = agencies.filter(region_code__startswith=prefix)
    return Choices(
        [(f.id, f.name) for f in await facilities],
        [(a.id, a.name) for a in await agencies],
    )
