"""Generated case timelines for the compliance figures (issue 8): seeded, reproducible.

Each case gets a random mix of what the checklist judges: engagement notices, detention and
arrest with their notices (on time, late, never), custody extensions, meeting requests met on
time, late, never, refused, cancelled by the facility (with or without a lawful reason),
walk-ins, permission requests, opinions, applications and complaints, at times spread over
the last ~100 days (so some duties are still open). Records are written straight to the
models, as a migration or another program could, and judged by the ledger's triggers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.kinds import CaseCategory, EngagementStatus, EventKind
from app.cases.models import Case, CaseDetainee, CaseEvent, Detainee, Engagement
from app.orgs.models import Agency, Facility
from notifications.kinds import Channel, Status
from notifications.models import Notification
from rights_checklist.kinds import ComplaintBody, ComplaintType, SubmissionKind
from rights_checklist.models import Complaint, Submission
from scheduling.kinds import MeetingStatus, RequestStatus
from scheduling.models import Meeting, MeetingRequest, Room
from tests.integration.helpers import make_organisation, make_user

_serial = count(1)
H = timedelta(hours=1)


@dataclass
class ComplianceWorld:
    facilities: list[Facility]
    agencies: list[Agency]  # [0], [1] in Beijing (11...), [2] in Shanghai (31...)
    auditor: User  # Beijing bar auditor
    cases: list[Case]


async def make_world(seed: int, cases: int = 10, now: datetime | None = None) -> ComplianceWorld:
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    facilities: list[Facility] = [
        await make_organisation("facility", code, f"CF{seed}-{i}")
        for i, code in enumerate(("110101", "110102", "310101"))
    ]
    agencies: list[Agency] = [
        await make_organisation("agency", code, f"CA{seed}-{i}")
        for i, code in enumerate(("110101", "110105", "310101"))
    ]
    rooms = {f.id: await Room.create(facility=f, name="R1") for f in facilities}
    auditor = await make_user(Role.BAR_AUDITOR, region_code="110000")
    made = [await _case(rng, now, rng.choice(facilities), rng.choice(agencies), rooms)
            for _ in range(cases)]  # fmt: skip
    return ComplianceWorld(facilities, agencies, auditor, made)


def _at(rng: random.Random, now: datetime, days: float = 100) -> datetime:
    return now - timedelta(seconds=rng.uniform(0, days * 86_400))


async def _case(
    rng: random.Random, now: datetime, facility: Facility, agency: Agency, rooms: dict[int, Room]
) -> Case:
    tag = next(_serial)
    category = CaseCategory.STATE_SECURITY if rng.random() < 0.2 else CaseCategory.ORDINARY
    case = await Case.create(agency=agency, case_number=f"CMP-{tag}", category=category)
    start = _at(rng, now)
    detainee = await Detainee.create(
        name=f"Detainee {tag}", id_number=f"CMP{tag:08d}", facility=facility, admitted_at=start
    )
    await CaseDetainee.create(case=case, detainee=detainee)
    lawyer = await make_user(Role.LAWYER)
    engagement = await Engagement.create(
        lawyer=lawyer, case=case, detainee=detainee, status=EngagementStatus.ACTIVE,
        activated_at=start, notice_sent_at=start,
    )  # fmt: skip
    await _notice(rng, case, engagement, "N1", None, start, now)
    t = start + H * rng.uniform(1, 48)
    for kind in (EventKind.CRIMINAL_DETENTION, EventKind.ARREST, EventKind.CUSTODY_EXTENSION):
        if t > now or rng.random() < 0.3:
            break
        details = {"new_expiry": (t + timedelta(days=60)).date().isoformat()} if (
            kind is EventKind.CUSTODY_EXTENSION) else {}  # fmt: skip
        event = await CaseEvent.create(case=case, detainee=detainee, kind=kind, effective_at=t,
                                       details=details)  # fmt: skip
        if kind is not EventKind.CRIMINAL_DETENTION:
            await _notice(rng, case, engagement, "N2" if kind is EventKind.ARREST else "N3",
                          event.id, t, now)  # fmt: skip
        t += timedelta(days=rng.uniform(1, 20))
    for _ in range(rng.randint(0, 3)):
        await _request(rng, now, engagement, lawyer, detainee, facility, rooms[facility.id])
    for _ in range(rng.randint(0, 2)):
        await _submission(rng, now, case, engagement, lawyer, start)
    if rng.random() < 0.4:
        await _complaint(rng, now, case, lawyer, start)
    return case


async def _notice(rng: random.Random, case: Case, engagement: Engagement, duty: str,
                  event_id: int | None, trigger: datetime, now: datetime) -> None:  # fmt: skip
    delivered = trigger + H * rng.choice([0.5, 5, 20, 30, 80])
    if rng.random() < 0.2 or delivered > now:
        return  # never sent
    payload: dict[str, object] = {"engagement_id": engagement.id}
    if event_id is not None:
        payload["event_id"] = event_id
    await Notification.create(
        template="case_event_notice", channel=Channel.EMAIL, payload=payload, duty_id=duty,
        status=Status.DELIVERED, next_attempt_at=trigger, sent_at=delivered,
        delivered_at=delivered, case=case,
    )  # fmt: skip


async def _request(rng: random.Random, now: datetime, engagement: Engagement, lawyer: User,
                   detainee: Detainee, facility: Facility, room: Room) -> None:  # fmt: skip
    asked = _at(rng, now, 60)
    outcome = rng.choice(
        ["met", "met", "late", "open", "refused", "cancelled", "lawful", "rebooked"]
    )
    permission = rng.random() < 0.15
    walk_in = rng.random() < 0.2
    status = {"met": RequestStatus.COMPLETED, "late": RequestStatus.COMPLETED,
              "rebooked": RequestStatus.COMPLETED,
              "open": RequestStatus.REQUESTED, "refused": RequestStatus.REFUSED,
              "cancelled": RequestStatus.CANCELLED_BY_FACILITY,
              "lawful": RequestStatus.REFUSED}[outcome]  # fmt: skip
    granted = rng.random() < 0.7 if permission else None
    request = await MeetingRequest.create(
        engagement=engagement, lawyer=lawyer, detainee=detainee, facility=facility,
        requested_at=asked, clock_started_at=asked, status=status, walk_in=walk_in,
        refusal_reason="detainee in hospital" if outcome == "lawful" else (
            "no rooms" if outcome == "refused" else ""),
        # A cancellation by the facility returns the request to scheduling, reason kept.
        facility_cancel_reason="power cut" if outcome in ("cancelled", "rebooked") else "",
        permission_due_at=asked + timedelta(days=3) if permission else None,
        permission_decided_at=asked + H * rng.choice([20, 100]) if granted is not None else None,
        permission_granted=granted,
    )  # fmt: skip
    if outcome in ("met", "late", "open", "rebooked") and rng.random() < 0.8:
        starts = asked + H * (rng.uniform(2, 40) if outcome != "late" else rng.uniform(60, 120))
        started = starts if outcome != "open" and starts < now else None
        tag = next(_serial)
        await Meeting.create(
            request=request, room=room, lawyer=lawyer, detainee=detainee, starts_at=starts,
            ends_at=starts + H, status=MeetingStatus.ACTIVE, reference=f"C{tag:07d}",
            uid=f"cmp-{tag}@test", started_at=started,
        )  # fmt: skip


async def _submission(rng: random.Random, now: datetime, case: Case, engagement: Engagement,
                      lawyer: User, start: datetime) -> None:  # fmt: skip
    kind = rng.choice([SubmissionKind.OPINION, SubmissionKind.MEASURE_CHANGE])
    at = start + (now - start) * rng.random()
    done = at + H * rng.choice([10, 60, 100]) if rng.random() < 0.7 else None
    done = done if done is not None and done < now else None
    tag = next(_serial)
    await Submission.create(
        receipt_number=f"CMP-S-{tag}", case=case, engagement=engagement, lawyer=lawyer,
        kind=kind, text="...", sha256="0" * 64, submitted_at=at,
        acknowledged_at=done, attached_at=done,
        decided_at=done if kind is SubmissionKind.MEASURE_CHANGE else None,
    )  # fmt: skip


async def _complaint(rng: random.Random, now: datetime, case: Case, lawyer: User,
                     start: datetime) -> None:  # fmt: skip
    at = start + (now - start) * rng.random()
    replied = at + timedelta(days=rng.choice([3, 12, 40]))
    ctype = rng.choice([ComplaintType.MEETING_REFUSED, ComplaintType.CUSTODY_OVERDUE])
    duty = "C2" if ctype is ComplaintType.CUSTODY_OVERDUE else "C1"
    await Complaint.create(
        case=case, lawyer=lawyer, complaint_type=ctype, addressed_to=ComplaintBody.PROCURATORATE,
        description="...", duty=duty, filed_at=at, due_at=at + timedelta(days=10),
        reply_at=replied if replied < now and rng.random() < 0.7 else None,
    )  # fmt: skip
