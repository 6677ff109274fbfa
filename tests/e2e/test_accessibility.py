"""Every page of every role passes axe-core's WCAG 2.1 A/AA rules, with zero violations.

axe-core 4.12 (MPL-2.0) comes bundled in the PyPI package ``axe-playwright-python`` (a dev
dependency); its ``axe.min.js`` is added to each page as an init script and run there, under the
pages' own Content-Security-Policy. For each demo role the test signs in (pages in Chinese, the
default) and walks, breadth-first, the same-origin links of the home page and the header
navigation up to three clicks deep (an engagement's checklist is three), one page per path
pattern (numbers and catalogue codes read as ``{id}``), at desktop width; then the home page and
the header navigation's first pages at phone width (390x844); then the home page and the header
navigation in English. Signed out: sign-in, registration (both also answered with errors) and
the not-found page, in both languages.

Not checked: the inside of the sandboxed e-mail previews (/admin/notifications/templates),
where no script runs; a page in states the demo data does not reach.
"""

from __future__ import annotations

import importlib.resources
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.e2e.test_roles import sign_in

pytestmark = pytest.mark.e2e

AXE_JS = importlib.resources.files("axe_playwright_python") / "axe.min.js"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ROLES = ["zhang.lawyer", "haidian.desk", "zhao.investigator", "qian.supervisor", "chen.auditor",
         "admin"]  # fmt: skip
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
MAX_DEPTH = 3
MAX_PAGES = 40
PHONE_NAV_PAGES = 3  # besides the home page, the first header-navigation pages at phone width

# Not pages: signing out, file downloads, uploaded documents, the API, static files.
SKIP_PATH = re.compile(
    r"^/(logout|static/|api/|documents/)|/documents/|\.(ics|csv|pdf|txt|json|zip|xlsx?)$"
)
# A path segment that names one thing: a number, or a catalogue duty's code (/law/M1).
IDENTIFIER = re.compile(r"(?<=/)(\d+|[A-Z]+\d+)(?=/|$)")


@dataclass(frozen=True)
class Violation:
    page: str
    view: str
    rule: str
    impact: str
    help: str
    target: str
    nodes: int

    def __str__(self) -> str:
        return (f"{self.page} [{self.view}] {self.rule} ({self.impact}): {self.help} — "
                f"first of {self.nodes} node(s): {self.target}")  # fmt: skip


def pattern(path: str) -> str:
    """The page's kind: /cases/12/meetings/3 and /cases/7/meetings/9 are one page to check."""
    return IDENTIFIER.sub("{id}", path.rstrip("/") or "/")


def axe_violations(page: Page, view: str) -> list[Violation]:
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    where = urlsplit(page.url)
    shown = where.path + (f"?{where.query}" if where.query else "")
    return [
        Violation(
            page=shown,
            view=view,
            rule=item["id"],
            impact=str(item.get("impact")),
            help=item["help"],
            target=" ".join(map(str, item["nodes"][0]["target"])) if item["nodes"] else "",
            nodes=len(item["nodes"]),
        )
        for item in result["violations"]
    ]


