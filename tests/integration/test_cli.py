"""The `lawmeet` command, run in-process with its settings from the environment."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app import cli, db
from app.accounts.models import Session, User
from app.accounts.roles import AccountStatus, Role
from app.accounts.sessions import start_session
from app.audit.models import AuditEntry
from app.demo import DEMO_PASSWORD
from app.orgs.models import Facility
from app.settings import Settings
from tests.integration.helpers import DEFAULT_PASSWORD, in_database, row_counts

T = TypeVar("T")
SECRET = "cli-test-secret-key-that-is-long-enough-0123"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """`lawmeet` configures logging for the process; put the test runner's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    tortoise_level = logging.getLogger("tortoise").level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.getLogger("tortoise").setLevel(tortoise_level)
        logging.getLogger("uvicorn.access").disabled = False


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path) -> Callable[..., None]:
    """Point `lawmeet` at this test's database; extra keyword arguments set more variables."""
    monkeypatch.setenv("LAWMEET_DATABASE__URL", db_url)
    monkeypatch.setenv("LAWMEET_APP__SECRET_KEY", SECRET)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LAWMEET_LOGGING__LEVEL", "WARNING")

    def more(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return more


def lawmeet(
    capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    capsys.readouterr()
    real_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = cli.main(list(argv))
    finally:
        sys.stdin = real_stdin
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def facility(env: Callable[..., None], settings: Settings) -> Facility:
    return in_database(settings, lambda: Facility.create(name="海淀看守所", region_code="110108"))


def create_user(
    capsys: pytest.CaptureFixture[str], *extra: str, password: str = DEFAULT_PASSWORD
) -> tuple[int, str, str]:
    return lawmeet(capsys, "user", "create", *extra, "--password-stdin", stdin=password + "\n")


# Settings


def test_bad_setting_stops_the_command_naming_key_and_choices(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    env(LAWMEET_APP__ENV="staging")
    code, _out, err = lawmeet(capsys, "check")
    assert code == 2
    assert "app.env" in err
    assert "'development'" in err and "'production'" in err


def test_production_without_a_secret_refuses_to_start(
    env: Callable[..., None], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("LAWMEET_APP__SECRET_KEY")
    env(LAWMEET_APP__ENV="production")
    code, _out, err = lawmeet(capsys, "check")
    assert code == 2
    assert "app.secret_key" in err


# migrate and check


def test_migrate_is_idempotent(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    first = lawmeet(capsys, "migrate")
    second = lawmeet(capsys, "migrate")
    assert first[0] == second[0] == 0
    assert "current schema" in second[1]


def test_migrate_creates_a_new_sqlite_database(
    env: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "sub" / "new.sqlite3"
    env(LAWMEET_DATABASE__URL=f"sqlite://{target}")
    code, _out, _err = lawmeet(capsys, "migrate")
    assert code == 0
    assert target.exists()


def test_check_passes_on_a_migrated_database(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = lawmeet(capsys, "check")
    assert code == 0, err
    assert "settings: ok" in out
    assert "statutory catalogue: ok (21 duties)" in out
    assert "database: reachable" in out


def test_check_fails_when_a_model_changed_without_a_migration(
    env: Callable[..., None], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        db, "MODEL_MODULES", [*db.MODEL_MODULES, "tests.integration.unmigrated_models"]
    )
    code, _out, err = lawmeet(capsys, "check")
    assert code == 1
    assert "models changed without a migration" in err


def test_check_fails_when_the_database_is_unreachable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LAWMEET_DATABASE__URL", "postgres://nobody@127.0.0.1:1/nothing")
    monkeypatch.setenv("LAWMEET_APP__SECRET_KEY", SECRET)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(tmp_path))
    code, _out, err = lawmeet(capsys, "check")
    assert code == 1
    assert "unreachable" in err or "database error" in err


# Users


def test_user_create_binds_staff_to_its_facility(
    facility: Facility, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = create_user(
        capsys,
        "desk.officer",
        "--name",
        "值班民警",
        "--role",
        "detention_staff",
        "--organisation",
        str(facility.id),
    )
    assert code == 0, err
    assert "created desk.officer" in out
    user = in_database(settings, lambda: User.get(username="desk.officer"))
    assert (user.role, user.status, user.facility_id) == (
        Role.DETENTION_STAFF,
        AccountStatus.ACTIVE,
        facility.id,
    )
    entries = in_database(settings, lambda: AuditEntry.filter(action="user.created"))
    assert [(e.actor_id, e.actor_label) for e in entries] == [(None, "system")]


def test_user_create_admin_needs_no_organisation(
    env: Callable[..., None], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = create_user(capsys, "root", "--name", "Root", "--role", "admin")
    assert code == 0, err
    assert in_database(settings, lambda: User.get(username="root")).role == Role.ADMIN


def test_user_create_never_prints_the_password(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = create_user(capsys, "root", "--name", "Root", "--role", "admin")
    assert code == 0
    assert DEFAULT_PASSWORD not in out + err


def test_user_create_refuses_a_weak_password(
    env: Callable[..., None], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = create_user(
        capsys, "root", "--name", "Root", "--role", "admin", password="qwertyuiop"
    )
    assert code == 2
    assert "password:" in err
    assert in_database(settings, lambda: User.all().count()) == 0


def test_user_create_refuses_staff_without_organisation(
    env: Callable[..., None], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = create_user(capsys, "desk", "--name", "Desk", "--role", "detention_staff")
    assert code == 2
    assert "organisation_id:" in err
    assert in_database(settings, lambda: User.all().count()) == 0


def test_user_create_refuses_a_taken_name(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    create_user(capsys, "root", "--name", "Root", "--role", "admin")
    code, _out, err = create_user(capsys, "root", "--name", "Root", "--role", "admin")
    assert code == 2
    assert "username:" in err


def test_user_create_offers_no_lawyer_role(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        create_user(capsys, "x", "--name", "X", "--role", "lawyer")
    assert exited.value.code == 2


def test_user_list_shows_every_user(facility: Facility, capsys: pytest.CaptureFixture[str]) -> None:
    create_user(capsys, "root", "--name", "Root", "--role", "admin")
    create_user(
        capsys,
        "desk",
        "--name",
        "Desk",
        "--role",
        "detention_staff",
        "--organisation",
        str(facility.id),
    )
    code, out, _err = lawmeet(capsys, "user", "list")
    assert code == 0
    lines = [line.split() for line in out.splitlines()]
    assert [line[1:] for line in lines] == [
        ["desk", "detention_staff", "active"],
        ["root", "admin", "active"],
    ]


def test_user_disable_ends_sessions(
    env: Callable[..., None], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    create_user(capsys, "root", "--name", "Root", "--role", "admin")

    async def sign_in() -> None:
        await start_session(await User.get(username="root"), "127.0.0.1", "test")

    in_database(settings, sign_in)
    code, out, _err = lawmeet(capsys, "user", "disable", "ROOT")
    assert code == 0
    assert "disabled root" in out
    user = in_database(settings, lambda: User.get(username="root"))
    assert user.status == AccountStatus.DISABLED
    assert in_database(settings, lambda: Session.all().count()) == 0
    assert in_database(settings, lambda: AuditEntry.filter(action="user.disabled").count()) == 1


def test_user_disable_of_an_unknown_user_fails(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = lawmeet(capsys, "user", "disable", "nobody")
    assert code == 1
    assert "no user named nobody" in err


# Demo data


def test_demo_prints_the_logins(
    env: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = lawmeet(capsys, "demo")
    assert code == 0, err
    assert DEMO_PASSWORD in out
    assert "admin" in out and "zhang.lawyer" in out


def test_demo_twice_leaves_the_same_rows(
    env: Callable[..., None], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lawmeet(capsys, "demo")[0] == 0
    after_first: dict[str, Any] = in_database(settings, row_counts)
    assert after_first["lawmeet.User"] > 0
    assert lawmeet(capsys, "demo")[0] == 0
    assert in_database(settings, row_counts) == after_first


def test_demo_users_are_active_except_the_pending_lawyer(
    env: Callable[..., None], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    lawmeet(capsys, "demo")
    users = in_database(settings, lambda: User.all())
    pending = {u.username for u in users if u.status == AccountStatus.PENDING}
    assert pending == {"wang.lawyer"}
    auditor = next(u for u in users if u.role == Role.BAR_AUDITOR)
    assert auditor.bar_association_id is not None
