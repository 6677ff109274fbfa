"""Requests at risk of breaching the 48-hour limit (M1), for the top of the staff day board.

A request is never refused for lack of capacity: when no slot is free before its deadline it is
listed as a *capacity breach forecast* (``earliest_slot`` None) with the hours left, so staff can
add a session or a room. Listed: requests whose clock runs and that have no meeting yet, and
scheduled ones whose meeting a closure fell on (``needs_rebooking``), ordered by deadline.

Cost: one availability plan load per listed request (a few queries each). A facility has a
handful of open requests at a time, so this is acceptable for now; a single plan for the whole
facility and window, with the parties' meetings loaded together, would make it one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from tortoise.expressions import Q

from app import clock
from scheduling.availability import Slot
from scheduling.kinds import MeetingStatus, RequestStatus
from scheduling.models import Meeting, MeetingRequest
from scheduling.requests import earliest_free_slot

_HOUR = timedelta(hours=1)
# "At risk" on the desk's home page and in the metrics: an open request this close to its
# 48-hour limit (M1), or past it.
RISK_WINDOW: Final = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class RiskItem:
    request: MeetingRequest
    deadline_at: datetime
    hours_left: float  # negative once the deadline has passed
    earliest_slot: Slot | None  # None: capacity breach forecast
    meeting: Meeting | None = None  # the meeting to rebook, when a closure fell on it

    @property
    def breach_forecast(self) -> bool:
        return self.earliest_slot is None


async def requests_at_risk(facility_id: int, now: datetime | None = None) -> list[RiskItem]:
    """Every open request of the facility with a running clock, soonest deadline first."""
    moment = (now or clock.now()).astimezone(UTC)
    unbooked = await MeetingRequest.filter(
        facility_id=facility_id, status=RequestStatus.REQUESTED, deadline_at__isnull=False
    ).prefetch_related("facility")
    flagged = await Meeting.filter(
        status=MeetingStatus.ACTIVE, needs_rebooking=True, request__facility_id=facility_id,
        request__status=RequestStatus.SCHEDULED, request__deadline_at__isnull=False,
    ).prefetch_related("request__facility")  # fmt: skip
    pairs: list[tuple[MeetingRequest, Meeting | None]] = [(r, None) for r in unbooked]
    pairs += [(m.request, m) for m in flagged]
    items = []
    for request, meeting in pairs:
        assert request.deadline_at is not None  # filtered above
        slot = await earliest_free_slot(
            request, moment, exclude_meeting_id=meeting.id if meeting else None
        )
        left = (request.deadline_at - moment) / _HOUR
        items.append(RiskItem(request, request.deadline_at, round(left, 2), slot, meeting))
    return sorted(items, key=lambda item: (item.deadline_at, item.request.id))


@dataclass(frozen=True, slots=True)
class RiskCount:
    at_risk: int  # open requests within RISK_WINDOW of their deadline, or past it
    overdue: int  # of those, the ones past it


async def at_risk_by_facility(now: datetime) -> dict[int, RiskCount]:
    """Per facility id, the desk's "at risk" requests (as its home page lists them): requested
    and not yet booked, or booked on a meeting a closure fell on, with the deadline within
    RISK_WINDOW or past. Facilities with none are absent. Two indexed queries, no slot search."""
    moment = now.astimezone(UTC)
    soon = Q(deadline_at__not_isnull=True, deadline_at__lte=moment + RISK_WINDOW)
    unbooked = await MeetingRequest.filter(soon, status=RequestStatus.REQUESTED).values_list(
        "id", "facility_id", "deadline_at"
    )
    rebook = await MeetingRequest.filter(
        soon, status=RequestStatus.SCHEDULED, meetings__status=MeetingStatus.ACTIVE,
        meetings__needs_rebooking=True,
    ).values_list("id", "facility_id", "deadline_at")  # fmt: skip
    requests = {row[0]: (int(row[1]), row[2]) for row in [*unbooked, *rebook]}
    counts: dict[int, tuple[int, int]] = {}
    for facility_id, deadline in requests.values():
        at_risk, overdue = counts.get(facility_id, (0, 0))
        counts[facility_id] = (at_risk + 1, overdue + (deadline <= moment))
    return {facility: RiskCount(*pair) for facility, pair in counts.items()}
