"""`lawmeet report compliance` and `lawmeet duties refresh`, run in-process on both databases.

The data is made through the services: a case opened by its investigator at a detention centre
with a Chinese name, a lawyer engaged, and a meeting request of five days ago that no meeting
met (a missed 48-hour duty, M1).
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import cli
from app.audit.models import AuditEntry
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from app.orgs.models import Facility
from app.settings import Settings
from scheduling.requests import NewRequest, open_request
from tests.integration.audit_tampering import allow_tampering, edit_summary
from tests.integration.case_world import engage, make_case_world
from tests.integration.helpers import in_database

FACILITY_NAME = "北京市海淀区看守所"
TODAY = datetime.now(UTC).date()
PERIOD = ("--from", (TODAY - timedelta(days=30)).isoformat(), "--to", TODAY.isoformat())


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@dataclass
class Made:
    facility_id: int
    agency_id: int


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI reads its settings from the environment: point it at the test database."""
    monkeypatch.setenv("LAWMEET_DATABASE__URL", settings.database.url)
    monkeypatch.setenv("LAWMEET_APP__SECRET_KEY", settings.app.secret_key)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(settings.app.data_dir))
    monkeypatch.setenv("LAWMEET_I18N__DEFAULT_LOCALE", "zh-CN")
    return settings


async def missed_meeting_case(data_dir: Path) -> Made:
    world = await make_case_world("110108")
    await Facility.filter(id=world.facility.id).update(name=FACILITY_NAME)
    engagement = await engage(world, data_dir)
    await open_request(
        world.lawyer,
        engagement,
        NewRequest(requested_at=datetime.now(UTC) - timedelta(days=5)),
        policies=LegalPolicies(),
        calendar=RestDayCalendar(),
    )
    return Made(world.facility.id, world.agency.id)


@pytest.fixture
def made(cli_env: Settings) -> Made:
    result: Made = in_database(cli_env, lambda: missed_meeting_case(cli_env.data_dir))
    return result


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, "report", "compliance", *PERIOD, *argv)


