"""Typed settings: `settings.toml` defaults, overridden by LAWMEET_<SECTION>__<KEY> variables.

A bad value stops start-up with a message naming the key and what it accepts.
"""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

ENV_PREFIX = "LAWMEET_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS_FILE = PROJECT_ROOT / "settings.toml"


class SettingsError(Exception):
    """Raised when settings cannot be loaded; the message is meant for an operator."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSection(_Section):
    env: Literal["development", "production"] = "development"
    secret_key: str = ""
    data_dir: Path = Path("var")
    public_url: str = "http://127.0.0.1:8000"

    @field_validator("public_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http:// or https:// URL")
        return value.rstrip("/")


class ServerSection(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)


class DatabaseSection(_Section):
    url: str = "sqlite://var/lawmeet.sqlite3"
    read_url: str = ""
    read_max_lag_seconds: int = Field(300, ge=0, le=86_400)

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        scheme = value.split("://", 1)[0]
        if scheme not in ("sqlite", "postgres", "asyncpg", "postgresql"):
            raise ValueError("must start with sqlite:// or postgres://")
        return value

    @field_validator("read_url")
    @classmethod
    def _postgres_replica(cls, value: str) -> str:
        if value and value.split("://", 1)[0] not in ("postgres", "asyncpg", "postgresql"):
            raise ValueError("must be empty or start with postgres:// (a streaming replica)")
        return value

    @model_validator(mode="after")
    def _replica_of_postgres(self) -> DatabaseSection:
        if self.read_url and self.url.startswith("sqlite"):
            raise ValueError("read_url needs a PostgreSQL url: SQLite has no replica")
        return self


class I18nSection(_Section):
    default_locale: Literal["zh-CN", "en"] = "zh-CN"
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Asia/Shanghai") from None
        return value


class SessionSection(_Section):
    idle_timeout_minutes: int = Field(30, ge=1, le=24 * 60)
    absolute_timeout_hours: int = Field(12, ge=1, le=24 * 30)
    cookie_name: str = Field("lawmeet_session", pattern=r"^[A-Za-z0-9_]+$")


class SecuritySection(_Section):
    max_failures_per_account: int = Field(5, ge=1, le=1000)
    max_failures_per_address: int = Field(20, ge=1, le=100000)
    throttle_window_minutes: int = Field(15, ge=1, le=24 * 60)


class EmailSection(_Section):
    backend: Literal["console", "smtp"] = "console"
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    tls: Literal["none", "starttls", "tls"] = "none"
    username: str = ""
    password: str = Field("", repr=False)
    from_address: str = "lawmeet@localhost"
    timeout_seconds: float = Field(30, gt=0, le=600)


class SmsSection(_Section):
    backend: Literal["console", "twilio"] = "console"
    account_sid: str = ""
    auth_token: str = Field("", repr=False)
    from_number: str = ""

    @model_validator(mode="after")
    def _twilio_needs_credentials(self) -> SmsSection:
        if self.backend == "twilio" and not (
            self.account_sid and self.auth_token and self.from_number
        ):
            raise ValueError("backend twilio needs account_sid, auth_token and from_number")
        return self


class NotificationsSection(_Section):
    run_worker_in_process: bool = True
    max_attempts: int = Field(8, ge=1, le=100)
    backoff_base_seconds: float = Field(30, gt=0, le=3600)
    lease_seconds: float = Field(120, gt=0, le=24 * 3600)
    poll_seconds: float = Field(5, gt=0, le=3600)
    batch_size: int = Field(20, ge=1, le=1000)
    # Meeting reminders, in minutes before the start; a reminder whose time has passed is dropped.
    reminder_offsets_minutes: tuple[int, ...] = (24 * 60, 120)
    # Minutes after a statutory notice's deadline (undelivered) before it is escalated.
    escalation_grace_minutes: int = Field(0, ge=0, le=24 * 60)
    # How often the worker looks for newly overdue tasks to tell the agency's supervisor.
    overdue_sweep_seconds: float = Field(60, gt=0, le=24 * 3600)


class CalendarSection(_Section):
    # VALARM triggers in invites and feeds, minutes before the meeting.
    alarm_minutes_before: tuple[int, ...] = (60,)


class UploadsSection(_Section):
    max_bytes: int = Field(10 * 1024 * 1024, ge=1024, le=200 * 1024 * 1024)


class LegalSection(_Section):
    meeting_clock_start: Literal["on_request", "after_document_check"] = "on_request"
    hour_start_rule: Literal["next_full_hour", "exact"] = "next_full_hour"
    hour_periods_extend_on_holiday: bool = False
    decision_days_kind: Literal["calendar", "working"] = "calendar"
    permission_case_categories: tuple[
        Literal["state_security", "terrorism", "especially_serious_bribery"], ...
    ] = ("state_security", "terrorism")
    prompt_target_hours: int = Field(24, ge=1, le=24 * 30)
    # Local rules bar one lawyer from defending linked co-defendants: warn, or refuse.
    co_defendant_conflict: Literal["warn", "refuse"] = "warn"


class ClockSection(_Section):
    # Lets `lawmeet clock set` run the app at another instant (demos and browser tests; see
    # app/clock.py). Refused in production.
    adjustable: bool = False


class ComplianceSection(_Section):
    # The public transparency page (/transparency): aggregate figures per facility, no login.
    public_page: bool = False


class AuditSection(_Section):
    # The Ed25519 key that signs the audit log's tree heads (`lawmeet audit keygen`): a file
    # outside the database. Empty: DATA_DIR/audit-signing-key.pem.
    signing_key_file: Path = Path("")
    # The log's name in its checkpoints. Empty: "<host of app.public_url>/audit".
    origin: str = Field("", max_length=200)
    # How often the worker signs a new tree head when the log has grown.
    checkpoint_minutes: int = Field(5, ge=1, le=24 * 60)


class WaitlistSection(_Section):
    # How long an offered slot is held for the lawyer; shorter when the slot starts sooner.
    offer_hold_minutes: int = Field(30, ge=1, le=24 * 60)
    # Slots starting sooner than this are not offered: nobody could get there in time.
    min_notice_minutes: int = Field(30, ge=0, le=24 * 60)
    # How far ahead freed capacity is offered, in days.
    horizon_days: int = Field(14, ge=1, le=90)


class VideoSection(_Section):
    # "fixed": each video room's configured address; "jitsi": a self-hosted Jitsi Meet with JWT.
    provider: Literal["fixed", "jitsi"] = "fixed"
    jitsi_url: str = Field("", max_length=300)  # e.g. https://meet.example.gov.cn
    jitsi_app_id: str = Field("", max_length=100)  # the JWT "iss", as set in Jitsi's prosody
    jitsi_secret_file: Path = Path("")  # the shared HS256 secret, one line
    # The join link works from this many minutes before the start to the end of the meeting.
    join_early_minutes: int = Field(10, ge=0, le=120)


class MetricsSection(_Section):
    # Prometheus metrics at /metrics: off (404) unless enabled; a scraper sends the token as
    # "Authorization: Bearer <token>" (else 401).
    enabled: bool = False
    # The bearer token, or (preferred) a file holding it on one line; one of them when enabled.
    token: str = Field("", repr=False)
    token_file: Path = Path("")
    # `lawmeet worker` serves its own /metrics on this port (0: none), with the same token.
    worker_port: int = Field(0, ge=0, le=65535)
    worker_host: str = "127.0.0.1"

    @model_validator(mode="after")
    def _token_when_enabled(self) -> MetricsSection:
        if self.enabled and not (self.token or self.token_file != Path("")):
            raise ValueError("metrics.enabled needs token or token_file")
        if self.token and len(self.token) < 16:
            raise ValueError("metrics.token must be at least 16 characters")
        return self


class LoggingSection(_Section):
    format: Literal["auto", "json", "text"] = "auto"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(_Section):
    app: AppSection = AppSection()
    server: ServerSection = ServerSection()
    database: DatabaseSection = DatabaseSection()
    i18n: I18nSection = I18nSection()
    session: SessionSection = SessionSection()
    security: SecuritySection = SecuritySection()
    email: EmailSection = EmailSection()
    sms: SmsSection = SmsSection()
    notifications: NotificationsSection = NotificationsSection()
    calendar: CalendarSection = CalendarSection()
    uploads: UploadsSection = UploadsSection()
    legal: LegalSection = LegalSection()
    clock: ClockSection = ClockSection()
    compliance: ComplianceSection = ComplianceSection()
    logging: LoggingSection = LoggingSection()
    waitlist: WaitlistSection = WaitlistSection()
    video: VideoSection = VideoSection()
    audit: AuditSection = AuditSection()
    metrics: MetricsSection = MetricsSection()

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Settings:
        # A send still running when its lease ends would be sent again by another worker.
        if self.notifications.lease_seconds <= self.email.timeout_seconds:
            raise ValueError("notifications.lease_seconds must exceed email.timeout_seconds")
        return self

    @model_validator(mode="after")
    def _real_clock_in_production(self) -> Settings:
        if self.is_production and self.clock.adjustable:
            raise ValueError("clock.adjustable must be false in production")
        return self

    @property
    def clock_dir(self) -> Path | None:
        """Where an adjustable clock is kept (None: the system clock)."""
        return self.data_dir if self.clock.adjustable else None

    @property
    def audit_key_path(self) -> Path:
        path = self.audit.signing_key_file
        if path == Path(""):
            return self.data_dir / "audit-signing-key.pem"
        return path if path.is_absolute() else PROJECT_ROOT / path

    @property
    def audit_origin(self) -> str:
        return self.audit.origin or f"{urlsplit(self.app.public_url).netloc}/audit"

    @property
    def is_production(self) -> bool:
        return self.app.env == "production"

    @property
    def uses_https(self) -> bool:
        return self.app.public_url.startswith("https://")

    @property
    def data_dir(self) -> Path:
        path = self.app.data_dir
        return path if path.is_absolute() else PROJECT_ROOT / path

    @property
    def database_url(self) -> str:
        """The database URL with a relative SQLite path resolved against the project root."""
        url = self.database.url
        if url.startswith("sqlite://") and url != "sqlite://:memory:":
            path = Path(url.removeprefix("sqlite://"))
            if not path.is_absolute():
                return f"sqlite://{PROJECT_ROOT / path}"
        return url

    def log_format(self) -> Literal["json", "text"]:
        if self.logging.format == "auto":
            return "json" if self.is_production else "text"
        return self.logging.format


def _parse_env_value(raw: str) -> Any:
    """Environment values are strings; lists and tables may be written as JSON."""
    stripped = raw.strip()
    if stripped.startswith(("[", "{")):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return raw
    return raw


def _apply_env(data: dict[str, Any], environ: Mapping[str, str]) -> None:
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name.removeprefix(ENV_PREFIX).lower().partition("__")
        if section not in Settings.model_fields:
            raise SettingsError(f"{name}: unknown settings section [{section}]")
        data.setdefault(section, {})[key] = _parse_env_value(raw)


def _describe(error: Mapping[str, Any]) -> str:
    key = ".".join(str(part) for part in error["loc"] if not isinstance(part, int))
    ctx = error.get("ctx") or {}
    if error["type"] == "literal_error":
        return f"{key}: got {error['input']!r}; accepted values: {ctx.get('expected')}"
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown setting"
    return f"{key}: {error['msg']} (got {error.get('input')!r})"


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    path = path or Path(environ.get("LAWMEET_SETTINGS_FILE", DEFAULT_SETTINGS_FILE))
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"settings file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    _apply_env(data, environ)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(err) for err in exc.errors())
        raise SettingsError(f"invalid settings: {problems}") from None
    return with_secret_key(settings)


def with_secret_key(settings: Settings) -> Settings:
    """Production needs a real secret; development generates one once into the data folder."""
    if settings.app.secret_key:
        if len(settings.app.secret_key) < 32:
            raise SettingsError("app.secret_key: must be at least 32 characters")
        return settings
    if settings.is_production:
        raise SettingsError(
            "app.secret_key: required in production; set LAWMEET_APP__SECRET_KEY "
            "(for example from `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    key_file = settings.data_dir / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        key_file.chmod(0o600)
    secret = key_file.read_text(encoding="utf-8").strip()
    return settings.model_copy(
        update={"app": settings.app.model_copy(update={"secret_key": secret})}
    )
