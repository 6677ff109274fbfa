"""A defence submission's proof, from the printed receipt to anyone's check (issue 19): Zhang
opens the receipt of the opinion she filed, the page prints the proof as a QR code, a phone
reads it, and someone without an account checks it at /verify with the log's key alone; the
downloaded receipt with one byte changed is refused.

The demo signs its audit log after loading, so the filing's proof is ready.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_roles import sign_in

pytestmark = pytest.mark.e2e


def test_a_printed_proof_is_read_by_a_phone_and_checked_by_anyone(
    browser: Any, live_server: str, tmp_path: Any
) -> None:
    # A phone's camera sees the printed code sharply: a high-density screen stands in for it.
    lawyer = browser.new_context(base_url=live_server, locale="zh-CN", device_scale_factor=2)
    page = lawyer.new_page()
    sign_in(page, "zhang.lawyer")
    page.goto("/submissions/1/receipt")  # her first opinion in the demo (LM-2026-000001)
    expect(page.get_by_role("heading", name="审计日志中的证明")).to_be_visible()
    shot = tmp_path / "qr.png"
    page.locator("svg.qr").screenshot(path=str(shot))
    [scanned] = zxingcpp.read_barcodes(Image.open(shot))
    assert scanned.text.startswith("LMR1:")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载证明（JSON）").click()
    receipt = Path(download.value.path()).read_text(encoding="utf-8")
    lawyer.close()

    stranger = browser.new_context(base_url=live_server, locale="zh-CN")
    check = stranger.new_page()
    check.goto("/verify")
    check.locator("#f-receipt").fill(scanned.text)
    check.get_by_role("button", name="核验回执").click()
    expect(check.get_by_text("回执核验通过")).to_be_visible()
    expect(check.get_by_text("LM-2026-000001")).to_be_visible()
    # One byte of the downloaded receipt changed: the receipt number in the entry it proves.
    assert receipt.count("LM-2026-000001") == 1
    check.locator("#f-receipt").fill(receipt.replace("LM-2026-000001", "LM-2026-000007"))
    check.get_by_role("button", name="核验回执").click()
    expect(check.get_by_role("alert")).to_contain_text("该记录不在已签名的树中")
    stranger.close()
