"""The people and rooms of the booking benchmark, written through the ORM before the clock runs.

One facility per phase (API, raw), open every day 06:00-22:00 Beijing time with the default
lengths and 10-minute buffer; 32 lawyers, each acting for one detainee, each with one open
meeting request per step (a booked request is no longer bookable, so every attempt needs its
own). Clients 0-15 all aim at room 0 at the same start each step ("fighting"); client 16+i has
room 1+i to itself. Steps are 75 minutes apart, so a lawyer's own meetings never touch.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from app.accounts.models import User
from app.accounts.roles import AccountStatus, Role
from app.accounts.tokens import create_token
from app.cases.kinds import CaseStage, EngagementStatus
from app.cases.models import Case, CaseDetainee, Detainee, Engagement
from app.orgs.models import Agency, Facility
from scheduling.kinds import RequestStatus, RoomKind
from scheduling.models import MeetingRequest, OpeningSession, Room

BEIJING: Final = ZoneInfo("Asia/Shanghai")
OPENS, CLOSES = time(6), time(22)
LENGTH_MINUTES: Final = 60
STEP: Final = timedelta(minutes=75)
_serial = itertools.count(1)


@dataclass(frozen=True)
class Attempt:
    request_id: int
    room_id: int
    starts_at: datetime


@dataclass
class Client:
    lawyer_id: int
    token: str  # API bearer token ("" for the raw phase)
    contended: bool
    attempts: list[Attempt]


def slot_starts(count: int, first_day: date) -> list[datetime]:
    """``count`` starts STEP apart within opening hours, from ``first_day`` on (UTC)."""
    starts: list[datetime] = []
    day = first_day
    while len(starts) < count:
        at = datetime.combine(day, OPENS, tzinfo=BEIJING)
        last = datetime.combine(day, CLOSES, tzinfo=BEIJING) - timedelta(minutes=LENGTH_MINUTES)
        while at <= last and len(starts) < count:
            starts.append(at.astimezone(UTC))
            at += STEP
        day += timedelta(days=1)
    return starts


async def build(label: str, clients: int, steps: int, *, tokens: bool) -> list[Client]:
    """A facility, its rooms and the clients' lawyers, detainees and requests."""
    tag = f"{label}-{next(_serial)}"
    facility = await Facility.create(name=f"Bench {tag}", region_code="110108")
    agency = await Agency.create(name=f"Bench agency {tag}", region_code="110108")
    fighters = clients // 2
    rooms = [
        await Room.create(facility=facility, name=f"Room {n}", kind=RoomKind.IN_PERSON)
        for n in range(1 + clients - fighters)
    ]
    await OpeningSession.bulk_create([
        OpeningSession(facility=facility, weekday=w, start_minute=6 * 60, end_minute=22 * 60)
        for w in range(7)
    ])  # fmt: skip
    starts = slot_starts(steps, datetime.now(BEIJING).date() + timedelta(days=2))
    now = datetime.now(UTC)
    made: list[Client] = []
    for index in range(clients):
        serial = next(_serial)
        lawyer = await User.create(
            username=f"bench-{tag}-lawyer-{index}", display_name=f"Bench lawyer {index}",
            email=f"bench-{serial}@example.test", role=Role.LAWYER, status=AccountStatus.ACTIVE,
            password_hash="!bench-no-login", licence_number=f"1101201512{serial:07d}",
            law_firm="Bench Law Firm", region_code="110100",
        )  # fmt: skip
        case = await Case.create(
            agency=agency, case_number=f"BENCH-{tag}-{index}", stage=CaseStage.TRIAL
        )
        detainee = await Detainee.create(
            name=f"Bench detainee {index}", id_number=f"BENCH{serial:010d}",
            facility=facility, admitted_at=now - timedelta(days=3),
        )  # fmt: skip
        await CaseDetainee.create(case=case, detainee=detainee)
        engagement = await Engagement.create(
            lawyer=lawyer, case=case, detainee=detainee, status=EngagementStatus.ACTIVE,
            activated_at=now,
        )  # fmt: skip
        await MeetingRequest.bulk_create([
            MeetingRequest(
                engagement=engagement, lawyer=lawyer, detainee=detainee, facility=facility,
                requested_at=now, length_minutes=LENGTH_MINUTES, status=RequestStatus.REQUESTED,
            )
            for _ in range(steps)
        ])  # fmt: skip
        request_ids: list[int] = [
            r.id for r in await MeetingRequest.filter(engagement=engagement).order_by("id")
        ]
        contended = index < fighters
        room = rooms[0] if contended else rooms[1 + index - fighters]
        token = (await create_token(lawyer, "bench"))[1] if tokens else ""
        made.append(
            Client(
                lawyer.id, token, contended,
                [Attempt(r, room.id, s) for r, s in zip(request_ids, starts, strict=True)],
            )
        )  # fmt: skip
    return made
