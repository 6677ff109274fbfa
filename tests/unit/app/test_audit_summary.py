"""The audit page's "What changed" in words (issue 17): known keys by their labels, times on the
clock in words, unknown keys kept as their codes."""

from __future__ import annotations

from datetime import UTC, datetime

from app.presentation.audit_labels import summary_changes


def test_known_keys_and_times_are_said_in_words() -> None:
    summary = {"starts_at": datetime(2026, 12, 8, 1, 0, tzinfo=UTC), "granted": True,
               "duty": "M1", "sha256": "ab12"}  # fmt: skip
    changes = summary_changes(summary, "en", "Asia/Shanghai")
    said = {c.label: c.value for c in changes if c.known}
    assert said == {"Starts": "Tue 8 Dec 2026, 09:00 Beijing time", "Permitted": "Yes",
                    "Duty": "Arrange the meeting within 48 hours"}  # fmt: skip
    assert [(c.key, c.known) for c in changes][-1] == ("sha256", False)


def test_a_stored_iso_time_is_said_in_chinese() -> None:
    [change] = summary_changes({"due_at": "2026-12-10T09:00:00+00:00"}, "zh-CN", "Asia/Shanghai")
    assert change.value == "2026年12月10日（周四）17:00 北京时间"
    assert "T09:00" not in change.value
