"""Settings: settings.toml defaults, LAWMEET_<SECTION>__<KEY> overrides, readable errors."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from app.settings import (
    DEFAULT_SETTINGS_FILE,
    PROJECT_ROOT,
    Settings,
    SettingsError,
    load_settings,
)

SECRET = "an-operator-chosen-secret-of-sufficient-length"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean environment whose generated secret (if any) lands in a temporary folder."""
    return {"LAWMEET_APP__DATA_DIR": str(tmp_path)}


def test_settings_file_holds_every_default_of_the_model() -> None:
    data = tomllib.loads(DEFAULT_SETTINGS_FILE.read_text(encoding="utf-8"))
    assert Settings.model_validate(data) == Settings()
    for section, model in Settings.model_fields.items():
        assert model.annotation is not None
        assert set(data[section]) == set(model.annotation.model_fields), section


def test_settings_file_carries_no_secret() -> None:
    data = tomllib.loads(DEFAULT_SETTINGS_FILE.read_text(encoding="utf-8"))
    assert data["app"]["secret_key"] == ""
    assert data["email"]["password"] == ""
    assert data["sms"]["auth_token"] == ""


def test_defaults_load_without_environment(env: dict[str, str]) -> None:
    settings = load_settings(environ=env)
    assert settings.app.env == "development"
    assert settings.server.port == 8000
    assert settings.session.idle_timeout_minutes == 30


def test_environment_overrides_a_key(env: dict[str, str]) -> None:
    env |= {"LAWMEET_SERVER__PORT": "9123", "LAWMEET_LEGAL__PROMPT_TARGET_HOURS": "12"}
    settings = load_settings(environ=env)
    assert settings.server.port == 9123
    assert settings.legal.prompt_target_hours == 12


def test_environment_override_accepts_a_json_list(env: dict[str, str]) -> None:
    env["LAWMEET_LEGAL__PERMISSION_CASE_CATEGORIES"] = '["terrorism"]'
    assert load_settings(environ=env).legal.permission_case_categories == ("terrorism",)


def test_environment_override_of_a_boolean(env: dict[str, str]) -> None:
    env["LAWMEET_NOTIFICATIONS__RUN_WORKER_IN_PROCESS"] = "false"
    assert load_settings(environ=env).notifications.run_worker_in_process is False


def test_lawmeet_variables_without_a_section_are_ignored(env: dict[str, str]) -> None:
    env |= {"LAWMEET_REQUIRE_POSTGRES": "1", "LAWMEET_TEST_POSTGRES_URL": "postgres://x/y"}
    assert load_settings(environ=env).database.url == Settings().database.url


def test_unknown_section_is_refused_naming_the_variable(env: dict[str, str]) -> None:
    env["LAWMEET_NOPE__KEY"] = "1"
    with pytest.raises(SettingsError, match=r"LAWMEET_NOPE__KEY.*\[nope\]"):
        load_settings(environ=env)


def test_unknown_key_is_refused_naming_it(env: dict[str, str]) -> None:
    env["LAWMEET_SERVER__PORTT"] = "1"
    with pytest.raises(SettingsError, match=r"server\.portt: unknown setting"):
        load_settings(environ=env)


def test_bad_choice_names_the_key_and_the_accepted_values(env: dict[str, str]) -> None:
    env["LAWMEET_APP__ENV"] = "staging"
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=env)
    text = str(caught.value)
    assert "app.env" in text
    assert "'staging'" in text
    assert "'development'" in text and "'production'" in text


def test_bad_choice_inside_a_list_names_the_key(env: dict[str, str]) -> None:
    env["LAWMEET_LEGAL__PERMISSION_CASE_CATEGORIES"] = '["fraud"]'
    with pytest.raises(SettingsError, match=r"legal\.permission_case_categories: got 'fraud'"):
        load_settings(environ=env)


def test_out_of_range_number_names_the_key(env: dict[str, str]) -> None:
    env["LAWMEET_SERVER__PORT"] = "70000"
    with pytest.raises(SettingsError, match=r"server\.port: .*65535"):
        load_settings(environ=env)


