"""The scope table against a database: each role sees the rows its rule promises, and a row
outside the user's scope answers the same 404 as a row that does not exist, on a page and in
the API alike (one error, ``NotFound``, mapped once by each entry point).

The world: two jurisdictions (Beijing, Shanghai) with users of every role on both sides; the
Beijing side also holds a meeting request, a meeting, a submission, a complaint and an
escalation, so every scoped model has a row that only some of the nine users may see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient, Response
from tortoise.models import Model

from app.accounts import scopes
from app.accounts.policy import NotFound
from app.accounts.roles import AccountStatus
from app.cases.kinds import EngagementStatus
from app.cases.models import Case, Detainee, Engagement, EngagementDocument
from app.settings import Settings
from notifications.kinds import Channel
from notifications.models import Escalation, Notification
from rights_checklist.kinds import ComplaintBody, ComplaintType, SubmissionKind
from rights_checklist.models import Complaint, Submission
from scheduling.kinds import CapacityCause, RequestStatus, RoomKind
from scheduling.models import Meeting, MeetingRequest, Room, SlotOffer
from tests.integration.helpers import api_token, bearer, page_csrf, sign_in_as
from tests.integration.world import World, build_world

MISSING = 999_999


@dataclass
class Rows:
    world: World
    by_model: dict[type[Model], int]  # the Beijing row of each scoped model


async def beijing_rows(world: World) -> Rows:
    bj = world.beijing
    now = datetime.now(UTC)
    await Engagement.filter(id=bj.engagement.id).update(
        status=EngagementStatus.ACTIVE, activated_at=now
    )
    request = await MeetingRequest.create(
        engagement_id=bj.engagement.id, lawyer=bj.lawyer, detainee=bj.detainee,
        facility=bj.facility, requested_at=now, length_minutes=60,
        status=RequestStatus.REQUESTED,
    )  # fmt: skip
    room = await Room.create(facility=bj.facility, name="Room 1", kind=RoomKind.IN_PERSON)
    meeting = await Meeting.create(
        request=request, room=room, lawyer=bj.lawyer, detainee=bj.detainee,
        starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=1),
        reference="SCOPE001", uid="scope-table-1@lawmeet",
    )  # fmt: skip
    offer = await SlotOffer.create(
        facility=bj.facility, request=request, room=room, starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1), offered_at=now,
        expires_at=now + timedelta(minutes=30), cause=CapacityCause.CANCELLED_BY_LAWYER,
    )  # fmt: skip
    submission = await Submission.create(
        receipt_number="R-SCOPE-1", case=bj.case, engagement_id=bj.engagement.id,
        lawyer=bj.lawyer, kind=SubmissionKind.OPINION, text="opinion", sha256="0" * 64,
        submitted_at=now,
    )  # fmt: skip
    complaint = await Complaint.create(
        case=bj.case, lawyer=bj.lawyer, complaint_type=ComplaintType.NOT_INFORMED,
        addressed_to=ComplaintBody.BAR_ASSOCIATION, description="not told", duty="N1",
        filed_at=now, due_at=now + timedelta(days=10),
    )  # fmt: skip
    notice = await Notification.create(
        template="test_message", channel=Channel.CONSOLE, next_attempt_at=now
    )
    escalation = await Escalation.create(
        notification=notice, reason="dead", case=bj.case, agency=bj.agency,
        facility=bj.facility, raised_at=now,
    )  # fmt: skip
    return Rows(
        world,
        {
            Case: bj.case.id,
            Detainee: bj.detainee.id,
            Engagement: bj.engagement.id,
            EngagementDocument: bj.document.id,
            MeetingRequest: request.id,
            Meeting: meeting.id,
            SlotOffer: offer.id,
            Submission: submission.id,
            Complaint: complaint.id,
            Escalation: escalation.id,
        },
    )


# Who of the nine users sees the Beijing row of each model: the table's promise, role by role.
SEEN_BY = {
    Case: {"lawyer", "investigator", "auditor"},
    Detainee: {"lawyer", "staff", "investigator", "auditor"},
    Engagement: {"lawyer", "staff", "investigator", "auditor"},
    EngagementDocument: {"lawyer", "staff", "investigator"},
    MeetingRequest: {"lawyer", "staff", "investigator", "auditor"},
    Meeting: {"lawyer", "staff", "investigator", "auditor"},
    SlotOffer: {"lawyer", "staff", "auditor"},  # the centre's rooms: not the investigators'
    Submission: {"lawyer", "investigator", "auditor"},
    Complaint: {"lawyer", "auditor"},
    Escalation: {"staff", "investigator", "auditor", "admin"},
}


@pytest.fixture
async def rows(client: AsyncClient, settings: Settings) -> Rows:
    return await beijing_rows(await build_world(settings.data_dir))


def test_the_promise_here_covers_the_whole_table() -> None:
    assert set(SEEN_BY) == set(scopes.table())


@pytest.mark.parametrize("model", list(SEEN_BY), ids=lambda m: m.__name__)
async def test_each_user_sees_the_row_exactly_when_the_table_says_so(
    rows: Rows, model: type[Model]
) -> None:
    row_id = rows.by_model[model]
    seen = set()
    for name, user in rows.world.users().items():
        listed = row_id in {row.pk for row in await scopes.visible(model, user)}
        try:
            found = (await scopes.visible_row(model, user, row_id)).pk == row_id
        except NotFound:
            found = False
        assert listed == found, (name, model.__name__)
        if found:
            seen.add(name)
    assert seen == SEEN_BY[model]


@pytest.mark.parametrize("model", list(SEEN_BY), ids=lambda m: m.__name__)
async def test_a_disabled_account_sees_nothing_whatever_its_role(
    rows: Rows, model: type[Model]
) -> None:
    for name in SEEN_BY[model]:
        user = rows.world.users()[name]
        user.status = AccountStatus.DISABLED
        assert await scopes.visible(model, user).count() == 0, name
        with pytest.raises(NotFound):
            await scopes.visible_row(model, user, rows.by_model[model])


async def test_a_lawyers_and_staffs_request_scope_is_one_column_for_hand_written_sql(
    rows: Rows,
) -> None:
    users = rows.world.users()
    column = scopes.scope_column
    assert column(MeetingRequest, users["lawyer"]) == ("lawyer_id", users["lawyer"].id)
    assert column(MeetingRequest, users["staff"]) == (
        "facility_id",
        rows.world.beijing.facility.id,
    )
    for name in ("investigator", "auditor", "admin"):
        assert column(MeetingRequest, users[name]) is None, name


@dataclass(frozen=True)
class Door:
    """One scoped model's record as a page and as an API resource, and a user with the
    feature who is on the other side (so the Beijing row is out of their scope)."""

    model: type[Model]
    page: str  # with {id}
    api: str
    outsider: str
    method: str = "GET"
    form: dict[str, str] | None = None


DOORS = [
    Door(Case, "/cases/{id}", "/api/v1/cases/{id}", "other_investigator"),
    Door(Engagement, "/clients/{id}", "/api/v1/engagements/{id}", "other_lawyer"),
    Door(Detainee, "/detainees/{id}", "/api/v1/detainees/{id}", "other_staff"),
    Door(EngagementDocument, "/documents/{id}", "/api/v1/documents/{id}", "other_lawyer"),
    Door(MeetingRequest, "/meeting-requests/{id}", "/api/v1/meeting-requests/{id}", "other_lawyer"),
    Door(Meeting, "/meetings/{id}", "/api/v1/meetings/{id}", "other_lawyer"),
    Door(Submission, "/submissions/{id}", "/api/v1/submissions/{id}", "other_lawyer"),
    Door(Complaint, "/complaints/{id}", "/api/v1/complaints/{id}", "other_lawyer"),
    Door(
        Escalation,
        "/escalations/{id}/resolve",
        "/api/v1/escalations/{id}/resolve",
        "other_investigator",
        method="POST",
        form={"note": "Phoned the unit"},
    ),
]


def _page_text(response: Response) -> str:
    """The page without what changes per request: its own address (the language switch
    returns to it), CSRF tokens and CSP nonces."""
    text = response.text.replace(response.request.url.path, "{path}")
    return re.sub(r'(value|nonce|content)="[A-Za-z0-9_\-+/=]{16,}"', "", text)


async def _page(client: AsyncClient, door: Door, row_id: int) -> Response:
    path = door.page.format(id=row_id)
    if door.method == "GET":
        return await client.get(path)
    token = await page_csrf(client, "/profile")
    return await client.post(path, data={"csrf_token": token, **(door.form or {})})


async def _api(client: AsyncClient, door: Door, token: str, row_id: int) -> Response:
    path = door.api.format(id=row_id)
    if door.method == "GET":
        return await client.get(path, headers=bearer(token))
    return await client.post(path, headers=bearer(token), json=door.form or {})


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.model.__name__)
async def test_a_page_and_the_api_answer_the_same_404_for_a_row_out_of_scope(
    client: AsyncClient, rows: Rows, door: Door
) -> None:
    outsider = rows.world.users()[door.outsider]
    row_id = rows.by_model[door.model]

    await sign_in_as(client, outsider)
    page_out, page_missing = await _page(client, door, row_id), await _page(client, door, MISSING)
    assert (page_out.status_code, page_missing.status_code) == (404, 404)
    assert "not yours to see" in page_out.text
    assert _page_text(page_out) == _page_text(page_missing)

    client.cookies.clear()
    token = await api_token(outsider)
    api_out, api_missing = (
        await _api(client, door, token, row_id),
        await _api(client, door, token, MISSING),
    )
    assert (api_out.status_code, api_missing.status_code) == (404, 404)
    assert api_out.headers["content-type"].startswith("application/problem+json")
    assert api_out.json() == api_missing.json()
    assert api_out.json()["status"] == 404


async def test_staff_record_on_a_case_only_through_a_detainee_they_see(
    client: AsyncClient, rows: Rows
) -> None:
    """Staff see no case files; the API lets them record a release on the case of a detainee
    held at their facility (the detainee's scope), and answers 404 to anyone else's staff."""
    bj, users = rows.world.beijing, rows.world.users()
    path = f"/api/v1/cases/{bj.case.id}/events"
    body = {
        "kind": "released",
        "effective_at": datetime.now(UTC).isoformat(),
        "detainee_id": bj.detainee.id,
    }
    elsewhere = await client.post(
        path, headers=bearer(await api_token(users["other_staff"])), json=body
    )
    missing = await client.post(
        f"/api/v1/cases/{MISSING}/events",
        headers=bearer(await api_token(users["staff"])),
        json=body,
    )
    here = await client.post(path, headers=bearer(await api_token(users["staff"])), json=body)
    assert (elsewhere.status_code, missing.status_code, here.status_code) == (404, 404, 201)
    assert elsewhere.json() == missing.json()
