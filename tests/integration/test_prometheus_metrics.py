"""/metrics: off by default, a bearer token to scrape, and the figures an operator alerts on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from app.audit.models import AuditCheckpoint
from app.settings import MetricsSection, Settings, load_settings
from notifications import heartbeat
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.worker import Worker
from tests.integration.helpers import bearer
from tests.integration.meeting_world import make_party, make_place

TOKEN = "scrape-token-0123456789abcdef"


@pytest.fixture
def metrics_on() -> bool:
    return True


@pytest.fixture
def settings(settings: Settings, metrics_on: bool) -> Settings:
    section = MetricsSection(enabled=metrics_on, token=TOKEN if metrics_on else "")
    return settings.model_copy(update={"metrics": section})


async def scrape(client: AsyncClient) -> dict[str, list[Sample]]:
    response = await client.get("/metrics", headers=bearer(TOKEN))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {f.name: f.samples for f in text_string_to_metric_families(response.text)}


def value(samples: list[Sample], name: str, **labels: str) -> float:
    found = [s.value for s in samples if s.name == name and labels.items() <= s.labels.items()]
    assert len(found) == 1, (name, labels, samples)
    return found[0]


def test_metrics_are_off_in_the_shipped_settings() -> None:
    assert load_settings(environ={}).metrics.enabled is False


class TestWhenOff:
    @pytest.fixture
    def metrics_on(self) -> bool:
        return False

    async def test_the_endpoint_does_not_exist(self, client: AsyncClient) -> None:
        assert (await client.get("/metrics", headers=bearer(TOKEN))).status_code == 404


async def test_a_scrape_without_a_token_is_refused(client: AsyncClient) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "lawmeet_" not in response.text


@pytest.mark.parametrize(
    "authorization", [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN]
)
async def test_a_scrape_with_another_token_is_refused(
    client: AsyncClient, authorization: str
) -> None:
    response = await client.get("/metrics", headers={"Authorization": authorization})
    assert response.status_code == 401


async def test_a_scrape_sets_no_cookie(client: AsyncClient) -> None:
    response = await client.get("/metrics", headers=bearer(TOKEN))
    assert "set-cookie" not in response.headers


async def test_request_latency_is_counted_by_route_template_not_raw_path(
    client: AsyncClient,
) -> None:
    def visits(samples: list[Sample]) -> float:
        series = {"route": "/meetings/{meeting_id}", "method": "GET", "status": "3xx"}
        name = "lawmeet_http_request_duration_seconds_count"
        found = [s.value for s in samples if s.name == name and s.labels == series]
        return found[0] if found else 0.0

    before = visits((await scrape(client))["lawmeet_http_request_duration_seconds"])
    await client.get("/meetings/987654")  # a visitor: sent to the login page (303)
    samples = (await scrape(client))["lawmeet_http_request_duration_seconds"]
    assert visits(samples) == before + 1
    routes = {s.labels["route"] for s in samples if "route" in s.labels}
    assert not any("987654" in route for route in routes)


async def test_a_path_no_route_matches_is_counted_as_unmatched(client: AsyncClient) -> None:
    await client.get("/no/such/page/31337")
    samples = (await scrape(client))["lawmeet_http_request_duration_seconds"]
    routes = {s.labels["route"] for s in samples if "route" in s.labels}
    assert "unmatched" in routes
    assert not any("31337" in route for route in routes)


async def test_outbox_depth_counts_a_due_notice_by_channel(client: AsyncClient) -> None:
    due_since = datetime.now(UTC) - timedelta(minutes=10)
    await Notification.create(
        template="test_message", channel=Channel.SMS, address="+8613800000000",
        next_attempt_at=due_since,
    )  # fmt: skip
    await Notification.create(  # not due yet: not in the depth
        template="test_message", channel=Channel.SMS, address="+8613800000001",
        next_attempt_at=datetime.now(UTC) + timedelta(hours=1),
    )  # fmt: skip
    families = await scrape(client)
    assert value(families["lawmeet_outbox_due"], "lawmeet_outbox_due", channel="sms") == 1
    assert value(families["lawmeet_outbox_due"], "lawmeet_outbox_due", channel="email") == 0
    oldest = value(
        families["lawmeet_outbox_oldest_due_seconds"],
        "lawmeet_outbox_oldest_due_seconds",
        channel="sms",
    )
    assert 590 <= oldest <= 900


async def test_dead_notices_are_counted_by_channel(client: AsyncClient) -> None:
    await Notification.create(
        template="test_message", channel=Channel.EMAIL, address="a@example.cn",
        status=Status.DEAD, attempts=8, next_attempt_at=datetime.now(UTC),
    )  # fmt: skip
    samples = (await scrape(client))["lawmeet_notifications_dead"]
    assert value(samples, "lawmeet_notifications_dead", channel="email") == 1
    assert value(samples, "lawmeet_notifications_dead", channel="sms") == 0


async def test_a_request_near_its_48_hours_is_at_risk_for_its_facility(
    client: AsyncClient,
) -> None:
    place, quiet = await make_place(), await make_place()
    soon, late = await make_party(place), await make_party(place)
    soon.request.deadline_at = datetime.now(UTC) + timedelta(hours=3)
    await soon.request.save(update_fields=["deadline_at"])
    late.request.deadline_at = datetime.now(UTC) + timedelta(hours=40)  # not yet at risk
    await late.request.save(update_fields=["deadline_at"])
    families = await scrape(client)
    at_risk = families["lawmeet_meeting_requests_at_risk"]
    name = "lawmeet_meeting_requests_at_risk"
    assert value(at_risk, name, facility_id=str(place.facility.id)) == 1
    assert value(at_risk, name, facility=place.facility.name) == 1
    assert value(at_risk, name, facility_id=str(quiet.facility.id)) == 0
    overdue = families["lawmeet_meeting_requests_overdue"]
    assert value(overdue, "lawmeet_meeting_requests_overdue", facility=place.facility.name) == 0


async def test_a_request_past_its_48_hours_is_overdue_for_its_facility(
    client: AsyncClient,
) -> None:
    place = await make_place()
    party = await make_party(place)
    party.request.deadline_at = datetime.now(UTC) - timedelta(hours=1)
    await party.request.save(update_fields=["deadline_at"])
    families = await scrape(client)
    facility = place.facility.name
    at_risk = families["lawmeet_meeting_requests_at_risk"]
    assert value(at_risk, "lawmeet_meeting_requests_at_risk", facility=facility) == 1
    overdue = families["lawmeet_meeting_requests_overdue"]
    assert value(overdue, "lawmeet_meeting_requests_overdue", facility=facility) == 1


async def test_the_checkpoint_age_is_absent_until_a_head_is_signed(client: AsyncClient) -> None:
    assert "lawmeet_audit_checkpoint_age_seconds" not in await scrape(client)


async def test_the_age_of_the_last_signed_checkpoint_is_reported(client: AsyncClient) -> None:
    now = datetime.now(UTC)
    for size, minutes_ago in ((0, 60), (0, 2)):
        await AuditCheckpoint.create(
            size=size, root="00" * 32, at=now - timedelta(minutes=minutes_ago), note="test"
        )
    samples = (await scrape(client))["lawmeet_audit_checkpoint_age_seconds"]
    age = value(samples, "lawmeet_audit_checkpoint_age_seconds")
    assert 110 <= age <= 400


async def test_a_worker_round_is_reported_as_a_heartbeat(
    client: AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(heartbeat, "_beats", {})  # no beat of an earlier test's worker
    assert (await scrape(client)).get("lawmeet_worker_heartbeat_age_seconds", []) == []
    stop = asyncio.Event()
    worker = Worker(settings.notifications, senders={})

    async def one_round() -> int:
        stop.set()  # the loop ends after this round
        return 0

    worker.run_once = one_round  # type: ignore[method-assign]
    await worker.run(stop)
    samples = (await scrape(client))["lawmeet_worker_heartbeat_age_seconds"]
    assert 0 <= value(samples, "lawmeet_worker_heartbeat_age_seconds", loop="delivery") < 5


async def test_the_database_figures_say_they_were_read(client: AsyncClient) -> None:
    samples = (await scrape(client))["lawmeet_metrics_database_up"]
    assert value(samples, "lawmeet_metrics_database_up") == 1