def test_non_numeric_number_names_the_key(env: dict[str, str]) -> None:
    env["LAWMEET_SESSION__IDLE_TIMEOUT_MINUTES"] = "soon"
    with pytest.raises(SettingsError, match=r"session\.idle_timeout_minutes"):
        load_settings(environ=env)


def test_relative_public_url_is_refused(env: dict[str, str]) -> None:
    env["LAWMEET_APP__PUBLIC_URL"] = "lawmeet.example"
    with pytest.raises(SettingsError, match=r"app\.public_url: .*http:// or https://"):
        load_settings(environ=env)


def test_unknown_database_scheme_is_refused(env: dict[str, str]) -> None:
    env["LAWMEET_DATABASE__URL"] = "mysql://db/lawmeet"
    with pytest.raises(SettingsError, match=r"database\.url: .*sqlite:// or postgres://"):
        load_settings(environ=env)


def test_unknown_time_zone_is_refused(env: dict[str, str]) -> None:
    env["LAWMEET_I18N__TIMEZONE"] = "Mars/Olympus"
    with pytest.raises(SettingsError, match=r"i18n\.timezone: .*IANA"):
        load_settings(environ=env)


def test_every_problem_is_reported_at_once(env: dict[str, str]) -> None:
    env |= {"LAWMEET_APP__ENV": "staging", "LAWMEET_SERVER__PORT": "0"}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=env)
    assert "app.env" in str(caught.value)
    assert "server.port" in str(caught.value)


def test_missing_settings_file_is_reported(env: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="settings file not found"):
        load_settings(tmp_path / "absent.toml", environ=env)


