"""The header's language switch changes the pages of this browser, never the language the
user chose for notices (issue 15): case-status notices keep the saved language."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from httpx import AsyncClient

from app import clock
from app.accounts.models import User
from app.cases import services
from app.cases.kinds import EventKind
from app.law.context import LegalContext
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from notifications.models import Notification, NotificationPreference
from rights_checklist import case_notices
from tests.integration.case_world import engage, make_case_world
from tests.integration.helpers import login, post_form

CONTEXT = LegalContext(RestDayCalendar(), LegalPolicies())


async def test_switching_the_page_language_leaves_the_account_language_alone(
    client: AsyncClient,
) -> None:
    world = await make_case_world()
    await login(client, world.lawyer.username)
    await post_form(client, "/language", {"locale": "en", "next": "/"}, csrf_page="/")
    page = await client.get("/profile")
    assert '<html lang="en"' in page.text
    assert (await User.get(id=world.lawyer.id)).locale == world.lawyer.locale
    assert not await NotificationPreference.filter(user_id=world.lawyer.id).exists()


async def test_a_case_notice_keeps_the_saved_language_after_the_switch(
    client: AsyncClient, tmp_path: Path
) -> None:
    world = await make_case_world()
    await engage(world, tmp_path)
    await login(client, world.lawyer.username)
    await post_form(client, "/language", {"locale": "en", "next": "/"}, csrf_page="/")
    arrest = services.NewEvent(EventKind.ARREST, clock.now() - timedelta(hours=1))
    await case_notices.record_case_event(world.investigator, world.case, arrest, context=CONTEXT,
                                         public_url="https://lawmeet.example")  # fmt: skip
    notices = await Notification.filter(recipient_id=world.lawyer.id, template="case_event_notice")
    assert notices and {n.language for n in notices} == {"zh-CN"}
