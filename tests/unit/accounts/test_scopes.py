"""The scope table, read as the specification of who sees which rows (app/accounts/scopes.py).

Every model whose rows are scoped per user has one entry, declared by the package that owns the
model, with a rule for every role; entry points only ask ``visible`` / ``visible_row``. What each
rule lets through is proved against a database in tests/integration/test_scope_table.py.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from tortoise.expressions import Q

from app.accounts import scopes
from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.models import Case, Detainee, Engagement, EngagementDocument
from notifications.models import Escalation
from rights_checklist.models import Complaint, Submission
from scheduling.models import Meeting, MeetingRequest, SlotOffer

ROOT = Path(__file__).resolve().parents[3]

# Every scoped model, with the roles that see none of its rows at all.
SEES_NONE = {
    Case: {Role.DETENTION_STAFF, Role.ADMIN},  # staff never read case files, admins no content
    Detainee: {Role.ADMIN},
    Engagement: {Role.ADMIN},
    EngagementDocument: {Role.BAR_AUDITOR, Role.ADMIN},  # auditors read metadata only
    MeetingRequest: {Role.ADMIN},
    Meeting: {Role.ADMIN},
    SlotOffer: {Role.INVESTIGATOR, Role.ADMIN},  # rooms and holds are the centre's business
    Submission: {Role.DETENTION_STAFF, Role.ADMIN},
    Complaint: {Role.DETENTION_STAFF, Role.INVESTIGATOR, Role.ADMIN},  # police: only via replies
    Escalation: {Role.LAWYER},  # the responsible units, auditors and admins
}


def person(
    role: Role,
    *,
    facility_id: int | None = None,
    agency_id: int | None = None,
    region_code: str = "",
) -> User:
    """A signed-in user as the rules read one (no database needed)."""
    fields = {"facility_id": facility_id, "agency_id": agency_id, "region_code": region_code}
    return SimpleNamespace(id=7, role=role, is_active=True, **fields)  # type: ignore[return-value]


def test_the_table_covers_every_scoped_model() -> None:
    assert set(scopes.table()) == set(SEES_NONE)


@pytest.mark.parametrize("model", list(SEES_NONE), ids=lambda m: m.__name__)
def test_every_role_has_a_declared_rule(model: type) -> None:
    assert set(scopes.table()[model].rules) == set(Role)


@pytest.mark.parametrize("model", list(SEES_NONE), ids=lambda m: m.__name__)
def test_the_roles_that_see_nothing_are_said_out_loud(model: type) -> None:
    rules = scopes.table()[model].rules
    assert {role for role, rule in rules.items() if rule is scopes.NOTHING} == SEES_NONE[model]


def test_only_admins_see_every_row_of_anything() -> None:
    everything = {
        (model.__name__, role)
        for model, scope in scopes.table().items()
        for role, rule in scope.rules.items()
        if rule is scopes.EVERYTHING
    }
    assert everything == {("Escalation", Role.ADMIN)}


def test_loading_the_models_as_the_orm_does_fills_the_whole_table() -> None:
    """A process that only loads the model modules (the CLI, a worker) has every rule."""
    program = (
        "import importlib\n"
        "from app import db\n"
        "for name in db.MODEL_MODULES: importlib.import_module(name)\n"
        "from app.accounts import scopes\n"
        "print(' '.join(sorted(model.__name__ for model in scopes.table())))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    assert shown == sorted(model.__name__ for model in SEES_NONE)


def test_a_model_is_declared_once_with_every_role() -> None:
    with pytest.raises(ValueError, match="twice"):
        scopes.declare(Case, "case", {role: scopes.NOTHING for role in Role})
    with pytest.raises(ValueError, match="admin"):
        scopes.declare(
            type("Unscoped", (), {}),  # type: ignore[arg-type]
            "unscoped",
            {role: scopes.NOTHING for role in Role if role != Role.ADMIN},
        )


def test_rules_follow_the_users_own_binding() -> None:
    requests = scopes.table()[MeetingRequest].rules
    lawyer, staff = person(Role.LAWYER), person(Role.DETENTION_STAFF, facility_id=3)
    assert requests[Role.LAWYER].where(lawyer) == Q(lawyer_id=7)
    assert requests[Role.DETENTION_STAFF].where(staff) == Q(facility_id=3)
    investigator = person(Role.INVESTIGATOR, agency_id=5)
    assert requests[Role.INVESTIGATOR].where(investigator) == Q(engagement__case__agency_id=5)
    auditor = person(Role.BAR_AUDITOR, region_code="110000")
    assert requests[Role.BAR_AUDITOR].where(auditor) == Q(
        Q(facility__region_code__startswith="11"), join_type=Q.OR
    )


def test_an_account_bound_to_nothing_sees_nothing() -> None:
    for model, scope in scopes.table().items():
        unbound = {
            Role.DETENTION_STAFF: person(Role.DETENTION_STAFF),
            Role.INVESTIGATOR: person(Role.INVESTIGATOR),
            Role.BAR_AUDITOR: person(Role.BAR_AUDITOR),
        }
        for role, user in unbound.items():
            assert scope.rules[role].where(user) is None, (model.__name__, role)


def test_rules_are_declared_only_in_a_domain_packages_access_module() -> None:
    """Entry points never choose a scope: no page, route or command declares one."""
    declaring = set()
    for package in ("app", "scheduling", "rights_checklist", "notifications"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "declare"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "scopes"
                ):
                    declaring.add(str(path.relative_to(ROOT)))
    assert declaring == {
        "app/cases/access.py",
        "scheduling/access.py",
        "rights_checklist/access.py",
        "notifications/access.py",
    }
