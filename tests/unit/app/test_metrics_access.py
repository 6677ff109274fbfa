"""Who may read /metrics ([metrics] settings), and the route labels its histogram uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.presentation.metrics import MetricsAccess, route_template
from app.settings import Settings, SettingsError, load_settings

TOKEN = "scrape-token-0123456789abcdef"


def with_metrics(**metrics: object) -> Settings:
    return Settings.model_validate({"metrics": metrics})


def test_metrics_cannot_be_enabled_without_a_token(tmp_path: Path) -> None:
    env = {"LAWMEET_APP__DATA_DIR": str(tmp_path), "LAWMEET_METRICS__ENABLED": "true"}
    with pytest.raises(SettingsError, match=r"metrics\.enabled needs token or token_file"):
        load_settings(environ=env)


def test_a_short_token_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 characters"):
        with_metrics(enabled=True, token="short")


def test_when_off_every_scrape_is_not_found() -> None:
    access = MetricsAccess.from_settings(with_metrics(enabled=False))
    assert access.status_for(f"Bearer {TOKEN}") == 404


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (f"Bearer {TOKEN}", 200),
        (f"bearer {TOKEN}", 200),
        ("", 401),
        ("Bearer ", 401),
        (f"Bearer {TOKEN}0", 401),
        (f"Basic {TOKEN}", 401),
    ],
)
def test_only_the_configured_bearer_token_may_scrape(authorization: str, status: int) -> None:
    access = MetricsAccess.from_settings(with_metrics(enabled=True, token=TOKEN))
    assert access.status_for(authorization) == status


def test_the_token_is_read_from_its_file(tmp_path: Path) -> None:
    token_file = tmp_path / "metrics-token"
    token_file.write_text(f"{TOKEN}\n", encoding="utf-8")
    access = MetricsAccess.from_settings(with_metrics(enabled=True, token_file=str(token_file)))
    assert access.status_for(f"Bearer {TOKEN}") == 200


@pytest.mark.parametrize("content", [None, "", "too-short"])
def test_a_missing_or_short_token_file_stops_start_up(tmp_path: Path, content: str | None) -> None:
    token_file = tmp_path / "metrics-token"
    if content is not None:
        token_file.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match=r"metrics\.token_file"):
        MetricsAccess.from_settings(with_metrics(enabled=True, token_file=str(token_file)))


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/meetings/{meeting_id:int}", "/meetings/{meeting_id}"),
        ("/feeds/{token}.ics", "/feeds/{token}.ics"),
        ("/api/v1/cases/{case_id:int}/checklist", "/api/v1/cases/{case_id}/checklist"),
        ("/static", "/static"),
    ],
)
def test_a_route_is_labelled_by_its_template_without_convertors(path: str, label: str) -> None:
    assert route_template(path) == label