def test_csv_goes_to_stdout_with_the_chinese_text_intact(
    made: Made, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = report(capsys)
    assert (code, err) == (0, "")
    assert FACILITY_NAME in out
    assert "按期履行" in out.splitlines()[0]  # the headers are in Chinese too
    assert not out.startswith("\ufeff")


def test_bom_puts_the_byte_order_mark_first(made: Made, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = report(capsys, "--bom")
    assert code == 0
    assert out.startswith("\ufeff") and out.count("\ufeff") == 1
    assert FACILITY_NAME in out


def test_output_writes_the_file_and_nothing_to_stdout(
    made: Made, cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    target = cli_env.data_dir / "report.csv"
    code, out, err = report(capsys, "--bom", "--output", str(target))
    assert (code, out, err) == (0, "", "")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert FACILITY_NAME in data.decode("utf-8-sig")


def test_json_carries_the_figures(made: Made, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = report(capsys, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["scope"]["period_to"] == TODAY.isoformat()
    (facility,) = data["facilities"]
    assert (facility["facility_id"], facility["name"]) == (made.facility_id, FACILITY_NAME)
    assert data["totals"]["meetings"]["missed"] == 1


def test_scope_options_narrow_the_report(made: Made, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = report(capsys, "--format", "json", "--jurisdiction", "310000")
    assert code == 0
    data = json.loads(out)
    assert data["scope"]["jurisdiction"] == "31"
    assert data["facilities"] == [] and data["totals"]["meetings"]["missed"] == 0
    code, out, _err = report(capsys, "--format", "json", "--jurisdiction", "1101",
                             "--facility", str(made.facility_id))  # fmt: skip
    assert json.loads(out)["totals"]["meetings"]["missed"] == 1


def test_html_shows_the_audit_trail_verified_for_the_report(
    made: Made, cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = in_database(cli_env, lambda: AuditEntry.all().count())
    code, out, err = report(capsys, "--format", "html", "--locale", "en")
    assert (code, err) == (0, "")
    assert out.lstrip().lower().startswith("<!doctype html>")
    assert FACILITY_NAME in out
    assert '<div class="verification ok">' in out and "Intact" in out
    assert f"<dt>Entries checked</dt><dd>{entries}</dd>" in out
    verified = in_database(cli_env, lambda: AuditEntry.filter(action="audit.verified").count())
    assert verified == 1  # run and recorded as `lawmeet audit verify` does


def test_a_broken_audit_trail_is_reported_in_the_html_and_on_stderr(
    made: Made, cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    async def tamper() -> None:
        await allow_tampering()
        await edit_summary()

    in_database(cli_env, tamper)
    code, out, err = report(capsys, "--format", "html", "--locale", "en")
    assert code == 0  # the report is written: the broken chain is one of its findings
    assert '<div class="verification broken">' in out and "Broken" in out
    assert err.startswith("lawmeet: broken: first bad seq 3 (altered)")


def test_in_a_pipe_only_the_output_appears(made: Made, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = report(capsys)
    assert (code, err) == (0, "")
    for mark in ("━", "✓", "\x1b[", "Computing"):
        assert mark not in out


def test_on_a_terminal_the_progress_goes_to_stderr_only(
    made: Made, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code, out, _err = report(capsys, "--locale", "en")
    assert code == 0
    drawn = terminal.getvalue()
    assert "✓ Re-judging the cases changed since last judged" in drawn and "1/1" in drawn
    assert "✓ Computing the figures" in drawn and "✓ Writing the report" in drawn
    assert FACILITY_NAME in out and "━" not in out and "Computing" not in out


def test_quiet_draws_no_progress_on_a_terminal(
    made: Made, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code, out, _err = report(capsys, "--quiet")
    assert code == 0 and FACILITY_NAME in out
    assert terminal.getvalue() == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--from", "2026-02-30", "--to", "2026-03-01"), "--from: 2026-02-30 is not a date"),
        (("--from", "2026-03-01", "--to", "1.3.2026"), "--to: 1.3.2026 is not a date"),
        (("--from", "2026-03-02", "--to", "2026-03-01"), "--to (2026-03-01) is before --from"),
        ((*PERIOD, "--jurisdiction", "123"), "--jurisdiction: 123 is not a region code prefix"),
        ((*PERIOD, "--jurisdiction", "99"), "--jurisdiction: 99 is not a region code prefix"),
        ((*PERIOD, "--facility", "999999"), "--facility: no detention centre has id 999999"),
        ((*PERIOD, "--agency", "999999"), "--agency: no agency has id 999999"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(
    made: Made,
    cli_env: Settings,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    target = cli_env.data_dir / "never.csv"
    code, out, err = run_cli(
        capsys, "report", "compliance", *argv, "--output", str(target), "--locale", "en"
    )
    assert code == 2 and out == ""
    assert err.startswith("lawmeet: " + message)
    assert not target.exists()


def test_bad_input_is_explained_in_chinese_by_default(
    made: Made, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "report", "compliance", "--from", "x", "--to", "2026-03-01")
    assert (code, out) == (2, "")
    assert "不是" in err and "YYYY-MM-DD" in err


def test_duties_refresh_reports_how_many_cases_were_rejudged(
    made: Made, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWMEET_I18N__DEFAULT_LOCALE", "en")
    code, out, err = run_cli(capsys, "duties", "refresh")
    assert (code, out, err) == (0, "Cases re-judged: 1\n", "")
    code, out, _err = run_cli(capsys, "duties", "refresh")
    assert (code, out) == (0, "Cases re-judged: 0\n")  # nothing changed since
    code, out, _err = run_cli(capsys, "duties", "refresh", "--all")
    assert (code, out) == (0, "Cases re-judged: 1\n")


def test_an_output_folder_that_does_not_exist_exits_2(
    made: Made, cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    target = cli_env.data_dir / "missing" / "report.csv"
    code, out, err = report(capsys, "--output", str(target), "--locale", "en")
    assert (code, out) == (2, "")
    assert err == f"lawmeet: --output: the folder {target.parent} does not exist.\n"
    assert not target.parent.exists()
