"""Imports flow one way (ARCHITECTURE.md): foundation <- notifications <- scheduling <-
rights_checklist <- entry points. A module never imports from a layer above its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = ("app.web", "app.api", "app.cli", "app.main", "app.demo", "app.demo_cases",
                "app.demo_meetings", "app.demo_today", "app.demo_compliance",
                "app.demo_compliance_plan")  # fmt: skip
# Each layer and the packages it must not import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "app": ("notifications", "scheduling", "rights_checklist", *ENTRY_POINTS),
    "notifications": ("scheduling", "rights_checklist", *ENTRY_POINTS),
    "scheduling": ("rights_checklist", *ENTRY_POINTS),
    "rights_checklist": ENTRY_POINTS,
}


def _modules(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    if package == "app":  # the foundation part of app/: not its entry points
        files = [f for f in files if not _is_entry_point(f)]
    return files


def _is_entry_point(path: Path) -> bool:
    # CLI subcommand modules (app/*_commands.py) belong to the command line, an entry point.
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.stem.endswith("commands"):
        return True
    return any(module == e or module.startswith(e + ".") for e in ENTRY_POINTS)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_module_imports_from_a_layer_above(layer: str) -> None:
    breaches = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(layer)
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer])
    ]
    assert breaches == []


def test_the_foundation_excludes_the_entry_points() -> None:
    names = {str(p.relative_to(ROOT)) for p in _modules("app")}
    assert "app/cases/services.py" in names
    assert not any(n.startswith(("app/web/", "app/api/")) for n in names)
    assert "app/main.py" not in names and "app/demo_meetings.py" not in names