def test_settings_file_can_be_chosen_by_environment(env: dict[str, str], tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text("[server]\nport = 8765\n", encoding="utf-8")
    env["LAWMEET_SETTINGS_FILE"] = str(other)
    assert load_settings(environ=env).server.port == 8765


def test_invalid_toml_is_reported(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[server\nport = ", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(broken, environ=env)


def test_production_refuses_to_start_without_a_secret(env: dict[str, str]) -> None:
    env["LAWMEET_APP__ENV"] = "production"
    with pytest.raises(SettingsError, match=r"app\.secret_key: required in production"):
        load_settings(environ=env)


def test_production_writes_no_secret_file(env: dict[str, str], tmp_path: Path) -> None:
    env["LAWMEET_APP__ENV"] = "production"
    with pytest.raises(SettingsError):
        load_settings(environ=env)
    assert not (tmp_path / "secret_key").exists()


def test_production_accepts_a_secret_from_the_environment(env: dict[str, str]) -> None:
    env |= {"LAWMEET_APP__ENV": "production", "LAWMEET_APP__SECRET_KEY": SECRET}
    settings = load_settings(environ=env)
    assert settings.app.secret_key == SECRET
    assert settings.is_production


def test_short_secret_is_refused(env: dict[str, str]) -> None:
    env["LAWMEET_APP__SECRET_KEY"] = "too-short"
    with pytest.raises(SettingsError, match=r"app\.secret_key: must be at least 32"):
        load_settings(environ=env)


def test_development_generates_a_secret_once_into_the_data_folder(
    env: dict[str, str], tmp_path: Path
) -> None:
    first = load_settings(environ=env)
    key_file = tmp_path / "secret_key"
    assert key_file.read_text(encoding="utf-8") == first.app.secret_key
    assert len(first.app.secret_key) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings(environ=env).app.secret_key == first.app.secret_key


def test_generated_secrets_differ_between_installations(tmp_path: Path) -> None:
    one = load_settings(environ={"LAWMEET_APP__DATA_DIR": str(tmp_path / "one")})
    two = load_settings(environ={"LAWMEET_APP__DATA_DIR": str(tmp_path / "two")})
    assert one.app.secret_key != two.app.secret_key


def test_given_secret_writes_no_file(env: dict[str, str], tmp_path: Path) -> None:
    env["LAWMEET_APP__SECRET_KEY"] = SECRET
    assert load_settings(environ=env).app.secret_key == SECRET
    assert not (tmp_path / "secret_key").exists()


def test_secret_is_not_shown_in_the_settings_repr() -> None:
    settings = Settings.model_validate(
        {"email": {"password": "smtp-pw"}, "sms": {"auth_token": "t"}}
    )
    assert "smtp-pw" not in repr(settings)


def test_https_public_url_turns_on_https() -> None:
    assert Settings.model_validate({"app": {"public_url": "https://lawmeet.example/"}}).uses_https
    assert not Settings().uses_https


def test_public_url_loses_its_trailing_slash() -> None:
    settings = Settings.model_validate({"app": {"public_url": "https://lawmeet.example/"}})
    assert settings.app.public_url == "https://lawmeet.example"


def test_relative_paths_resolve_against_the_project_root() -> None:
    settings = Settings.model_validate(
        {"app": {"data_dir": "var"}, "database": {"url": "sqlite://var/x.sqlite3"}}
    )
    assert settings.data_dir == PROJECT_ROOT / "var"
    assert settings.database_url == f"sqlite://{PROJECT_ROOT / 'var' / 'x.sqlite3'}"


def test_absolute_and_postgres_urls_are_kept() -> None:
    pg = "postgres://lawmeet@db:5432/lawmeet"
    assert Settings.model_validate({"database": {"url": pg}}).database_url == pg
    absolute = Settings.model_validate({"database": {"url": "sqlite:///srv/db.sqlite3"}})
    assert absolute.database_url == "sqlite:///srv/db.sqlite3"


@pytest.mark.parametrize(
    ("env_name", "fmt", "expected"),
    [
        ("production", "auto", "json"),
        ("development", "auto", "text"),
        ("development", "json", "json"),
        ("production", "text", "text"),
    ],
)
def test_log_format_follows_the_environment_unless_chosen(
    env_name: str, fmt: str, expected: str
) -> None:
    settings = Settings.model_validate({"app": {"env": env_name}, "logging": {"format": fmt}})
    assert settings.log_format() == expected


def test_settings_are_immutable() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.server.port = 1  # type: ignore[misc]


def test_twilio_without_credentials_stops_start_up(env: dict[str, str]) -> None:
    env["LAWMEET_SMS__BACKEND"] = "twilio"
    with pytest.raises(SettingsError, match=r"sms: .*needs account_sid, auth_token"):
        load_settings(environ=env)


def test_a_lease_shorter_than_a_send_stops_start_up(env: dict[str, str]) -> None:
    env["LAWMEET_NOTIFICATIONS__LEASE_SECONDS"] = "10"
    with pytest.raises(SettingsError, match=r"lease_seconds must exceed email\.timeout_seconds"):
        load_settings(environ=env)


def test_a_reporting_replica_needs_a_postgresql_primary(env: dict[str, str]) -> None:
    env["LAWMEET_DATABASE__READ_URL"] = "postgres://reader@replica:5432/lawmeet"
    with pytest.raises(SettingsError, match="SQLite has no replica"):
        load_settings(environ=env)


def test_a_reporting_replica_is_a_postgresql_url(env: dict[str, str]) -> None:
    env["LAWMEET_DATABASE__URL"] = "postgres://lawmeet@db:5432/lawmeet"
    env["LAWMEET_DATABASE__READ_URL"] = "sqlite://var/copy.sqlite3"
    with pytest.raises(SettingsError, match=r"read_url.*postgres://"):
        load_settings(environ=env)


def test_a_postgresql_primary_takes_a_reporting_replica(env: dict[str, str]) -> None:
    env["LAWMEET_DATABASE__URL"] = "postgres://lawmeet@db:5432/lawmeet"
    env["LAWMEET_DATABASE__READ_URL"] = "postgres://reader@replica:5432/lawmeet"
    assert load_settings(environ=env).database.read_url.endswith("@replica:5432/lawmeet")
