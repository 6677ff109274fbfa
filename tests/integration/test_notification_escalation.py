"""Escalation: a statutory notice that died, or was not sent by its deadline (+ grace), is
raised once to the unit that owes it, shown to that unit only, and resolved with a note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from httpx import AsyncClient

from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.cases.models import Case
from app.settings import Settings
from notifications.escalation import sweep
from notifications.kinds import Channel, Status
from notifications.models import Escalation, Notification
from notifications.services import enqueue
from notifications.worker import Worker
from tests.integration.case_world import CaseWorld, make_case_world
from tests.integration.helpers import (
    api_token,
    bearer,
    in_english,
    make_user,
    post_form,
    sign_in_as,
)
from tests.integration.notification_fakes import RecordingSender, worker_config
from tests.integration.test_cli import SECRET, in_database, lawmeet

TEXT = {"text": "x"}


async def statutory(
    case: Case | None,
    *,
    status: Status = Status.PENDING,
    deadline_minutes: int = -30,
    payload: dict[str, object] | None = None,
    duty_id: str | None = "N5",
) -> Notification:
    row = await enqueue(
        "test_message",
        Channel.EMAIL,
        address="lawyer@example.test",
        payload={**TEXT, **(payload or {})},
        duty_id=duty_id,
        deadline=datetime.now(UTC) + timedelta(minutes=deadline_minutes),
        case=case,
    )
    await Notification.filter(id=row.id).update(status=status)
    return row


@pytest.fixture
async def world(database: object) -> CaseWorld:
    return await make_case_world()


async def test_a_dead_statutory_notice_is_escalated_once_to_the_cases_agency(
    world: CaseWorld,
) -> None:
    row = await statutory(world.case, status=Status.DEAD, deadline_minutes=600)
    assert await sweep(0) == 1
    assert await sweep(0) == 0
    (escalation,) = await Escalation.all()
    assert (escalation.notification_id, escalation.reason) == (row.id, "dead")
    assert (escalation.agency_id, escalation.facility_id) == (world.agency.id, None)
    assert escalation.case_id == world.case.id
    assert await AuditEntry.filter(action="escalation.raised").count() == 1


async def test_an_overdue_statutory_notice_is_escalated_after_the_grace(world: CaseWorld) -> None:
    await statutory(world.case, deadline_minutes=-30)
    assert await sweep(grace_minutes=60) == 0
    assert await sweep(grace_minutes=10) == 1
    assert await sweep(grace_minutes=10) == 0
    assert [e.reason for e in await Escalation.all()] == ["overdue"]


async def test_notices_sent_on_time_or_not_statutory_are_not_escalated(world: CaseWorld) -> None:
    await statutory(world.case, status=Status.SENT)
    await statutory(world.case, status=Status.DELIVERED)
    await statutory(world.case, status=Status.DEAD, duty_id=None)
    await statutory(world.case, deadline_minutes=60)
    assert await sweep(0) == 0


async def test_a_notice_owed_by_a_facility_is_escalated_to_the_facility(world: CaseWorld) -> None:
    await statutory(
        world.case, status=Status.DEAD, payload={"responsible_facility_id": world.facility.id}
    )
    await sweep(0)
    (escalation,) = await Escalation.all()
    assert (escalation.agency_id, escalation.facility_id) == (None, world.facility.id)


async def test_the_worker_loop_sweeps_every_poll(world: CaseWorld) -> None:
    await statutory(world.case, status=Status.DEAD)
    worker = Worker(worker_config(), {channel: RecordingSender() for channel in Channel})
    await worker.sweep_escalations()
    assert await Escalation.all().count() == 1


async def test_each_unit_sees_only_its_own_escalations(client: AsyncClient) -> None:
    world = await make_case_world()
    in_english(client)
    other = await make_case_world("310101")  # another agency, facility and jurisdiction
    await statutory(world.case, status=Status.DEAD)
    await statutory(other.case, status=Status.DEAD)
    await sweep(0)
    mine, theirs = await Escalation.all().order_by("id")
    await sign_in_as(client, world.investigator)
    page = (await client.get("/escalations")).text
    assert f'id="escalation-{mine.id}"' in page
    assert f'id="escalation-{theirs.id}"' not in page
    response = await post_form(
        client, f"/escalations/{theirs.id}/resolve", {"note": "x"}, csrf_page="/escalations"
    )
    assert response.status_code == 404


async def test_staff_see_their_facilitys_escalations_not_the_agencys(client: AsyncClient) -> None:
    world = await make_case_world()
    await statutory(world.case, status=Status.DEAD)
    await statutory(
        world.case, status=Status.DEAD, payload={"responsible_facility_id": world.facility.id}
    )
    await sweep(0)
    agency_row, facility_row = await Escalation.all().order_by("id")
    await sign_in_as(client, world.staff)
    page = (await client.get("/escalations")).text
    assert f'id="escalation-{facility_row.id}"' in page
    assert f'id="escalation-{agency_row.id}"' not in page


async def test_the_api_lists_by_jurisdiction_for_auditors_and_everything_for_admins(
    client: AsyncClient,
) -> None:
    world = await make_case_world()
    other = await make_case_world("310101")
    await statutory(world.case, status=Status.DEAD)
    await statutory(other.case, status=Status.DEAD)
    await sweep(0)
    auditor = bearer(await api_token(world.auditor))
    admin = bearer(await api_token(await make_user(Role.ADMIN)))
    lawyer = bearer(await api_token(world.lawyer))
    seen = (await client.get("/api/v1/escalations", headers=auditor)).json()
    assert [item["case_id"] for item in seen] == [world.case.id]
    assert len((await client.get("/api/v1/escalations", headers=admin)).json()) == 2
    assert (await client.get("/api/v1/escalations", headers=lawyer)).status_code == 403


async def test_resolving_needs_a_note_and_is_audited(client: AsyncClient) -> None:
    world = await make_case_world()
    in_english(client)
    await statutory(world.case, status=Status.DEAD)
    await sweep(0)
    (escalation,) = await Escalation.all()
    await sign_in_as(client, world.investigator)
    path = f"/escalations/{escalation.id}/resolve"
    empty = await post_form(client, path, {"note": "  "}, csrf_page="/escalations")
    assert empty.status_code == 422 and "Say what was done about it." in empty.text
    done = await post_form(
        client, path, {"note": "Told the lawyer by phone"}, csrf_page="/escalations"
    )
    assert done.status_code == 303
    await escalation.refresh_from_db()
    assert escalation.resolved_by_id == world.investigator.id
    assert escalation.resolution == "Told the lawyer by phone"
    (entry,) = await AuditEntry.filter(action="escalation.resolved")
    assert (entry.actor_id, entry.object_id) == (world.investigator.id, str(escalation.id))
    again = await post_form(client, path, {"note": "again"}, csrf_page="/escalations")
    assert again.status_code == 409


async def test_an_auditor_may_view_but_not_resolve(client: AsyncClient) -> None:
    world = await make_case_world()
    await statutory(world.case, status=Status.DEAD)
    await sweep(0)
    (escalation,) = await Escalation.all()
    await sign_in_as(client, world.auditor)
    assert f'id="escalation-{escalation.id}"' in (await client.get("/escalations")).text
    response = await post_form(
        client, f"/escalations/{escalation.id}/resolve", {"note": "x"}, csrf_page="/escalations"
    )
    assert response.status_code == 403


async def test_the_case_page_shows_its_open_escalations(client: AsyncClient) -> None:
    world = await make_case_world()
    in_english(client)
    await statutory(world.case, status=Status.DEAD)
    await sweep(0)
    (escalation,) = await Escalation.all()
    await sign_in_as(client, world.investigator)
    page = (await client.get(f"/cases/{world.case.id}")).text
    assert f'id="case-escalation-{escalation.id}"' in page and "Open escalations" in page
    await Escalation.filter(id=escalation.id).update(resolved_at=datetime.now(UTC))
    assert "case-escalation-" not in (await client.get(f"/cases/{world.case.id}")).text


async def test_the_api_resolves_in_scope_with_a_note_and_404s_outside(
    client: AsyncClient,
) -> None:
    world = await make_case_world()
    other = await make_case_world("310101")
    await statutory(world.case, status=Status.DEAD)
    await statutory(other.case, status=Status.DEAD)
    await sweep(0)
    mine, theirs = await Escalation.all().order_by("id")
    headers = bearer(await api_token(world.investigator))
    empty = await client.post(
        f"/api/v1/escalations/{mine.id}/resolve", headers=headers, json={"note": " "}
    )
    outside = await client.post(
        f"/api/v1/escalations/{theirs.id}/resolve", headers=headers, json={"note": "x"}
    )
    done = await client.post(
        f"/api/v1/escalations/{mine.id}/resolve", headers=headers, json={"note": "Phoned"}
    )
    assert (empty.status_code, outside.status_code, done.status_code) == (422, 404, 200)
    assert done.json()["resolution"] == "Phoned" and done.json()["resolved_at"]
    assert (await client.get("/api/v1/escalations", headers=headers)).json() == []


@pytest.mark.usefixtures("cli_env")
def test_notify_escalate_raises_escalations_for_cron(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    async def dead_notice() -> None:
        row = await enqueue("test_message", Channel.CONSOLE, payload=TEXT, duty_id="N8")
        await Notification.filter(id=row.id).update(status=Status.DEAD)

    in_database(settings, dead_notice)
    first = lawmeet(capsys, "notify", "escalate")
    second = lawmeet(capsys, "notify", "escalate")
    assert (first[0], first[1].strip()) == (0, "1 escalation(s) raised")
    assert second[1].strip() == "0 escalation(s) raised"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("LAWMEET_DATABASE__URL", db_url)
    monkeypatch.setenv("LAWMEET_APP__SECRET_KEY", SECRET)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LAWMEET_LOGGING__LEVEL", "WARNING")
