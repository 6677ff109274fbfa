"""Page flows several browser stories share: an investigator opens a case with a new detainee,
and a lawyer registers the engagement and uploads the three documents."""

from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import Locator, Page, expect

from tests.integration.helpers import pdf_document

FACILITY = "北京市海淀区看守所"
DOCUMENTS = ("practice_licence", "firm_letter", "power_of_attorney")
PDF = pdf_document("browser test document")


def main_nav(page: Page) -> Locator:
    """The main navigation, as the person reaches it: on a phone it folds behind the menu
    button, which she taps first."""
    menu = page.locator("details.site-menu")
    if menu.locator("> summary").is_visible() and menu.get_attribute("open") is None:
        menu.locator("> summary").click()
    return page.locator("nav.main-nav")


def open_case(
    investigator: Page,
    number: str,
    charges: str,
    name: str,
    id_number: str,
    admitted: datetime,
    category: str | None = None,
) -> None:
    """Open a case (the detainee held at FACILITY since ``admitted`` 09:00) and land on it."""
    main_nav(investigator).get_by_role("link", name="Cases", exact=True).click()
    investigator.get_by_role("link", name="Open a case").click()
    investigator.locator("#f-case-case_number").fill(number)
    investigator.locator("#f-case-suspected_charges").fill(charges)
    if category is not None:
        investigator.locator("#f-case-category").select_option(category)
    investigator.locator("#f-case-name").fill(name)
    investigator.locator("#f-case-id_number").fill(id_number)
    investigator.locator("#f-case-facility_id").select_option(label=FACILITY)
    investigator.locator("#f-case-admitted_date").fill(f"{admitted:%Y-%m-%d}")
    investigator.locator("#f-case-admitted_time").fill("09:00")
    investigator.get_by_role("button", name="Open the case").click()
    expect(investigator.locator("h1")).to_contain_text(number)


def register_engagement(lawyer: Page, number: str, name: str, id_number: str) -> None:
    """Find the client, register a retained engagement and upload the three documents."""
    main_nav(lawyer).get_by_role("link", name="My clients").click()
    lawyer.get_by_role("link", name="Start an engagement").click()
    lawyer.locator("#f-find-facility_id").select_option(label=FACILITY)
    lawyer.locator("#f-find-name").fill(name)
    lawyer.locator("#f-find-id_number").fill(id_number)
    lawyer.get_by_role("button", name="Find my client").click()
    lawyer.get_by_label(re.compile(re.escape(number))).check()
    lawyer.locator("#f-choose-kind").select_option("retained")
    lawyer.get_by_role("button", name="Register the engagement").click()
    expect(lawyer.locator("h1")).to_have_text(name)
    for kind in DOCUMENTS:
        lawyer.locator("#f-upload-kind").select_option(kind)
        lawyer.locator("#f-upload-file").set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF + kind.encode()}
        )
        lawyer.get_by_role("button", name="Upload", exact=True).click()
        expect(lawyer.get_by_role("link", name=f"{kind}.pdf")).to_be_visible()


def open_detainee(desk: Page, name: str) -> None:
    """The desk officer opens a detainee's page from the navigation."""
    main_nav(desk).get_by_role("link", name="Detainees").click()
    desk.get_by_role("link", name=name, exact=True).click()


def accept_documents(desk: Page, name: str) -> None:
    """The desk accepts each of the three documents on the detainee's page."""
    open_detainee(desk, name)
    for _ in DOCUMENTS:
        desk.get_by_role("button", name=re.compile("^Accept")).first.click()
        expect(desk.locator("h1")).to_have_text(name)
    expect(desk.locator("main")).to_contain_text("3 of 3 accepted")
