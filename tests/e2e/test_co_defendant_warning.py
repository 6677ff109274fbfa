"""Browser: in the demo, 孔律师 defends 马俊峰 in case 1109; registering his co-defendant 何永生
too lands her on a page that names the other engagement and the rule (setting "warn"), and the
other engagement's page says the same, so she can end one of them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from app.demo.cases import CO_DEFENDANTS
from tests.e2e.flows import FACILITY, main_nav


def test_a_lawyer_registering_a_co_defendant_is_warned_naming_the_other_engagement(
    open_as: Callable[[str], Any],
) -> None:
    (defended, _number), (name, id_number) = CO_DEFENDANTS.detainees
    lawyer = open_as(CO_DEFENDANTS.lawyer)
    lawyer.goto("/")
    main_nav(lawyer).get_by_role("link", name="My clients").click()
    lawyer.get_by_role("link", name="Start an engagement").click()
    lawyer.locator("#f-find-facility_id").select_option(label=FACILITY)
    lawyer.locator("#f-find-name").fill(name)
    lawyer.locator("#f-find-id_number").fill(id_number)
    lawyer.get_by_role("button", name="Find my client").click()
    lawyer.get_by_label(re.compile(re.escape(CO_DEFENDANTS.case_number))).check()
    lawyer.get_by_role("button", name="Register the engagement").click()

    expect(lawyer.locator("h1")).to_have_text(name)
    warning = lawyer.locator(".co-defendant-conflict")
    expect(warning).to_contain_text(f"in this case you also defend {defended} (engagement #")
    expect(warning).to_contain_text("Retained by the client or family, registered on")
    expect(warning).to_contain_text("Guangzhou, art. 4")
    expect(warning).to_contain_text("The setting co_defendant_conflict is “warn”")

    warning.get_by_role("link", name=defended).click()
    expect(lawyer.locator("h1")).to_have_text(defended)
    expect(lawyer.locator(".co-defendant-conflict")).to_contain_text(
        f"in this case you also defend {name} (engagement #"
    )
