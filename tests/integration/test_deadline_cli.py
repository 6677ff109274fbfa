"""`lawmeet deadline` and `lawmeet calendar`, run in-process against the test database.

These tests are synchronous: the CLI runs its own event loop (asyncio.run), and Tortoise allows
one global context at a time, so the API is asked afterwards in a loop of its own.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from app import cli
from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.law.models import ImportedRestDay
from app.settings import Settings
from tests.integration.helpers import api_token, bearer, in_database, make_user

CAL_2027 = "date,kind,name\n2027-01-01,holiday,New Year's Day\n2027-01-04,holiday,Test holiday\n"


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI reads its settings from the environment: point it at the test database."""
    monkeypatch.setenv("LAWMEET_DATABASE__URL", settings.database.url)
    monkeypatch.setenv("LAWMEET_APP__SECRET_KEY", settings.app.secret_key)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(settings.app.data_dir))
    return settings


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run_cli(capsys, "deadline", "--json", *argv)
    assert code == 0, err
    return json.loads(out)


def api_json(settings: Settings, params: dict[str, str]) -> Any:
    from app.main import create_app

    async def ask() -> Any:
        app = create_app(settings)
        async with LifespanManager(app) as manager:
            token = await api_token(await make_user(Role.LAWYER))
            transport = ASGITransport(app=manager.app)
            async with AsyncClient(transport=transport, base_url="http://testserver") as http:
                response = await http.get("/api/v1/deadlines", params=params, headers=bearer(token))
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(ask())


CASES = [
    {"from": "2026-03-10 10:20", "period": "48h"},
    {"from": "2026-09-29 10:20", "period": "48h", "kind": "custody"},
    {"from": "2026-09-29 10:20", "period": "3d", "kind": "decision"},
    {"from": "2026-09-29 10:20", "period": "3d", "kind": "custody"},
    {"from": "2026-01-31 08:00", "period": "1m"},
    {"from": "2026-08-31 08:00", "period": "2m"},
    {"from": "2026-04-20 08:00", "period": "15d"},
    {"from": "2026-04-20 08:00", "period": "0.5m"},
    {"from": "2026-05-01 08:00", "period": "24h", "kind": "target"},
    {"from": "2026-09-29T02:20Z", "period": "3d"},
    {"from": "2026-03-07 10:20", "period": "48h", "tz": "America/New_York"},
    {"from": "2026-12-20 10:00", "period": "15d"},  # reaches 2027: provisional
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(c.values()))
def test_cli_json_and_api_agree(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], case: dict[str, str]
) -> None:
    argv = [arg for name, value in case.items() for arg in (f"--{name}", value)]
    assert cli_json(capsys, *argv) == api_json(cli_env, case)


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--from", "2026-09-29 10:20", "--period", "3x"], "--period"),
        (["--from", "2026-02-30 10:00", "--period", "3d"], "--from"),
        (["--from", "2026-09-29", "--period", "3d"], "--from"),
        (["--from", "2026-09-29 10:20", "--period", "3d", "--tz", "Mars/Base"], "--tz"),
        (["--from", "2026-09-29 10:20", "--period", "3d", "--kind", "weekly"], "--kind"),
        (["--from", "2026-09-29 10:20", "--period", "3d", "--lang", "fr"], "--lang"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_option(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], argv: list[str], option: str
) -> None:
    code, out, err = run_cli(capsys, "deadline", *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"lawmeet: {option}: ")


def test_plain_output_explains_in_the_chosen_language(
    cli_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--from", "2026-09-29 10:20", "--period", "3d", "--kind", "decision"]
    _code, english, _err = run_cli(capsys, "deadline", *argv, "--lang", "en")
    _code, chinese, _err = run_cli(capsys, "deadline", *argv, "--lang", "zh-CN")
    assert "24:00 on 2026-10-08" in english
    assert "moved from 2026-10-02" in english
    assert "National Day" in english
    assert "国庆节" in chinese


def test_plain_output_defaults_to_the_settings_locale(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAWMEET_I18N__DEFAULT_LOCALE", "en")
    _code, out, _err = run_cli(capsys, "deadline", "--from", "2026-09-29 10:20", "--period", "3d")
    assert out.startswith("Expires: 24:00 on 2026-10-08")


def test_unreachable_database_warns_and_uses_the_official_years(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LAWMEET_DATABASE__URL", "postgres://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("LAWMEET_APP__SECRET_KEY", "x" * 40)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(tmp_path))
    code, out, err = run_cli(
        capsys, "deadline", "--json", "--from", "2026-12-29 10:00", "--period", "6d"
    )
    assert code == 0
    assert "warning: imported rest-day years unavailable" in err
    assert json.loads(out)["provisional"] is True


def test_calendar_import_makes_2027_official(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["--from", "2026-12-29 10:00", "--period", "6d"]
    assert cli_json(capsys, *argv)["provisional"] is True
    calendar_file = tmp_path / "2027.csv"
    calendar_file.write_text(CAL_2027, encoding="utf-8")
    code, out, _err = run_cli(capsys, "calendar", "import", str(calendar_file))
    assert (code, out) == (0, f"imported 2027 from {calendar_file}\n")
    after = cli_json(capsys, *argv)
    assert after["provisional"] is False
    assert after["last_day"] == "2027-01-05"


def test_calendar_import_writes_an_audit_entry(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    calendar_file = tmp_path / "2027.csv"
    calendar_file.write_text(CAL_2027, encoding="utf-8")
    run_cli(capsys, "calendar", "import", str(calendar_file))

    async def entries() -> list[tuple[str, str, str]]:
        found = await AuditEntry.filter(action="rest_days.imported")
        return [(e.object_id, e.actor_label, e.summary["filename"]) for e in found]

    assert in_database(cli_env, entries) == [("2027", "system", "2027.csv")]


def test_calendar_import_of_a_bad_file_exits_2_and_stores_nothing(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    calendar_file = tmp_path / "bad.csv"
    calendar_file.write_text("2027-01-01,holiday\n2027-01-04,workday\n", encoding="utf-8")
    code, _out, err = run_cli(capsys, "calendar", "import", str(calendar_file))
    assert code == 2
    assert err == f"lawmeet: {calendar_file}: line 2: 2027-01-04 is a Monday: " + (
        "a make-up working day (调休) must be a Saturday or Sunday\n"
    )
    assert in_database(cli_env, lambda: ImportedRestDay.all().count()) == 0


def test_calendar_list_shows_official_and_imported_years(
    cli_env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    calendar_file = tmp_path / "2027.csv"
    calendar_file.write_text(CAL_2027, encoding="utf-8")
    run_cli(capsys, "calendar", "import", str(calendar_file))
    code, out, _err = run_cli(capsys, "calendar", "list")
    assert code == 0
    assert out.startswith("official: 2004-2026")
    assert "imported: 2027: 2 holidays, 0 make-up working days; source '2027.csv'" in out