def same_origin_links(page: Page, base: str) -> list[str]:
    """The GET links of the page that lead to another page of the app, in document order."""
    hrefs: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('a[href]')]
               .filter(a => !a.hasAttribute('download'))
               .map(a => a.href)"""
    )
    origin = urlsplit(base)
    links = []
    for href in hrefs:
        url = urlsplit(href)
        if (url.scheme, url.netloc) != (origin.scheme, origin.netloc):
            continue
        if SKIP_PATH.search(url.path):
            continue
        links.append(url.path + (f"?{url.query}" if url.query else ""))
    return links


def visit(page: Page, path: str) -> bool:
    """Opens a page; False when the link answers with something other than an HTML page."""
    try:
        response = page.goto(path)
    except Exception as exc:  # a download ("Download is starting") is not a page
        if "Download is starting" in str(exc):
            return False
        raise
    if response is None:
        return False
    assert response.status < 500, f"{path} answered {response.status}"
    return "text/html" in response.headers.get("content-type", "")


def crawl(page: Page, base: str) -> tuple[list[str], list[Violation]]:
    """Breadth-first from the home page: the pages checked (in order) and their violations."""
    queue: deque[tuple[str, int]] = deque([("/", 0)])
    seen = {pattern("/")}
    checked: list[str] = []
    found: list[Violation] = []
    while queue and len(checked) < MAX_PAGES:
        path, depth = queue.popleft()
        if not visit(page, path):
            continue
        checked.append(path)
        found += axe_violations(page, "desktop")
        if depth >= MAX_DEPTH:
            continue
        for link in same_origin_links(page, base):
            kind = pattern(urlsplit(link).path)
            if kind not in seen:
                seen.add(kind)
                queue.append((link, depth + 1))
    return checked, found


def header_navigation(page: Page, base: str) -> list[str]:
    page.goto("/")
    links: list[str] = page.locator("nav.main-nav a[href]").evaluate_all(
        "links => links.map(a => a.href)"
    )
    return [urlsplit(link).path for link in links if link.startswith(base)]


def at_width(page: Page, paths: list[str], view: str) -> list[Violation]:
    found: list[Violation] = []
    for path in paths:
        if visit(page, path):
            found += axe_violations(page, view)
    return found


def report(who: str, checked: list[str], violations: list[Violation]) -> str:
    lines = [f"{len(violations)} axe violation(s) for {who} over {len(checked)} page(s):"]
    lines += [f"  {violation}" for violation in violations]
    return "\n".join(lines)


@pytest.fixture
def new_context(browser: Browser, live_server: str) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=DESKTOP)
        context.set_default_timeout(15_000)
        # Not page.add_script_tag: the pages' CSP (script-src 'self') refuses an inline script,
        # and bypass_csp would also let through inline styles a user's browser refuses, so the
        # pages checked would not be the pages seen. An init script is not subject to the CSP.
        context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_the_role_passes_axe(new_context: Any, live_server: str,
                                           username: str) -> None:  # fmt: skip
    page = new_context().new_page()
    sign_in(page, username)
    expect(page.locator(".whoami")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    checked, violations = crawl(page, live_server)
    navigation = header_navigation(page, live_server)
    assert navigation, f"{username} has no header navigation"
    assert len(checked) > len(navigation), f"{username}: the crawl found only {checked}"

    page.set_viewport_size(PHONE)
    violations += at_width(page, ["/", *navigation[:PHONE_NAV_PAGES]], "390x844")

    page.set_viewport_size(DESKTOP)
    page.goto("/")
    page.locator(".language-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    violations += at_width(page, ["/", *navigation], "en")
    page.set_viewport_size(PHONE)
    violations += at_width(page, ["/"], "en 390x844")

    assert not violations, report(username, checked, violations)


def test_signed_out_pages_pass_axe(new_context: Any) -> None:
    """Sign-in, registration and the not-found page; sign-in and registration answered with
    errors too (the alert, the error summary and the fields marked invalid)."""
    page = new_context().new_page()
    violations: list[Violation] = []
    pages = ["/login", "/register", "/no-such-page"]
    for language in ("zh-CN", "en"):
        page.set_viewport_size(DESKTOP)
        page.goto("/login")
        page.locator(f".language-switch button[value={language}]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        violations += at_width(page, pages, language)
        sign_in(page, "zhang.lawyer", "not-the-password-123")
        expect(page.get_by_role("alert")).to_be_visible()
        violations += axe_violations(page, f"{language}, wrong password")
        page.goto("/register")
        # Sent empty: every field refused (the form is novalidate, the server checks).
        page.locator("main button[type=submit]").click()
        expect(page.locator("[aria-invalid=true]").first).to_be_visible()
        violations += axe_violations(page, f"{language}, registration refused")
        page.set_viewport_size(PHONE)
        violations += at_width(page, pages, f"{language} 390x844")
    assert not violations, report("a visitor signed out", pages, violations)
