"""Imports flow one way (docs/architecture.md), with no exemptions:

    foundation (app.settings, app.db, app.accounts, app.cases, app.audit, app.orgs, app.law, ...)
      <- notifications <- scheduling <- rights_checklist          (the domain)
      <- app.presentation (what the entry points share: i18n, labels, problems, exports)
      <- app.demo (demo data, written through the services)
      <- app.web | app.api | app.cli    (siblings: none imports another)
      <- app.main                       (the composition root: web and API in one ASGI app)

Every module of the project belongs to exactly one layer, by its package alone.

Inside the foundation, packages and modules follow one order too (FOUNDATION_ORDER), lowest first:

    app.settings <- app.errors <- app.commands <- app.clock <- app.logs
      <- app.read_replica  (reports' snapshots on the streaming replica, or the primary)
      <- app.db
      <- app.orgs          (reference organisations, region codes)
      <- app.audit         (writing and verifying the audit trail; an actor is any id + username)
      <- app.accounts      (users, licences, sessions, verification, creating organisations)
      <- app.cases         (detainees, cases, engagements, their documents)
      <- app.law           (legal periods, rest days, the statutory catalogue, the legal context)
      <- app.audit_access  (reading the audit trail within a reader's scope)

so no two foundation packages import each other. Imports under `if TYPE_CHECKING:` count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("notifications", "scheduling", "rights_checklist")
ENTRY_POINTS = ("app.web", "app.api", "app.cli")
HIGHER_IN_APP = ("app.presentation", "app.demo", *ENTRY_POINTS, "app.main")
# The foundation, lowest first: a module imports only from its own step and the earlier ones.
FOUNDATION_ORDER = (
    "app.settings",
    "app.errors",
    "app.commands",
    "app.clock",
    "app.logs",
    "app.read_replica",
    "app.db",
    "app.orgs",
    "app.audit",
    "app.accounts",
    "app.cases",
    "app.law",
    "app.audit_access",
)
# Each layer and what it may import of the project (the foundation is "app" minus the rest).
ALLOWED: dict[str, tuple[str, ...]] = {
    "foundation": ("foundation",),
    "notifications": ("foundation", "notifications"),
    "scheduling": ("foundation", "notifications", "scheduling"),
    "rights_checklist": ("foundation", *DOMAIN),
    "app.presentation": ("foundation", *DOMAIN, "app.presentation"),
    "app.demo": ("foundation", *DOMAIN, "app.presentation", "app.demo"),
    "app.web": ("foundation", *DOMAIN, "app.presentation", "app.web"),
    "app.api": ("foundation", *DOMAIN, "app.presentation", "app.api"),
    "app.cli": ("foundation", *DOMAIN, "app.presentation", "app.demo", "app.cli"),
    "app.main": ("foundation", *DOMAIN, "app.presentation", "app.web", "app.api", "app.main"),
}


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name of this project; None for a third-party module."""
    for higher in HIGHER_IN_APP:
        if module == higher or module.startswith(higher + "."):
            return higher
    if module == "app" or module.startswith("app."):
        return "foundation"
    top = module.split(".")[0]
    return top if top in DOMAIN else None


def foundation_step(module: str) -> int | None:
    """The position in FOUNDATION_ORDER of a dotted module name; None outside the foundation
    and for the package `app` itself (named by `from app import clock`; its __init__ is empty)."""
    for step, prefix in enumerate(FOUNDATION_ORDER):
        if module == prefix or module.startswith(prefix + "."):
            return step
    return None


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in ("app", *DOMAIN):
        for path in sorted((ROOT / package).rglob("*.py")):
            found.append((".".join(path.relative_to(ROOT).with_suffix("").parts), path))
    return found


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # "from app import clock" imports the module app.clock, not only the package.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _breaches(layer: str) -> list[str]:
    breaches = []
    for module, path in _modules():
        if layer_of(module) != layer:
            continue
        for name in _imports(path):
            target = layer_of(name)
            if target is not None and target not in ALLOWED[layer]:
                breaches.append(f"{path.relative_to(ROOT)} imports {name} ({target})")
    return sorted(breaches)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    assert _breaches(layer) == []


def test_web_api_and_command_line_import_none_of_each_other() -> None:
    for entry_point in ENTRY_POINTS:
        siblings = set(ENTRY_POINTS) - {entry_point}
        assert not siblings & set(ALLOWED[entry_point])


def test_no_domain_package_imports_an_entry_point_or_the_presentation() -> None:
    for package in DOMAIN:
        assert set(ALLOWED[package]) <= {"foundation", *DOMAIN}


def test_every_module_belongs_to_a_layer_by_its_package() -> None:
    layers = {module: layer_of(module) for module, _path in _modules()}
    assert layers["app.cases.services"] == "foundation"
    assert layers["app.presentation.i18n"] == "app.presentation"
    assert layers["app.web.meetings.meetings"] == "app.web"
    assert layers["app.main"] == "app.main"
    assert None not in layers.values()


def test_a_foundation_module_imports_nothing_later_in_the_foundation_order() -> None:
    breaches = []
    for module, path in _modules():
        step = foundation_step(module)
        if step is None:
            continue
        for name in _imports(path):
            target = foundation_step(name)
            if target is not None and target > step:
                breaches.append(
                    f"{path.relative_to(ROOT)} imports {name}"
                    f" ({FOUNDATION_ORDER[target]} comes after {FOUNDATION_ORDER[step]})"
                )
    assert sorted(breaches) == []


def test_every_foundation_module_has_a_place_in_the_foundation_order() -> None:
    foundation = [module for module, _path in _modules() if layer_of(module) == "foundation"]
    assert [m for m in foundation if m != "app.__init__" and foundation_step(m) is None] == []
    assert _imports(ROOT / "app" / "__init__.py") == set()  # so it may stay out of the order
    # And every step names modules that exist, so the order cannot go stale.
    assert {foundation_step(m) for m in foundation} - {None} == set(range(len(FOUNDATION_ORDER)))


# What may sit at the top of the web and API packages: the machinery every area shares. Pages and
# API routes live in an area package (docs/architecture.md, "The entry points, area by area").
SHARED_AT_THE_TOP = {
    "app/web": {"__init__.py", "auth.py", "csrf.py", "errors.py", "forms.py", "middleware.py",
                "templating.py"},
    "app/api": {"__init__.py", "fields.py", "framework.py"},
}  # fmt: skip


@pytest.mark.parametrize("entry_point", sorted(SHARED_AT_THE_TOP))
def test_pages_and_api_routes_are_grouped_by_area(entry_point: str) -> None:
    top = {path.name for path in (ROOT / entry_point).glob("*.py")}
    assert top <= SHARED_AT_THE_TOP[entry_point], "a module outside an area package"
    areas = [path for path in (ROOT / entry_point).iterdir() if (path / "__init__.py").exists()]
    assert len(areas) >= 5
    assert all({p.name for p in area.glob("*.py")} - {"__init__.py"} for area in areas)
