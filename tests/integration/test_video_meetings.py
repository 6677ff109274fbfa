"""Remote video meetings (issue 20) on a Jitsi Meet deployment: the lawyer asks for a video
meeting, the desk checks her uploaded documents from a distance, the booking's invite carries
her own join link (a JWT valid only in the meeting's window), and the desk checks her in with
the documents and the confirmation that nothing is monitored or recorded (CPL 39(4)).

The video room's fixed address (the other provider) is set and checked on the facility page;
a lawyer who suspects monitoring reports it from the meeting page."""

from __future__ import annotations

import html
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from httpx import AsyncClient, Response
from icalendar import Calendar

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.cases.kinds import REQUIRED_DOCUMENTS, EngagementKind, EngagementStatus
from app.cases.models import Case, CaseDetainee, Detainee, Engagement, EngagementDocument
from app.settings import Settings, VideoSection
from notifications.kinds import Channel
from notifications.models import Notification
from scheduling.kinds import RoomKind
from scheduling.models import Meeting, Room
from tests.integration.helpers import (
    api_token,
    bearer,
    make_user,
    post_form,
    sign_in_as,
)
from tests.integration.meeting_world import SHANGHAI, Place, local, make_place

SECRET = "jitsi-shared-secret-for-the-test-deployment-42"
JITSI_URL = "https://meet.example.org"
APP_ID = "lawmeet-test"
EARLY = timedelta(minutes=10)
_serial = itertools.count(1)


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test settings with a Jitsi deployment and its secret file."""
    secret = tmp_path / "jitsi.secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    video = VideoSection(provider="jitsi", jitsi_url=JITSI_URL, jitsi_app_id=APP_ID,
                         jitsi_secret_file=secret)  # fmt: skip
    return settings.model_copy(update={"video": video})


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    made = await make_place(rooms=1)
    video = await Room.create(facility=made.facility, name="Video 1", kind=RoomKind.VIDEO_LINK)
    made.rooms.append(video)
    return made


async def _engagement(place: Place, status: EngagementStatus) -> Engagement:
    """A lawyer's engagement for a new detainee, the three documents uploaded, not checked."""
    tag = next(_serial)
    lawyer = await make_user(Role.LAWYER)
    case = await Case.create(agency=place.agency, case_number=f"VIDEO-{tag}")
    detainee = await Detainee.create(
        name=f"视频当事人{tag}", id_number=f"VID{tag:09d}", facility=place.facility,
        admitted_at=datetime.now(UTC) - timedelta(days=3),
    )  # fmt: skip
    await CaseDetainee.create(case=case, detainee=detainee)
    engagement = await Engagement.create(lawyer=lawyer, case=case, detainee=detainee,
                                         status=status)  # fmt: skip
    for kind in REQUIRED_DOCUMENTS[EngagementKind.RETAINED]:
        await EngagementDocument.create(
            engagement=engagement, kind=kind, sha256=f"{tag:064d}", size=1000,
            content_type="application/pdf", original_name=f"{kind.value}.pdf",
        )  # fmt: skip
    await engagement.fetch_related("lawyer", "detainee")
    return engagement


async def _api(client: AsyncClient, user: User, path: str, body: Any = None) -> Response:
    headers = {**bearer(await api_token(user)), "Accept-Language": "en"}
    if body is None:
        return await client.get(f"/api/v1{path}", headers=headers)
    return await client.post(f"/api/v1{path}", json=body, headers=headers)


async def _video_meeting(client: AsyncClient, place: Place, engagement: Engagement) -> Meeting:
    """Asked for as a video meeting and booked in the video room at 09:00."""
    lawyer = engagement.lawyer
    asked = await _api(client, lawyer, "/meeting-requests",
                       {"engagement_id": engagement.id, "room_kind": "video_link"})  # fmt: skip
    assert asked.status_code == 201, asked.text
    body = {"room_id": place.rooms[1].id, "starts_at": local(9).isoformat(), "length_minutes": 60}
    booked = await _api(client, lawyer, f"/meeting-requests/{asked.json()['id']}/bookings", body)
    assert booked.status_code == 201, booked.text
    return await Meeting.get(id=booked.json()["id"])


async def _accept_documents(client: AsyncClient, place: Place, engagement: Engagement) -> None:
    """The desk checks the uploads from a distance, before the meeting."""
    for document in await EngagementDocument.filter(engagement_id=engagement.id):
        answer = await _api(client, place.staff, f"/documents/{document.id}/review",
                            {"accept": True})  # fmt: skip
        assert answer.status_code == 200, answer.text


