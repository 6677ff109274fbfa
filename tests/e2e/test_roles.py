"""Each role signs in and sees its own navigation; errors and language switch work in a browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD
from tests.e2e.flows import main_nav

pytestmark = pytest.mark.e2e

# What each demo role must and must not see in the main navigation (English labels).
NAVIGATION = {
    "admin": (
        ["Users", "Organisations", "Rest-day calendar", "Audit trail"],
        ["Cases", "My clients", "Detainees"],
    ),
    "zhang.lawyer": (
        ["My clients", "Deadline calculator", "Profile"],
        ["Users", "Licence verification", "Cases", "Detainees", "Audit trail"],
    ),
    "haidian.desk": (
        ["Detainees", "Profile"],
        ["Users", "Licence verification", "Cases", "My clients", "Audit trail"],
    ),
    "zhao.investigator": (
        ["Cases", "Profile"],
        ["Users", "Organisations", "My clients", "Detainees", "Audit trail"],
    ),
    "chen.auditor": (
        ["Licence verification", "Cases", "Audit trail"],
        ["Users", "Organisations", "My clients", "Detainees"],
    ),
}


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("main button[type=submit]").click()


def switch_to_english(page: Page) -> None:
    page.locator(".language-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("username", sorted(NAVIGATION))
def test_each_role_sees_its_own_navigation(page: Page, username: str) -> None:
    page.goto("/login")
    switch_to_english(page)
    sign_in(page, username)
    expect(page.locator(".whoami")).to_be_visible()
    nav = main_nav(page)
    present, absent = NAVIGATION[username]
    for label in present:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in absent:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)


def test_wrong_password_shows_an_error_and_stays_signed_out(page: Page) -> None:
    page.goto("/login")
    switch_to_english(page)
    sign_in(page, "zhang.lawyer", "not-the-password-123")
    expect(page.get_by_role("alert")).to_contain_text("Wrong user name or password")
    expect(page.locator(".whoami")).to_have_count(0)


def test_language_switch_turns_the_page_chinese_and_back(page: Page) -> None:
    page.goto("/login")
    page.locator(".language-switch button[value=zh-CN]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("登录")
    switch_to_english(page)
    expect(page.locator("h1")).to_have_text("Sign in")


def test_pending_lawyer_is_told_to_wait_for_verification(page: Page) -> None:
    page.goto("/login")
    switch_to_english(page)
    sign_in(page, "wang.lawyer")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(re.compile("waiting for licence verification"))
