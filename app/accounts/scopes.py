"""The object rules of the permission policy: which rows of each model a user may see.

One table, declared once: for every scoped model, a rule per role. The domain package that owns
a model fills in its entry (``declare``) when its ``access`` module is imported, and every
models module imports its package's ``access`` module, so the table is complete wherever the
models are loaded. Pages, API routes, commands and services never choose a scope; they ask

- ``visible(Model, user)``: the rows the user may see, a query to narrow further;
- ``await visible_row(Model, user, id)``: one row, or ``NotFound`` (404) whether the row does
  not exist or is not the user's to see, so that its existence is never revealed.

A disabled account sees nothing, whatever its role. Role rules (which features a role may use
at all, 403) stay in ``app.accounts.policy``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from app.accounts.models import User
from app.accounts.policy import NotFound
from app.accounts.roles import Role
from app.orgs.regions import jurisdiction_prefix

M = TypeVar("M", bound=Model)
MAX_ROW_ID: Final = 2**31 - 1  # the largest value of an INTEGER key (PostgreSQL int4)


@dataclass(frozen=True)
class Rule:
    """The rows one role may see: a filter built from the user, ``None`` for no rows, an empty
    ``Q()`` for every row. ``distinct`` when the filter follows a link to many rows (a case's
    engagements), so that one row is not listed twice."""

    where: Callable[[User], Q | None]
    distinct: bool = False


NOTHING = Rule(lambda _user: None)
EVERYTHING = Rule(lambda _user: Q())


def _filter(path: str, value: Any) -> Q:
    filters: dict[str, Any] = {path: value}
    return Q(**filters)


def own(path: str, *, distinct: bool = False) -> Rule:
    """Rows whose ``path`` is the user (a lawyer's own requests, meetings, engagements)."""
    return Rule(lambda user: _filter(path, user.id), distinct)


def of_facility(path: str, *, distinct: bool = False) -> Rule:
    """Rows of the user's detention facility; none for staff not bound to one."""
    return Rule(
        lambda user: _filter(path, user.facility_id) if user.facility_id else None, distinct
    )


def of_agency(path: str, *, distinct: bool = False) -> Rule:
    """Rows of the user's investigating agency; none for an investigator not bound to one."""
    return Rule(lambda user: _filter(path, user.agency_id) if user.agency_id else None, distinct)


def in_jurisdiction(*paths: str, distinct: bool = False) -> Rule:
    """Rows whose region code (any of ``paths``) lies in the user's jurisdiction: a bar
    auditor's region prefix. None for an auditor without a region."""

    def where(user: User) -> Q | None:
        if not user.region_code:
            return None
        prefix = jurisdiction_prefix(user.region_code)
        return Q(*(_filter(f"{path}__startswith", prefix) for path in paths), join_type=Q.OR)

    return Rule(where, distinct)


@dataclass(frozen=True)
class Scope:
    model: type[Model]
    name: str  # what NotFound names: "case", "meeting_request", ...
    rules: Mapping[Role, Rule]


_TABLE: dict[type[Model], Scope] = {}


def declare(model: type[Model], name: str, rules: Mapping[Role, Rule]) -> None:
    """Enter the rules of ``model``: one for every role (``NOTHING`` said out loud), once."""
    missing = sorted(set(Role) - set(rules))
    if missing:
        raise ValueError(f"{model.__name__}: no scope rule for {', '.join(missing)}")
    if model in _TABLE:
        raise ValueError(f"{model.__name__}: scope rules declared twice")
    _TABLE[model] = Scope(model, name, MappingProxyType(dict(rules)))


def table() -> Mapping[type[Model], Scope]:
    """Every declared scope, for the tests that read the table as a specification."""
    return MappingProxyType(_TABLE)


def _scope(model: type[Model]) -> Scope:
    try:
        return _TABLE[model]
    except KeyError:
        raise LookupError(f"no scope rules declared for {model.__name__}") from None


def _where(scope: Scope, user: User) -> tuple[Q | None, Rule]:
    rule = scope.rules[Role(user.role)]
    if not user.is_active:
        return None, rule
    return rule.where(user), rule


def visible(model: type[M], user: User) -> QuerySet[M]:
    """The rows of ``model`` that ``user`` may see."""
    where, rule = _where(_scope(model), user)
    if where is None:
        return model.filter(pk__in=[])
    if not where:  # Q(): every row
        return model.all()
    rows = model.filter(where)
    return rows.distinct() if rule.distinct else rows


async def visible_row(model: type[M], user: User, row_id: int) -> M:
    """The row ``row_id`` of ``model`` if ``user`` may see it; otherwise ``NotFound``, the same
    for a row that does not exist and one outside the user's scope."""
    scope = _scope(model)
    if not 1 <= row_id <= MAX_ROW_ID:  # no such row; PostgreSQL would refuse the number itself
        raise NotFound(scope.name)
    row = await visible(model, user).get_or_none(pk=row_id)
    if row is None:
        raise NotFound(scope.name)
    return row


def scope_column(model: type[Model], user: User) -> tuple[str, Any] | None:
    """The user's scope of ``model`` as one column of its own table and the value it must hold,
    when the rule is that simple (a lawyer's ``lawyer_id``, staff's ``facility_id``), for a
    statement written by hand; None otherwise (then use ``visible``)."""
    where, _rule = _where(_scope(model), user)
    if where is None or where.children or where._is_negated or len(where.filters) != 1:
        return None
    ((field, value),) = where.filters.items()
    column = model._meta.fields_db_projection.get(field)
    if column is None or "__" in field:
        return None
    return column, value
