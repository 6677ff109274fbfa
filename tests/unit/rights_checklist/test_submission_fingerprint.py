"""The receipt fingerprint and the duty each complaint type starts."""

from __future__ import annotations

import hashlib

from rights_checklist.kinds import ComplaintType, complaint_duty
from rights_checklist.submissions import canonical_text, fingerprint


def test_line_ends_do_not_change_the_fingerprint() -> None:
    assert fingerprint("opinion", "a\r\nb", []) == fingerprint("opinion", "a\nb", [])


def test_attachment_order_changes_the_fingerprint() -> None:
    a, b = "a" * 64, "b" * 64
    assert fingerprint("opinion", "x", [a, b]) != fingerprint("opinion", "x", [b, a])


def test_fingerprint_is_sha256_of_the_documented_json() -> None:
    expected = hashlib.sha256(
        b'{"attachments":[],"kind":"other","text":"\xe6\x84\x8f\xe8\xa7\x81"}'
    )
    assert fingerprint("other", " 意见 ", []) == expected.hexdigest()


def test_canonical_text_is_nfc() -> None:
    assert canonical_text("e\u0301") == "\u00e9"


def test_custody_complaints_are_c2_and_obstruction_c1() -> None:
    assert complaint_duty(ComplaintType.BAIL_DEPOSIT) == "C2"
    assert complaint_duty(ComplaintType.MEETING_MONITORED) == "C1"
