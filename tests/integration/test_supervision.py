"""Story 13: an agency's supervisor sees every overdue task of the agency, whoever holds it,
and is told once when one falls due; an administrator names the supervisor."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.cases.models import Engagement
from app.cli import main
from app.law.context import load_context
from app.settings import Settings
from notifications.models import Notification
from rights_checklist import submissions
from rights_checklist.kinds import SubmissionKind
from rights_checklist.models import Submission
from rights_checklist.overdue_tasks import TEMPLATE, tell_supervisors
from tests.integration.helpers import (
    api_token,
    bearer,
    in_database,
    make_user,
    post_form,
    sign_in_as,
    signed_in,
)
from tests.integration.submission_world import active_world
from tests.integration.world import World

BEIJING = ZoneInfo("Asia/Shanghai")
LONG_AGO = datetime(2026, 1, 5, 10, 0, tzinfo=BEIJING)


async def application(settings: Settings, world: World, at: datetime | None = None) -> Submission:
    """A bail application filed at ``at`` (long ago by default: its 3 days have passed)."""
    engagement = await Engagement.get(id=world.beijing.engagement.id)
    return await submissions.submit(
        world.beijing.lawyer, engagement, SubmissionKind.MEASURE_CHANGE, "请求变更为取保候审。", [],
        settings.data_dir, 1_000_000, await load_context(settings.legal), now=at or LONG_AGO,
    )  # fmt: skip


async def supervisor_of(world: World) -> User:
    return await make_user(Role.INVESTIGATOR, agency=world.beijing.agency,
                           supervises_agency=True, region_code="110108")  # fmt: skip


async def test_the_supervisor_sees_an_overdue_task_on_the_task_list(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    late = await application(settings, world)
    await sign_in_as(client, await supervisor_of(world))
    page = (await client.get("/tasks/submissions")).text
    section = page.split('id="h-overdue"', 1)[1].split("</section>", 1)[0]
    assert f'href="/submissions/{late.id}"' in section
    row = section.split(f'href="/submissions/{late.id}"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r"<td[^>]*>\d+ ?(d|天)", row), row  # how long overdue, in words


async def test_an_investigator_who_does_not_supervise_sees_no_agency_section(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    await application(settings, world)
    await sign_in_as(client, world.beijing.investigator)
    assert 'id="h-overdue"' not in (await client.get("/tasks/submissions")).text


async def test_each_supervisor_is_told_of_an_overdue_task_once(
    database: None, settings: Settings
) -> None:
    world = await active_world(settings)
    late = await application(settings, world)
    supervisor = await supervisor_of(world)
    context = await load_context(settings.legal)
    assert await tell_supervisors(context, "http://testserver") >= 1
    assert await tell_supervisors(context, "http://testserver") == 0
    rows = await Notification.filter(recipient_id=supervisor.id, template=TEMPLATE)
    keys = [row.payload["task"] for row in rows if row.channel == "inapp"]
    assert keys.count(f"submission:{late.id}:{late.duty}") == 1
    assert rows[0].payload["url"].startswith("http://testserver/")


async def test_a_task_not_yet_due_is_not_told(database: None, settings: Settings) -> None:
    world = await active_world(settings)
    fresh = await application(settings, world, at=datetime.now(BEIJING) - timedelta(minutes=5))
    supervisor = await supervisor_of(world)
    await tell_supervisors(await load_context(settings.legal))
    told = await Notification.filter(recipient_id=supervisor.id, template=TEMPLATE)
    assert f"submission:{fresh.id}:{fresh.duty}" not in {row.payload["task"] for row in told}


async def test_another_agencys_supervisor_is_not_told(database: None, settings: Settings) -> None:
    world = await active_world(settings)
    late = await application(settings, world)
    other = await make_user(Role.INVESTIGATOR, agency=world.shanghai.agency,
                            supervises_agency=True)  # fmt: skip
    await tell_supervisors(await load_context(settings.legal))
    told = await Notification.filter(recipient_id=other.id, template=TEMPLATE)
    assert f"submission:{late.id}:{late.duty}" not in {row.payload["task"] for row in told}


async def test_the_api_lists_overdue_tasks_for_a_supervisor_only(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    late = await application(settings, world)
    supervisor = await supervisor_of(world)
    listed = await client.get("/api/v1/tasks/overdue", headers=bearer(await api_token(supervisor)))
    assert listed.status_code == 200
    (task,) = [t for t in listed.json() if t["url"] == f"/submissions/{late.id}"]
    assert task["overdue_minutes"] > 60 * 24 and task["what"] == "application"
    plain = bearer(await api_token(world.beijing.investigator))
    assert (await client.get("/api/v1/tasks/overdue", headers=plain)).status_code == 403


async def test_an_admin_names_the_supervisor_on_the_users_page(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    await signed_in(client, Role.ADMIN)
    investigator = world.beijing.investigator
    response = await post_form(client, f"/admin/users/{investigator.id}/supervisor",
                               csrf_page="/admin/users")  # fmt: skip
    assert response.status_code == 303
    await investigator.refresh_from_db()
    assert investigator.supervises_agency
    assert await AuditEntry.filter(action="user.supervisor_set").count() == 1


async def test_only_an_investigator_can_be_a_supervisor(client: AsyncClient) -> None:
    staff = await make_user(Role.DETENTION_STAFF)
    await signed_in(client, Role.ADMIN)
    response = await post_form(client, f"/admin/users/{staff.id}/supervisor",
                               csrf_page="/admin/users")  # fmt: skip
    assert response.status_code == 400
    await staff.refresh_from_db()
    assert not staff.supervises_agency


async def test_the_api_names_the_supervisor(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    headers = bearer(await api_token(await make_user(Role.ADMIN)))
    target = world.beijing.investigator.id
    response = await client.put(f"/api/v1/users/{target}/supervisor", headers=headers,
                                json={"supervises": True})  # fmt: skip
    assert response.status_code == 200 and response.json()["supervises_agency"] is True


def test_the_cli_names_the_supervisor(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("LAWMEET_DATABASE__URL", settings.database.url)
    monkeypatch.setenv("LAWMEET_APP__DATA_DIR", str(tmp_path))
    world = in_database(settings, lambda: active_world(settings))
    name = world.beijing.investigator.username
    assert main(["user", "supervisor", name]) == 0
    assert "supervises" in capsys.readouterr().out
    assert in_database(settings, lambda: User.get(username=name)).supervises_agency
