"""Pages that fit a 390 px phone (issue 17), checked in the templates' source.

Below 40rem app.css stacks a table's rows; a stacked cell names its column from ``data-label``,
so every data cell of those tables carries one. A table whose columns must stay side by side
(figures to compare) sits in a ``.table-scroll`` box instead, which scrolls sideways inside
itself (never the page) and can be reached from the keyboard. The header folds its navigation
behind a real button on phones. Screenshots are the real check; this keeps the markup honest.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[3] / "app" / "web" / "templates"
# Every template with a table, so that a new table without column names fails here.
WITH_TABLES = sorted(
    path.relative_to(TEMPLATES).as_posix()
    for path in TEMPLATES.rglob("*.html")
    if "<table" in path.read_text(encoding="utf-8")
)
SCROLLED = ["compliance/dashboard.html"]

TABLE = re.compile(r"<table\b.*?</table>", re.S)
TBODY = re.compile(r"<tbody\b.*?</tbody>", re.S)
CELL = re.compile(r"<td\b[^>]*>")


def tables(name: str) -> list[tuple[int, str]]:
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    return [(match.start(), match.group()) for match in TABLE.finditer(source)]


def scrolled(source: str, start: int) -> bool:
    """The table starting at ``start`` sits in a .table-scroll box (its columns stay put)."""
    return 'class="table-scroll"' in source[:start].rstrip().rsplit("\n", 1)[-1]


def test_the_tables_are_found() -> None:
    assert len(WITH_TABLES) > 20 and "audit.html" in WITH_TABLES
    assert set(SCROLLED) <= set(WITH_TABLES)


@pytest.mark.parametrize("name", WITH_TABLES)
def test_every_data_cell_of_a_stacked_table_names_its_column(name: str) -> None:
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    found = tables(name)
    assert found, f"{name} has no table"
    for start, table in found:
        if scrolled(source, start):
            continue
        cells = [cell for body in TBODY.findall(table) for cell in CELL.findall(body)]
        unnamed = [c for c in cells if "data-label=" not in c and "colspan=" not in c]
        assert cells and not unnamed, f"{name}: cells without data-label: {unnamed}"


@pytest.mark.parametrize("name", SCROLLED)
def test_every_wide_table_scrolls_in_its_own_focusable_box(name: str) -> None:
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    found = tables(name)
    assert found, f"{name} has no table"
    for start, _ in found:
        opening = source[:start].rstrip().rsplit("\n", 1)[-1]
        assert 'class="table-scroll"' in opening, f"{name}: a table outside .table-scroll"
        assert 'tabindex="0"' in opening and "aria-labelledby=" in opening


def test_the_header_folds_its_navigation_behind_a_button_on_phones() -> None:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    menu = re.search(r'<details class="site-menu">(.*?)</details>', base, re.S)
    assert menu, "the navigation is not in the menu"
    assert '<summary class="menu-button">{{ _("Menu") }}' in menu.group(1)
    assert 'class="main-nav"' in menu.group(1) and 'class="whoami"' in menu.group(1)
    # The language switch stays outside the menu: one tap on a phone.
    assert 'class="language-switch"' not in menu.group(1)
    css = (TEMPLATES.parent / "static" / "app.css").read_text(encoding="utf-8")
    assert ".site-menu::details-content { display: contents; content-visibility: visible; }" in css
