"""Recording a case event is one domain command (app.cases.recording.RecordCaseEvent, recorded by
rights_checklist.case_events): the investigator's case page, the detention centre's release and
move forms and the API build it, so each rule answers the same through each of them, with the
same field and the same words, and stores nothing when it refuses."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from app.cases.models import CaseEvent, Engagement
from app.law.context import load_context
from app.settings import Settings
from rights_checklist import submissions
from rights_checklist.kinds import SubmissionKind
from tests.integration.case_world import CaseWorld, engage, make_case_world
from tests.integration.helpers import (
    api_token,
    bearer,
    beijing_yesterday_at,
    local_fields,
    make_organisation,
    post_form,
    sign_in_as,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
IN_TWO_DAYS = "in two days"  # an effective time, computed when sent
# (what the investigator sends, the field at fault, the API's status, the message in English);
# the page answers the API's status, or 400 where the API's is 422 for a rule's own refusal.
REFUSED: dict[str, tuple[dict[str, Any], str, int, str]] = {
    "an investigator does not record a release (detention staff do)": (
        {"kind": "released"}, "kind", 403,
        "Your role may not record this kind of event for this case.",
    ),
    "nor a bare termination (recorded with the engagement it ends)": (
        {"kind": "engagement_terminated"}, "kind", 403,
        "Your role may not record this kind of event for this case.",
    ),
    "an effective time in the future": (
        {"kind": "arrest", "effective_at": IN_TWO_DAYS}, "effective_at", 422,
        "The effective time cannot lie in the future.",
    ),
    "an extension of custody without its new expiry": (
        {"kind": "custody_extension", "legal_basis": "CPL art. 156"}, "new_expiry", 422,
        "An extension of custody needs the new expiry date.",
    ),
    "an extension of custody without its legal basis": (
        {"kind": "custody_extension", "new_expiry": "2027-01-31"}, "legal_basis", 422,
        "An extension of custody needs its legal basis.",
    ),
    "an extension of custody to a day that does not exist": (
        {"kind": "custody_extension", "new_expiry": "2027-02-30", "legal_basis": "CPL art. 156"},
        "new_expiry", 422, "This value is not valid here.",
    ),
    "a correction that names no event": (
        {"kind": "correction"}, "corrects_id", 422,
        "Say which event of this case the correction corrects.",
    ),
    "a note longer than the register holds": (
        {"kind": "arrest", "note": "记" * 2001}, "note", 422, "This text is too long.",
    ),
    "a legal basis longer than the register holds": (
        {"kind": "custody_extension", "new_expiry": "2027-01-31", "legal_basis": "法" * 201},
        "legal_basis", 422, "This text is too long.",
    ),
    "a reason for unheard opinions longer than the register holds": (
        {"kind": "investigation_ended", "unheard_reason": "因" * 501}, "unheard_reason", 422,
        "This text is too long.",
    ),
}  # fmt: skip
OPINIONS_NOT_HEARD = (
    "Written defence opinions of this case are not yet acknowledged. Acknowledge them first, "
    "or state why the investigation ends without it."
)


def _effective(sent: dict[str, Any]) -> datetime:
    if sent.get("effective_at") == IN_TWO_DAYS:
        return datetime.now(SHANGHAI) + timedelta(days=2)
    return beijing_yesterday_at(10, 0)


async def _through_the_page(
    client: AsyncClient, user: User, case_id: int, sent: dict[str, Any]
) -> tuple[int, str]:
    await sign_in_as(client, user)
    data = {k: str(v) for k, v in sent.items() if k != "effective_at"}
    data.update(local_fields("effective", _effective(sent)))
    response = await post_form(client, f"/cases/{case_id}/events", data)
    return response.status_code, html.unescape(response.text)


async def _through_the_api(
    client: AsyncClient, user: User, case_id: int, sent: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    headers = {**bearer(await api_token(user)), "Accept-Language": "en"}
    body = {**sent, "effective_at": _effective(sent).isoformat()}
    response = await client.post(f"/api/v1/cases/{case_id}/events", json=body, headers=headers)
    return response.status_code, response.json()


@pytest.mark.parametrize("case", list(REFUSED))
async def test_the_page_refuses_with_the_rules_words_at_its_field_and_stores_nothing(
    client: AsyncClient, case: str
) -> None:
    sent, field, status, words = REFUSED[case]
    world = await make_case_world()
    answered, page = await _through_the_page(client, world.investigator, world.case.id, sent)
    assert answered == status or (status == 422 and answered == 400)
    assert words in page and f'id="e-event-{field}"' in page
    assert not await CaseEvent.filter(case_id=world.case.id).exists()


@pytest.mark.parametrize("case", list(REFUSED))
async def test_the_api_refuses_with_the_same_field_and_words_and_stores_nothing(
    client: AsyncClient, case: str
) -> None:
    sent, field, status, words = REFUSED[case]
    world = await make_case_world()
    answered, problem = await _through_the_api(client, world.investigator, world.case.id, sent)
    assert answered == status
    assert problem["errors"][0] == {"field": field, "message": words}
    assert not await CaseEvent.filter(case_id=world.case.id).exists()


async def _unheard_opinion(world: CaseWorld, settings: Settings) -> None:
    engagement = await engage(world, settings.data_dir)
    assert (await Engagement.get(id=engagement.id)).status == "active"
    await submissions.submit(
        world.lawyer, engagement, SubmissionKind.OPINION, "The suspect acted in self-defence.",
        [], settings.data_dir, 1_000_000, await load_context(settings.legal),
    )  # fmt: skip


async def test_o1_ending_the_investigation_before_opinions_are_heard_is_refused_alike(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    await _unheard_opinion(world, settings)
    ended = {"kind": "investigation_ended"}
    status, page = await _through_the_page(client, world.investigator, world.case.id, ended)
    assert status == 409 and OPINIONS_NOT_HEARD in page and 'id="e-event-unheard_reason"' in page
    status, problem = await _through_the_api(client, world.investigator, world.case.id, ended)
    assert status == 409
    assert problem["errors"][0] == {"field": "unheard_reason", "message": OPINIONS_NOT_HEARD}
    assert not await CaseEvent.filter(case_id=world.case.id).exists()
    stated = {**ended, "unheard_reason": "The custody limit expires tomorrow."}
    status, body = await _through_the_api(client, world.investigator, world.case.id, stated)
    assert status == 201 and body["details"]["unacknowledged_reason"] == stated["unheard_reason"]


async def test_another_agencys_investigator_finds_no_case_through_either(
    client: AsyncClient,
) -> None:
    world, other = await make_case_world(), await make_case_world()
    arrest = {"kind": "arrest"}
    status, _page = await _through_the_page(client, other.investigator, world.case.id, arrest)
    assert status == 404
    status, _problem = await _through_the_api(client, other.investigator, world.case.id, arrest)
    assert status == 404
    assert not await CaseEvent.filter(case_id=world.case.id).exists()


async def test_a_move_to_where_the_detainee_is_held_is_refused_alike_by_the_desk_form_and_api(
    client: AsyncClient,
) -> None:
    world = await make_case_world()
    same = "The detainee is already held at that detention centre."
    await sign_in_as(client, world.staff)
    data = {"case_id": str(world.case.id), "to_facility_id": str(world.facility.id),
            **local_fields("effective", beijing_yesterday_at(7, 0))}  # fmt: skip
    response = await post_form(client, f"/detainees/{world.detainee.id}/move", data)
    assert response.status_code == 400 and same in html.unescape(response.text)
    assert 'id="e-move-to_facility_id"' in response.text
    move = {"kind": "moved_facility", "to_facility_id": world.facility.id}
    status, problem = await _through_the_api(client, world.staff, world.case.id, move)
    assert status == 422 and problem["errors"][0] == {"field": "to_facility_id", "message": same}
    assert not await CaseEvent.filter(case_id=world.case.id).exists()


async def test_staff_of_another_facility_find_no_case_through_either(client: AsyncClient) -> None:
    world = await make_case_world()
    elsewhere = await make_organisation("facility", "110105", "Elsewhere")
    other = (await make_case_world()).staff
    await sign_in_as(client, other)
    data = {"case_id": str(world.case.id), "to_facility_id": str(elsewhere.id),
            **local_fields("effective", beijing_yesterday_at(7, 0))}  # fmt: skip
    response = await post_form(client, f"/detainees/{world.detainee.id}/move", data)
    assert response.status_code == 404
    move = {"kind": "moved_facility", "to_facility_id": elsewhere.id}
    status, _problem = await _through_the_api(client, other, world.case.id, move)
    assert status == 404
    assert not await CaseEvent.filter(case_id=world.case.id).exists()


async def test_the_same_event_is_recorded_through_the_page_and_the_api(
    client: AsyncClient,
) -> None:
    by_page, by_api = await make_case_world(), await make_case_world()
    sent = {"kind": "arrest", "note": "approved by the procuratorate"}
    status, _page = await _through_the_page(client, by_page.investigator, by_page.case.id, sent)
    assert status == 303
    status, body = await _through_the_api(client, by_api.investigator, by_api.case.id, sent)
    assert status == 201 and body["note"] == sent["note"]
    for world in (by_page, by_api):
        event = await CaseEvent.get(case_id=world.case.id)
        assert event.kind == "arrest" and event.note == sent["note"]
        assert event.detainee_id == world.detainee.id
        assert event.effective_at == beijing_yesterday_at(10, 0)


async def test_a_field_of_another_kind_of_event_is_not_recorded_through_either(
    client: AsyncClient,
) -> None:
    by_page, by_api = await make_case_world(), await make_case_world()
    sent = {"kind": "arrest", "new_expiry": "2027-01-31", "legal_basis": "CPL art. 156"}
    status, _page = await _through_the_page(client, by_page.investigator, by_page.case.id, sent)
    assert status == 303
    status, body = await _through_the_api(client, by_api.investigator, by_api.case.id, sent)
    assert status == 201 and body["details"] == {}
    assert (await CaseEvent.get(case_id=by_page.case.id)).details == {}
