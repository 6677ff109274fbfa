"""Home pages by role (issue 17): what each person must look at or do next, each item linking to
the page where it is done, and an empty state that says what to do when there is nothing.

Lawyer: next meetings (with the calendar invite), open requests with the time left to 48 hours,
what she must do, unread notices. Desk: requests at risk, today's meetings, documents to check,
walk-ins today. Investigator: tasks by deadline, overdue first. Bar auditor: lawyers waiting for
verification, complaints waiting for a reply, the last verification of the audit trail.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from httpx import AsyncClient

from app.accounts.roles import AccountStatus, Role
from app.audit.models import AuditVerification
from app.cases.kinds import DocumentKind, DocumentReview
from app.cases.models import EngagementDocument
from notifications.kinds import Channel
from notifications.models import Notification
from notifications.services import enqueue
from rights_checklist.kinds import ComplaintBody, ComplaintType, SubmissionKind
from rights_checklist.models import Complaint, Submission
from scheduling.booking import book
from scheduling.kinds import RequestStatus
from scheduling.models import Meeting, MeetingRequest
from tests.integration.helpers import NOTICES, make_user, sign_in_as
from tests.integration.meeting_world import SHANGHAI, Party, Place, local, make_party, make_place

HOUR = timedelta(hours=1)


async def _home(client: AsyncClient) -> str:
    response = await client.get("/")
    assert response.status_code == 200
    return response.text


def _item(html: str, item_id: str) -> str:
    """The list item of id ``item_id`` (up to its closing tag)."""
    found = re.search(rf'<li[^>]*id="{item_id}"[^>]*>(.*?)</li>', html, re.S)
    assert found, f"no item {item_id}"
    return found.group(1)


def _section(html: str, heading_id: str) -> str:
    found = re.search(rf'aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S)
    assert found, f"no section {heading_id}"
    return found.group(1)


async def _notice(user_id: int, text: str, minutes_ago: int = 0) -> Notification:
    from app.accounts.models import User

    recipient = await User.get(id=user_id)
    row = await enqueue("test_message", Channel.INAPP, recipient=recipient, payload={"text": text})
    created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    await Notification.filter(id=row.id).update(created_at=created)
    return row


async def _booked(place: Place, hour: int = 9) -> tuple[Party, Meeting]:
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(hour), HOUR,
                         notices=NOTICES)  # fmt: skip
    return party, meeting


async def _today_meeting(place: Place, party: Party, hour: int = 12) -> Meeting:
    """A meeting today (Beijing) at ``hour``, written straight to the database."""
    today = datetime.now(SHANGHAI).date()
    starts = datetime.combine(today, time(hour), tzinfo=SHANGHAI).astimezone(UTC)
    await MeetingRequest.filter(id=party.request.id).update(status=RequestStatus.SCHEDULED)
    return await Meeting.create(
        request=party.request, room=place.rooms[0], lawyer=party.lawyer,
        detainee=party.detainee, starts_at=starts, ends_at=starts + HOUR,
        reference=f"T{party.request.id:07d}", uid=f"home-{party.request.id}@lawmeet",
    )  # fmt: skip


async def _deadline(party: Party, left: timedelta) -> None:
    now = datetime.now(UTC)
    await MeetingRequest.filter(id=party.request.id).update(
        clock_started_at=now + left - 48 * HOUR, deadline_at=now + left
    )


# --- Lawyer -----------------------------------------------------------------------------------


async def test_the_lawyers_home_shows_her_next_meeting_with_its_calendar_invite(
    client: AsyncClient,
) -> None:
    place = await make_place()
    party, meeting = await _booked(place)
    await sign_in_as(client, party.lawyer)
    item = _item(await _home(client), f"meeting-{meeting.id}")
    assert f'href="/meetings/{meeting.id}"' in item
    assert f'href="/meetings/{meeting.id}/invite.ics"' in item
    assert meeting.reference in item
    assert place.facility.name in item and place.rooms[0].name in item
    assert party.detainee.name in item


async def test_another_lawyers_meeting_is_never_on_her_home(client: AsyncClient) -> None:
    place = await make_place()
    mine, _meeting = await _booked(place, hour=9)
    theirs, their_meeting = await _booked(place, hour=11)
    await sign_in_as(client, mine.lawyer)
    page = await _home(client)
    assert their_meeting.reference not in page
    assert f"/meetings/{their_meeting.id}" not in page
    assert theirs.detainee.name not in page


async def test_her_open_request_shows_the_time_left_and_links_to_its_page(
    client: AsyncClient,
) -> None:
    place = await make_place()
    party = await make_party(place)
    await _deadline(party, timedelta(hours=30))
    await sign_in_as(client, party.lawyer)
    item = _item(await _home(client), f"request-{party.request.id}")
    assert f'href="/meeting-requests/{party.request.id}"' in item
    assert 'class="time-left"' in item and " left" in item
    assert f'href="/meeting-requests/{party.request.id}#book"' in item  # she books a time


async def test_an_overdue_request_is_said_to_be_overdue(client: AsyncClient) -> None:
    place = await make_place()
    party = await make_party(place)
    await _deadline(party, -2 * HOUR)
    await sign_in_as(client, party.lawyer)
    item = _item(await _home(client), f"request-{party.request.id}")
    assert "Overdue by" in item and 'class="time-left"' not in item


async def test_a_request_waiting_for_the_document_check_says_when_its_clock_starts(
    client: AsyncClient,
) -> None:
    place = await make_place()
    party = await make_party(place)  # no deadline yet: the clock waits
    await sign_in_as(client, party.lawyer)
    item = _item(await _home(client), f"request-{party.request.id}")
    assert "the 48 hours start when the documents are accepted" in item


async def test_the_next_meeting_and_the_time_left_come_first_on_her_phone(
    client: AsyncClient,
) -> None:
    """The page is one column on a phone: the two cards she needs are the first two."""
    place = await make_place()
    party, meeting = await _booked(place)
    second = await MeetingRequest.create(
        engagement=party.engagement, lawyer=party.lawyer, detainee=party.detainee,
        facility=place.facility, requested_at=datetime.now(UTC), status=RequestStatus.REQUESTED,
        deadline_at=datetime.now(UTC) + 5 * HOUR,
    )  # fmt: skip
    await _notice(party.lawyer.id, "news")
    await sign_in_as(client, party.lawyer)
    page = await _home(client)
    names = (f"meeting-{meeting.id}", f"request-{second.id}", "h-todo", "h-unread")
    order = [page.index(f'id="{name}"') for name in names]
    assert order == sorted(order)


async def test_what_she_must_do_links_to_where_she_does_it(client: AsyncClient) -> None:
    place = await make_place()
    party, meeting = await _booked(place)
    await Meeting.filter(id=meeting.id).update(needs_rebooking=True)
    cancelled = await MeetingRequest.create(
        engagement=party.engagement, lawyer=party.lawyer, detainee=party.detainee,
        facility=place.facility, requested_at=datetime.now(UTC), status=RequestStatus.REQUESTED,
        facility_cancel_reason="Water leak in the meeting wing",
    )  # fmt: skip
    await EngagementDocument.create(
        engagement=party.engagement, kind=DocumentKind.FIRM_LETTER, sha256="1" * 64, size=10,
        content_type="application/pdf", original_name="letter.pdf",
        review=DocumentReview.REJECTED, review_note="The stamp is unreadable",
    )  # fmt: skip
    await sign_in_as(client, party.lawyer)
    todo = _section(await _home(client), "h-todo")
    assert f'href="/meetings/{meeting.id}"' in todo  # choose another time
    assert f'href="/meeting-requests/{cancelled.id}"' in todo
    assert "Water leak in the meeting wing" in todo
    assert f'href="/clients/{party.engagement.id}#documents"' in todo
    assert "The stamp is unreadable" in todo


async def test_a_document_uploaded_again_after_a_rejection_is_no_longer_to_do(
    client: AsyncClient,
) -> None:
    place = await make_place()
    party = await make_party(place)
    old = await EngagementDocument.create(
        engagement=party.engagement, kind=DocumentKind.FIRM_LETTER, sha256="1" * 64, size=10,
        content_type="application/pdf", original_name="letter.pdf",
        review=DocumentReview.REJECTED, review_note="The stamp is unreadable",
    )  # fmt: skip
    await EngagementDocument.create(
        engagement=party.engagement, kind=DocumentKind.FIRM_LETTER, sha256="2" * 64, size=10,
        content_type="application/pdf", original_name="letter-2.pdf",
        uploaded_at=old.uploaded_at + HOUR,
    )  # fmt: skip
    await sign_in_as(client, party.lawyer)
    todo = _section(await _home(client), "h-todo")
    assert "The stamp is unreadable" not in todo
    assert "Nothing waits for you" in todo


async def test_her_unread_notices_link_to_the_inbox_and_read_ones_are_left_out(
    client: AsyncClient,
) -> None:
    lawyer = await make_user(Role.LAWYER, locale="en")
    unread = await _notice(lawyer.id, "unread one")
    read = await _notice(lawyer.id, "read one", minutes_ago=5)
    await Notification.filter(id=read.id).update(read_at=datetime.now(UTC))
    await sign_in_as(client, lawyer)
    notices = _section(await _home(client), "h-unread")
    assert f'href="/inbox#notice-{unread.id}"' in notices
    assert f"/inbox#notice-{read.id}" not in notices
    assert 'href="/inbox"' in notices


async def test_the_lawyers_empty_home_says_what_to_do_next(client: AsyncClient) -> None:
    lawyer = await make_user(Role.LAWYER)
    await sign_in_as(client, lawyer)
    page = await _home(client)
    assert "No meeting booked yet." in page
    assert "No request is waiting for a meeting" in page and 'href="/clients"' in page
    assert "Nothing waits for you" in page
    assert "You have read every notice." in page


# --- Detention-centre desk --------------------------------------------------------------------


async def test_the_desk_home_shows_today_at_risk_documents_and_walk_ins(
    client: AsyncClient,
) -> None:
    place = await make_place()
    today = await _today_meeting(place, await make_party(place))
    at_risk = await make_party(place)
    await _deadline(at_risk, 3 * HOUR)
    overdue = await make_party(place)
    await _deadline(overdue, -HOUR)
    calm = await make_party(place)
    await _deadline(calm, 30 * HOUR)
    walk_in = await make_party(place)
    await MeetingRequest.filter(id=walk_in.request.id).update(walk_in=True)
    documents = await make_party(place)
    await EngagementDocument.create(
        engagement=documents.engagement, kind=DocumentKind.PRACTICE_LICENCE, sha256="3" * 64,
        size=10, content_type="image/jpeg", original_name="licence.jpg",
    )  # fmt: skip
    await sign_in_as(client, place.staff)
    page = await _home(client)

    assert f'href="/board#m-{today.id}"' in _item(page, f"meeting-{today.id}")
    risks = _section(page, "h-at-risk")
    assert f'href="/board/requests/{at_risk.request.id}"' in risks
    assert f'href="/board/requests/{overdue.request.id}"' in risks
    assert "Overdue by" in _item(page, f"risk-{overdue.request.id}")
    assert risks.index(f"risk-{overdue.request.id}") < risks.index(f"risk-{at_risk.request.id}")
    assert f"/board/requests/{calm.request.id}" not in risks
    engagement = documents.engagement
    assert (f'href="/detainees/{engagement.detainee_id}#engagement-{engagement.id}"'
            in _section(page, "h-documents"))  # fmt: skip
    assert f'href="/board/requests/{walk_in.request.id}"' in _section(page, "h-walk-ins")


async def test_the_desk_sees_only_its_own_centre(client: AsyncClient) -> None:
    mine, elsewhere = await make_place(), await make_place()
    theirs = await _today_meeting(elsewhere, await make_party(elsewhere))
    late = await make_party(elsewhere)
    await _deadline(late, HOUR)
    await sign_in_as(client, mine.staff)
    page = await _home(client)
    assert theirs.reference not in page and f"/board#m-{theirs.id}" not in page
    assert f"/board/requests/{late.request.id}" not in page


async def test_the_desks_empty_home_says_so(client: AsyncClient) -> None:
    place = await make_place()
    await sign_in_as(client, place.staff)
    page = await _home(client)
    assert "No request is at risk of passing its 48-hour limit." in page
    assert "No meeting is booked for this day." in page and 'href="/board"' in page
    assert "No document is waiting to be checked." in page
    assert "No walk-in registered today." in page and 'href="/board/walk-in"' in page


# --- Investigator -----------------------------------------------------------------------------


async def _submission(party: Party, tag: str, kind: SubmissionKind, due: timedelta) -> Submission:
    await party.engagement.fetch_related("case")
    now = datetime.now(UTC)
    return await Submission.create(
        receipt_number=f"R-HOME-{tag}", case=party.engagement.case, engagement=party.engagement,
        lawyer=party.lawyer, kind=kind, text="text", sha256="0" * 64, submitted_at=now - HOUR,
        duty="C3", due_at=now + due,
    )  # fmt: skip


async def test_the_investigators_tasks_come_by_deadline_overdue_first(
    client: AsyncClient,
) -> None:
    place = await make_place()
    investigator = await make_user(Role.INVESTIGATOR, agency=place.agency)
    party = await make_party(place)
    later = await _submission(party, "LATER", SubmissionKind.MEASURE_CHANGE, timedelta(days=2))
    late = await _submission(party, "LATE", SubmissionKind.OPINION, -timedelta(days=1))
    permission = await make_party(place)
    await MeetingRequest.filter(id=permission.request.id).update(
        status=RequestStatus.AWAITING_PERMISSION, permission_due_at=datetime.now(UTC) + HOUR
    )
    await sign_in_as(client, investigator)
    tasks = _section(await _home(client), "h-tasks")
    links = [f'href="/submissions/{late.id}"', f'href="/meeting-requests/{permission.request.id}"',
             f'href="/submissions/{later.id}"']  # fmt: skip
    assert [tasks.index(link) for link in links] == sorted(tasks.index(link) for link in links)
    first = tasks.split("</li>", 1)[0]
    assert "Overdue by" in first and late.receipt_number in first


async def test_another_agencys_tasks_are_not_on_the_investigators_home(
    client: AsyncClient,
) -> None:
    place, other = await make_place(), await make_place()
    investigator = await make_user(Role.INVESTIGATOR, agency=place.agency)
    theirs = await _submission(await make_party(other), "THEIRS", SubmissionKind.OPINION, HOUR)
    await sign_in_as(client, investigator)
    page = await _home(client)
    assert theirs.receipt_number not in page and f"/submissions/{theirs.id}" not in page


async def test_the_investigators_empty_home_says_so(client: AsyncClient) -> None:
    investigator = await make_user(Role.INVESTIGATOR)
    await sign_in_as(client, investigator)
    tasks = _section(await _home(client), "h-tasks")
    assert "Nothing to handle." in tasks and 'href="/tasks/submissions"' in tasks


# --- Bar auditor ------------------------------------------------------------------------------


async def test_the_auditors_home_shows_lawyers_complaints_and_the_audit_verification(
    client: AsyncClient,
) -> None:
    place = await make_place()
    auditor = await make_user(Role.BAR_AUDITOR)
    pending = await make_user(Role.LAWYER, status=AccountStatus.PENDING)
    party = await make_party(place)
    await party.engagement.fetch_related("case")
    now = datetime.now(UTC)
    waiting = await Complaint.create(
        case=party.engagement.case, lawyer=party.lawyer, complaint_type=ComplaintType.NOT_INFORMED,
        addressed_to=ComplaintBody.BAR_ASSOCIATION, description="not told", duty="N1",
        filed_at=now - timedelta(days=2), due_at=now + timedelta(days=8),
    )  # fmt: skip
    answered = await Complaint.create(
        case=party.engagement.case, lawyer=party.lawyer, complaint_type=ComplaintType.NOT_INFORMED,
        addressed_to=ComplaintBody.BAR_ASSOCIATION, description="told late", duty="N1",
        filed_at=now - timedelta(days=5), due_at=now + timedelta(days=5), reply_at=now,
    )  # fmt: skip
    await AuditVerification.create(at=now, ok=True, entries_checked=42, head_seq=42)
    await sign_in_as(client, auditor)
    page = await _home(client)
    assert f'href="/verification#lawyer-{pending.id}"' in _section(page, "h-pending")
    complaints = _section(page, "h-complaints")
    assert f'href="/complaints/{waiting.id}"' in complaints
    assert f"/complaints/{answered.id}" not in complaints
    audit = _section(page, "h-audit")
    assert "Intact" in audit and 'href="/audit' in audit and "42" in audit


async def test_the_auditors_empty_home_says_what_to_do(client: AsyncClient) -> None:
    auditor = await make_user(Role.BAR_AUDITOR)
    await sign_in_as(client, auditor)
    page = await _home(client)
    assert "No lawyer is waiting for verification in your jurisdiction." in page
    assert "No complaint is awaiting a reply." in page
    assert "The audit trail has not been verified yet." in page and 'href="/audit"' in page


# --- Others -----------------------------------------------------------------------------------


async def test_an_admins_home_keeps_the_list_of_what_she_can_do(client: AsyncClient) -> None:
    admin = await make_user(Role.ADMIN)
    await sign_in_as(client, admin)
    tasks = _section(await _home(client), "tasks-heading")
    assert 'href="/admin/users"' in tasks and 'href="/admin/organisations"' in tasks