def _vevent(text: str) -> Any:
    events = Calendar.from_ical(text).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def _claims(url: str) -> dict[str, Any]:
    """The link's token, verified by signature, audience and issuer (its window aside)."""
    token = parse_qs(urlsplit(url).query)["jwt"][0]
    claims: dict[str, Any] = jwt.decode(
        token, SECRET, algorithms=["HS256"], audience="jitsi", issuer=APP_ID,
        options={"verify_nbf": False},
    )  # fmt: skip
    return claims


async def test_a_video_meeting_runs_from_request_to_completion_with_a_jitsi_link(
    client: AsyncClient, place: Place
) -> None:
    engagement = await _engagement(place, EngagementStatus.PENDING)
    meeting = await _video_meeting(client, place, engagement)
    assert meeting.video_room, "booking names the Jitsi room (scheduling.video.new_room_name)"
    await _accept_documents(client, place, engagement)

    invite = await _api(client, engagement.lawyer, f"/meetings/{meeting.id}/invite.ics")
    event = _vevent(invite.text)
    url = str(event["URL"])
    assert url.startswith(f"{JITSI_URL}/{meeting.video_room}?jwt=")
    claims = _claims(url)
    assert claims["room"] == meeting.video_room
    assert claims["context"]["user"]["name"] == engagement.lawyer.display_name
    assert claims["nbf"] == int((meeting.starts_at - EARLY).timestamp())
    assert claims["exp"] == int(meeting.ends_at.timestamp())
    token = parse_qs(urlsplit(url).query)["jwt"][0]
    with pytest.raises(jwt.ImmatureSignatureError):  # not before its window (10 days ahead)
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi", issuer=APP_ID)

    path = f"/meetings/{meeting.id}"
    checked = await _api(
        client,
        place.staff,
        path + "/check-in",
        {"documents_verified": True, "confidentiality_confirmed": True},
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["confidentiality_confirmed_at"] is not None
    assert (await _api(client, place.staff, path + "/start", {})).status_code == 200
    done = await _api(client, place.staff, path + "/complete", {})
    assert done.json()["request_status"] == "completed"
    entry = await AuditEntry.get(action="meeting.checked_in", object_id=str(meeting.id))
    assert entry.summary["confidentiality_confirmed_at"]


async def test_the_booking_notice_carries_the_lawyers_join_link_and_its_window(
    client: AsyncClient, place: Place
) -> None:
    engagement = await _engagement(place, EngagementStatus.ACTIVE)
    meeting = await _video_meeting(client, place, engagement)
    email = await Notification.get(template="meeting_booked", channel=Channel.EMAIL,
                                   topic=f"meeting:{meeting.id}")  # fmt: skip
    assert email.payload["video_url"].startswith(f"{JITSI_URL}/{meeting.video_room}?jwt=")
    opens, closes = (m.astimezone(SHANGHAI).isoformat(timespec="minutes")
                     for m in (meeting.starts_at - EARLY, meeting.ends_at))  # fmt: skip
    assert (email.payload["video_opens"], email.payload["video_closes"]) == (opens, closes)
    assert email.calendar_ics is not None
    assert str(_vevent(email.calendar_ics)["URL"]) == email.payload["video_url"]


async def test_the_link_never_names_the_detainee(client: AsyncClient, place: Place) -> None:
    engagement = await _engagement(place, EngagementStatus.ACTIVE)
    meeting = await _video_meeting(client, place, engagement)
    answer = await _api(client, engagement.lawyer, f"/meetings/{meeting.id}")
    url = answer.json()["video"]["url"]
    detainee = engagement.detainee
    shown = f"{url} {_claims(url)}"
    assert detainee.name not in shown and detainee.id_number not in shown


async def test_only_the_lawyer_and_the_centres_staff_get_a_join_link(
    client: AsyncClient, place: Place
) -> None:
    engagement = await _engagement(place, EngagementStatus.ACTIVE)
    meeting = await _video_meeting(client, place, engagement)
    staff = await _api(client, place.staff, f"/meetings/{meeting.id}")
    assert _claims(staff.json()["video"]["url"])["context"]["user"]["name"] == (
        place.staff.display_name
    )
    auditor = await make_user(Role.BAR_AUDITOR)
    seen = await _api(client, auditor, f"/meetings/{meeting.id}")
    assert seen.status_code == 404 or seen.json()["video"] is None


async def test_a_video_check_in_needs_the_uploaded_documents_accepted_first(
    client: AsyncClient, place: Place
) -> None:
    engagement = await _engagement(place, EngagementStatus.PENDING)
    meeting = await _video_meeting(client, place, engagement)
    answer = await _api(
        client,
        place.staff,
        f"/meetings/{meeting.id}/check-in",
        {"documents_verified": True, "confidentiality_confirmed": True},
    )
    assert answer.status_code == 422  # a field at fault
    assert answer.json()["errors"] == [
        {
            "field": "documents_verified",
            "message": "For a video meeting the desk must first check and accept the three "
            "uploaded documents.",
        }
    ]
    assert (await Meeting.get(id=meeting.id)).checked_in_at is None


async def test_a_video_check_in_needs_confidentiality_confirmed_on_the_day_board(
    client: AsyncClient, place: Place
) -> None:
    engagement = await _engagement(place, EngagementStatus.ACTIVE)
    meeting = await _video_meeting(client, place, engagement)
    await sign_in_as(client, place.staff)
    page = await post_form(client, f"/board/meetings/{meeting.id}/check-in",
                           {"documents_verified": "yes"})  # fmt: skip
    assert page.status_code == 400
    assert "Confirm that the meeting is neither monitored nor recorded" in html.unescape(page.text)
    done = await post_form(
        client,
        f"/board/meetings/{meeting.id}/check-in",
        {"documents_verified": "yes", "confidentiality_confirmed": "yes"},
    )
    assert done.status_code == 303
    assert (await Meeting.get(id=meeting.id)).confidentiality_confirmed_at is not None


async def test_the_lawyers_meeting_page_shows_the_join_link_and_its_window_in_words(
    client: AsyncClient, place: Place
) -> None:
    engagement = await _engagement(place, EngagementStatus.ACTIVE)
    meeting = await _video_meeting(client, place, engagement)
    await sign_in_as(client, engagement.lawyer)
    page = html.unescape((await client.get(f"/meetings/{meeting.id}")).text)
    assert f'href="{JITSI_URL}/{meeting.video_room}?jwt=' in page
    assert "Join the video meeting" in page
    assert "08:50-10:00 Beijing time" in page and "Asia/Shanghai" not in page


async def test_reporting_monitoring_opens_a_complaint_with_the_meetings_facts(
    client: AsyncClient, place: Place
) -> None:
    engagement = await _engagement(place, EngagementStatus.ACTIVE)
    meeting = await _video_meeting(client, place, engagement)
    await sign_in_as(client, engagement.lawyer)
    page = html.unescape((await client.get(f"/meetings/{meeting.id}")).text)
    assert f'href="/complaints/new?meeting={meeting.id}"' in page
    form = html.unescape((await client.get(f"/complaints/new?meeting={meeting.id}")).text)
    assert '<option value="meeting_monitored" selected>' in form
    assert f'<option value="{engagement.case_id}" selected>' in form
    for fact in (meeting.reference, place.facility.name, "Video 1", "09:00-10:00 Beijing time"):
        assert fact in form


async def test_another_lawyers_meeting_prefills_no_complaint(
    client: AsyncClient, place: Place
) -> None:
    engagement = await _engagement(place, EngagementStatus.ACTIVE)
    meeting = await _video_meeting(client, place, engagement)
    await sign_in_as(client, await make_user(Role.LAWYER))
    form = html.unescape((await client.get(f"/complaints/new?meeting={meeting.id}")).text)
    assert meeting.reference not in form and 'meeting_monitored" selected' not in form


@pytest.mark.parametrize(
    ("address", "saved"),
    [("https://video.example.org/room-1", True), ("sip:room-1@video.example.org", True),
     ("ftp://video.example.org", False), ("video.example.org", False)],
)  # fmt: skip
async def test_a_video_rooms_address_is_saved_only_as_a_web_or_sip_address(
    client: AsyncClient, place: Place, address: str, saved: bool
) -> None:
    room = place.rooms[1]
    await sign_in_as(client, place.staff)
    response = await post_form(client, f"/facility/rooms/{room.id}",
                               {"name": room.name, "kind": "video_link", "in_service": "1",
                                "video_address": address})  # fmt: skip
    assert response.status_code == (303 if saved else 400)
    assert (await Room.get(id=room.id)).video_address == (address if saved else "")
    if not saved:
        assert "Enter a web address (https://...) or a SIP address" in html.unescape(response.text)
