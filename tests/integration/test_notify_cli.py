"""`lawmeet notify test|status` from a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.audit.models import AuditEntry
from app.settings import Settings
from notifications.kinds import Channel, Status
from notifications.models import Notification
from tests.integration.test_cli import SECRET, in_database, lawmeet


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("LAWMEET_DATABASE__URL", db_url)
    monkeypatch.setenv("LAWMEET_APP__SECRET_KEY", SECRET)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LAWMEET_LOGGING__LEVEL", "WARNING")


@pytest.mark.usefixtures("cli_env")
def test_notify_test_queues_a_test_message_and_audits_it(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    code, out, _err = lawmeet(
        capsys, "notify", "test", "--channel", "email", "--to", "ops@example.test"
    )
    assert code == 0 and "queued notification" in out

    async def check() -> tuple[list[tuple[Channel, str, str]], list[str]]:
        rows = await Notification.all().values_list("channel", "address", "template")
        actions = await AuditEntry.all().values_list("action", flat=True)
        return [tuple(r) for r in rows], [str(a) for a in actions]  # type: ignore[misc]

    rows, actions = in_database(settings, check)
    assert rows == [(Channel.EMAIL, "ops@example.test", "test_message")]
    assert actions == ["notification.test_queued"]


@pytest.mark.usefixtures("cli_env")
def test_notify_test_by_email_needs_an_address(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = lawmeet(capsys, "notify", "test", "--channel", "email")
    assert code == 2 and "--to" in err


@pytest.mark.usefixtures("cli_env")
def test_notify_status_counts_each_state(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    lawmeet(capsys, "notify", "test", "--channel", "console")
    in_database(settings, lambda: Notification.all().update(status=Status.DEAD))
    code, out, _err = lawmeet(capsys, "notify", "status")
    counts = dict(line.split() for line in out.splitlines())
    assert code == 0 and counts["dead"] == "1" and counts["pending"] == "0"
