"""Story 15 in a browser: the bar association's auditor opens the compliance dashboard over
the demo history (`lawmeet demo`, app/demo/compliance.py), filters one detention centre, drills
down to a breach, opens that case's checklist and exports the breaches as CSV. The story as
written (the last quarter, the printed report) is walked in test_stories.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

HAIDIAN, CHAOYANG = "北京市海淀区看守所", "北京市朝阳区看守所"
MEETINGS = "Meetings within 48 hours"


def _facility_row(page: Page, name: str) -> Any:
    table = page.locator("section[aria-labelledby=h-facilities] table")
    return table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=name))


def _share(row: Any) -> float:
    """The on-time share of the row's first figure, from its "71% (43/60)" text."""
    text = row.locator("td").first.inner_text()
    found = re.search(r"\((\d+)/(\d+)\)", text)
    assert found, text
    return int(found[1]) / int(found[2])


def _open_dashboard_for_the_year(auditor: Page) -> None:
    auditor.goto("/compliance")
    expect(auditor.get_by_role("heading", name="Compliance audit", level=1)).to_be_visible()
    auditor.get_by_role("navigation", name="Quick periods").get_by_role(
        "link", name="Last 12 months"
    ).click()
    expect(auditor.get_by_role("heading", name="Detention centres")).to_be_visible()


def test_auditor_sees_centres_meet_the_48_hours_in_different_shares(
    open_as: Any,
) -> None:
    auditor = open_as("chen.auditor")
    _open_dashboard_for_the_year(auditor)
    assert _share(_facility_row(auditor, HAIDIAN)) > 0.9
    assert 0.6 < _share(_facility_row(auditor, CHAOYANG)) < 0.8
    # The history behind these figures is demo data outside the audit trail, and says so.
    expect(auditor.locator("p.demo-data")).to_contain_text("Demo data")


def test_auditor_filters_a_centre_drills_down_to_a_breach_and_exports_csv(
    open_as: Any, tmp_path: Path
) -> None:
    auditor = open_as("chen.auditor")
    _open_dashboard_for_the_year(auditor)
    auditor.get_by_label("Detention centre", exact=True).select_option(label=CHAOYANG)
    auditor.get_by_role("button", name="Show").click()
    rows = auditor.locator("section[aria-labelledby=h-facilities] table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("rowheader")).to_have_text(CHAOYANG)

    # Drill down: the meetings figure's breaches at this centre.
    rows.first.locator("td").first.get_by_role("link", name=re.compile("breach")).click()
    expect(auditor.get_by_role("heading", level=1)).to_contain_text(MEETINGS)
    breaches = auditor.locator("table.breaches tbody tr")
    expect(breaches.first).to_be_visible()
    expect(breaches.first).to_contain_text(CHAOYANG)
    expect(breaches.first).to_contain_text("M1")
    listed = auditor.url

    # The case behind the first breach, on its checklist (metadata only).
    case_link = breaches.first.get_by_role("link")
    number = case_link.inner_text().strip()
    case_link.click()
    expect(auditor).to_have_url(re.compile(r"/cases/\d+/checklist"))
    expect(auditor.get_by_role("heading", level=1)).to_contain_text(number)
    expect(auditor.locator("main")).to_contain_text("M1")

    # Back to the list: its CSV holds the same breaches, Chinese text intact.
    auditor.goto(listed)
    with auditor.expect_download() as download_info:
        auditor.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".csv"
    text = saved.read_bytes().decode("utf-8")
    lines = [line for line in text.splitlines() if line]
    assert len(lines) >= 2  # a header and at least one breach
    assert number in text
    assert CHAOYANG in text
    assert HAIDIAN not in text  # the filter applies to the export too
