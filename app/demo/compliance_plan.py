"""Six months of demo history for the compliance dashboard, planned in memory (no I/O).

``plan_history`` draws, from a fixed seed, every case of three detention centres and three
agencies: detentions, arrests and transfers, engagements, meeting requests with their meetings
(on time, late, met only days late, cancelled by the centre, refused on a lawful ground,
walk-ins, one under permission), notices, opinions, applications and complaints. Nothing of the
past is left open: a request the centre did not arrange in time was met days later, once the
lawyer pressed, so no months-old request waits on today's day board. Outcomes are placed against
the deadlines of the period engine (passed in as ``due``), so each facility's share of meetings
within 48 hours comes out as designed: 海淀 ~96 %, 西城 ~85 %, 朝阳 ~71 % (story 15).
``app.demo.compliance`` writes the plan through the ORM.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from app.cases.kinds import CaseCategory, EventKind

Due = Callable[[str, datetime], datetime]  # (duty id, trigger) -> due time (exclusive)
ZONE: Final = ZoneInfo("Asia/Shanghai")
SESSIONS: Final = ((time(8, 30), time(11, 30)), (time(14, 0), time(17, 30)))
OPEN_DAYS: Final = (0, 1, 2, 3, 4, 5)
MEETING: Final = timedelta(minutes=60)
H: Final = timedelta(hours=1)
DAYS_LATE: Final = timedelta(days=4)  # a meeting not arranged in time, met after a complaint
SURNAMES: Final = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁"
GIVEN: Final = "伟芳娜敏静强磊军洋勇艳杰涛明超霞平刚宁华"
CHARGES: Final = [
    "诈骗罪",
    "盗窃罪",
    "故意伤害罪",
    "寻衅滋事罪",
    "职务侵占罪",
    "非法吸收公众存款罪",
    "危险驾驶罪",
    "帮助信息网络犯罪活动罪",
    "掩饰、隐瞒犯罪所得罪",
]
REFUSALS: Final = ("detainee_transferred: 已移送北京市第一看守所",
                   "lawyer_documents_incomplete: 缺少律师事务所证明",
                   "engagement_ended: 委托人已书面解除委托",
                   "detainee_released: 已变更为取保候审")  # fmt: skip
CANCELS: Final = ("监区临时封闭", "会见室设备检修", "在押人员提审，无法安排", "疫情防控临时管控")


@dataclass(frozen=True)
class FacilityProfile:
    name: str
    agencies: tuple[str, ...]  # cycled over the facility's ordinary cases
    cases: int
    on_time: float  # designed share of M1 requests met within 48 hours
    cancellations: int  # meetings the centre cancelled (then rebooked)
    refusals: int  # requests refused on a lawful ground
    walk_ins: int
    open_requests: int  # requested in the last day, nothing booked yet


@dataclass(frozen=True)
class AgencyProfile:
    name: str
    case_prefix: str
    punctual: float  # share of notices, decisions and replies given in time


@dataclass
class PlanMeeting:
    room: int  # index into the facility's rooms
    starts_at: datetime
    started_at: datetime | None = None
    cancel_reason: str = ""


@dataclass
class PlanRequest:
    requested_at: datetime
    clock: datetime | None
    walk_in: bool = False
    status: str = "completed"
    refusal_reason: str = ""
    facility_cancel_reason: str = ""
    permission_decided_at: datetime | None = None
    permission_granted: bool | None = None  # set: permission was needed (M5)
    meetings: list[PlanMeeting] = field(default_factory=list)


@dataclass
class PlanEvent:
    kind: EventKind
    at: datetime
    notice_at: datetime | None = None  # N2-N5 delivered to the lawyer; None: never
    family_at: datetime | None = None  # N6 / N7


@dataclass
class PlanSubmission:
    kind: str  # opinion | measure_change
    submitted_at: datetime
    done_at: datetime | None  # acknowledged and attached (opinion) or decided


@dataclass
class PlanComplaint:
    complaint_type: str
    duty: str
    filed_at: datetime
    reply_at: datetime | None


@dataclass
class PlanCase:
    number: str
    facility: str
    agency: str
    category: CaseCategory
    charges: str
    detainee: str
    id_number: str
    lawyer: int  # index into the history lawyers
    engaged_at: datetime
    n1_at: datetime | None
    events: list[PlanEvent] = field(default_factory=list)
    requests: list[PlanRequest] = field(default_factory=list)
    submissions: list[PlanSubmission] = field(default_factory=list)
    complaints: list[PlanComplaint] = field(default_factory=list)
    terminated_at: datetime | None = None
    n5_at: datetime | None = None


class _Slots:
    """Meeting times in the centres' opening hours, never two at once for a room, a lawyer or a
    detainee (the database refuses overlaps, migration 0007)."""

    def __init__(self, rooms: dict[str, int]) -> None:
        self.rooms = rooms
        self.busy: dict[tuple[str, object], set[datetime]] = {}

    def take(self, facility: str, lawyer: int, detainee: str, earliest: datetime) -> PlanMeeting:
        local = earliest.astimezone(ZONE)
        minute = 30 * -(-(local.hour * 60 + local.minute) // 30)
        t = datetime.combine(local.date(), time(), ZONE) + timedelta(minutes=minute)
        while True:
            if t.weekday() in OPEN_DAYS and any(
                datetime.combine(t.date(), a, ZONE) <= t
                and t + MEETING <= datetime.combine(t.date(), b, ZONE)
                for a, b in SESSIONS
            ):
                for room in range(self.rooms[facility]):
                    keys = [("room", (facility, room)), ("lawyer", lawyer), ("detainee", detainee)]
                    near = (t - MEETING / 2, t, t + MEETING / 2)  # 60 minutes on a 30 grid
                    if not any(n in self.busy.get(k, set()) for k in keys for n in near):
                        for k in keys:
                            self.busy.setdefault(k, set()).add(t)
                        return PlanMeeting(room, t)
            t += timedelta(minutes=30)


class _Planner:
    def __init__(self, now: datetime, due: Due, rooms: dict[str, int], lawyers: int) -> None:
        self.now, self.due, self.lawyers = now, due, lawyers
        self.rng = random.Random(20261127)
        self.slots = _Slots(rooms)
        self.numbers: dict[str, int] = {}

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def on_time(self, agency: AgencyProfile, duty: str, trigger: datetime) -> datetime:
        """A fulfilment time: before the due time, or after it as often as the agency is late."""
        due = self.due(duty, trigger)
        if self.rng.random() < agency.punctual:
            return trigger + (due - trigger) * self.rng.uniform(0.1, 0.8)
        return due + self.hours(3, 80)

    def person(self, region: str, n: int) -> tuple[str, str]:
        name = self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))
        born = datetime(1965, 1, 1) + timedelta(days=self.rng.randrange(14_000))
        body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
        weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
        return name, body + check

    def case(self, fac: FacilityProfile, agency: AgencyProfile, n: int, start: datetime,
             category: CaseCategory = CaseCategory.ORDINARY) -> PlanCase:  # fmt: skip
        serial = self.numbers[agency.case_prefix] = self.numbers.get(agency.case_prefix, 2000) + 1
        name, id_number = self.person("110101", n)
        detained = start.replace(minute=self.rng.randrange(60))
        engaged = detained + self.hours(10, 60)
        c = PlanCase(
            f"{agency.case_prefix}〔{detained.year}〕{serial:04d}号", fac.name, agency.name,
            category, self.rng.choice(CHARGES), name, id_number, self.rng.randrange(self.lawyers),
            engaged, None,
        )  # fmt: skip
        c.n1_at = self.on_time(agency, "N1", engaged)
        c.events.append(PlanEvent(EventKind.CRIMINAL_DETENTION, detained,
                                  family_at=detained + self.hours(2, 20)))  # fmt: skip
        arrest = detained + timedelta(days=self.rng.uniform(7, 30))
        if arrest < self.now - timedelta(days=2) and self.rng.random() < 0.75:
            c.events.append(PlanEvent(EventKind.ARREST, arrest, self.on_time(agency, "N2", arrest),
                                      family_at=arrest + self.hours(1, 20)))  # fmt: skip
            transfer = arrest + timedelta(days=self.rng.uniform(30, 55))
            if transfer < self.now - timedelta(days=2):
                c.events.append(PlanEvent(EventKind.TRANSFER_FOR_PROSECUTION, transfer,
                                          self.on_time(agency, "N4", transfer)))  # fmt: skip
                sent = transfer - timedelta(days=self.rng.uniform(5, 20))
                if sent > engaged + H and self.rng.random() < 0.45:  # an opinion before the end
                    done = sent + (transfer - sent) * self.rng.uniform(0.1, 0.6)
                    if self.rng.random() > agency.punctual:  # heard only after the file closed
                        done = min(transfer + self.hours(20, 240), self.now - H)
                    c.submissions.append(PlanSubmission("opinion", sent, done))
            if self.rng.random() < 0.25:  # an application to change the measure
                sent = arrest + timedelta(days=self.rng.uniform(1, 10))
                if sent < self.now - timedelta(days=12):
                    c.submissions.append(
                        PlanSubmission("measure_change", sent, self.on_time(agency, "O2", sent))
                    )
            if self.rng.random() < 0.08:  # a complaint about custody or seized property
                filed = arrest + timedelta(days=self.rng.uniform(5, 20))
                if filed < self.now - timedelta(days=3):
                    reply = self.on_time(agency, "C2", filed)
                    kind = self.rng.choice(("custody_overdue", "seized_property"))
                    c.complaints.append(
                        PlanComplaint(kind, "C2", filed, reply if reply < self.now else None)
                    )
        return c

    def request(self, c: PlanCase, at: datetime, late: bool) -> PlanRequest:
        r = PlanRequest(at, at)
        due = self.due("M1", at)
        earliest = due + self.hours(2, 60) if late else at + self.hours(1, 20)
        m = self.slots.take(c.facility, c.lawyer, c.detainee, earliest)
        if not late and m.starts_at + timedelta(minutes=15) >= due:  # the first free time
            m = self.slots.take(c.facility, c.lawyer, c.detainee, at + H)
        m.started_at = m.starts_at + timedelta(minutes=self.rng.randrange(2, 15))
        r.meetings.append(m)
        return r

    def met_days_late(self, c: PlanCase, at: datetime) -> PlanRequest:
        """Not arranged within 48 hours, nor for days after: met only once the lawyer pressed
        (often with a complaint), so the request does not stay open for ever."""
        r = PlanRequest(at, at)
        due = self.due("M1", at)
        # Days after the limit, and well before now (where a holiday moved the limit on).
        earliest = max(min(due + DAYS_LATE, self.now - timedelta(days=2)), due + H)
        m = self.slots.take(c.facility, c.lawyer, c.detainee, earliest)
        m.started_at = m.starts_at + timedelta(minutes=10)
        r.meetings.append(m)
        return r

    def cancel_first(self, c: PlanCase, r: PlanRequest) -> None:
        """The centre cancelled an earlier booking (reason given); the meeting was rebooked."""
        first = self.slots.take(c.facility, c.lawyer, c.detainee, r.requested_at + H)
        if first.starts_at >= r.meetings[0].starts_at:
            return
        first.cancel_reason = r.facility_cancel_reason = self.rng.choice(CANCELS)
        r.meetings.insert(0, first)


def plan_history(
    now: datetime,
    due: Due,
    facilities: tuple[FacilityProfile, ...],
    agencies: dict[str, AgencyProfile],
    rooms: dict[str, int],
    lawyers: int,
    permission: tuple[str, str, int] = ("", "", 0),  # facility, agency, number of cases
) -> list[PlanCase]:
    """The cases of ``facilities`` over the 180 days before ``now``; deterministic."""
    p = _Planner(now, due, rooms, lawyers)
    cases: list[PlanCase] = []
    for fac in facilities:
        own: list[PlanCase] = []
        for i in range(fac.cases):
            start = now - timedelta(days=180) + timedelta(days=172 * i / fac.cases)
            start = datetime.combine(start.astimezone(ZONE).date(), time(10), ZONE)
            agency = agencies[fac.agencies[i % len(fac.agencies)]]
            own.append(p.case(fac, agency, len(cases) + len(own), start))
        _requests(p, fac, own)
        cases += own
    facility, authority, count = permission
    if count:
        fac = next(f for f in facilities if f.name == facility)
        cases += plan_permission_cases(p, fac, agencies[authority], count)
    return cases


def _requests(p: _Planner, fac: FacilityProfile, cases: list[PlanCase]) -> None:
    limit = p.now - timedelta(days=7)
    asks: list[tuple[PlanCase, datetime]] = []
    for c in cases:
        asks.append((c, c.engaged_at + p.hours(1, 30)))
        for e in c.events:
            if e.kind is EventKind.ARREST and p.rng.random() < 0.7:
                asks.append((c, e.at + timedelta(days=p.rng.uniform(1, 6))))
    asks = [(c, at) for c, at in asks if at < limit]
    # The breaches are drawn quarter by quarter, so that each calendar quarter (the auditor's
    # "last quarter", story 15), not only the six months, comes out at the designed share.
    quarters: dict[tuple[int, int], list[int]] = {}
    for i, (_c, at) in enumerate(asks):
        local = at.astimezone(ZONE)
        quarters.setdefault((local.year, (local.month - 1) // 3), []).append(i)
    late: set[int] = set()
    for indices in quarters.values():
        late |= set(p.rng.sample(indices, round(len(indices) * (1 - fac.on_time))))
    days_late = set(sorted(late)[::4])  # a quarter of the breaches met only days later
    for i, (c, at) in enumerate(asks):
        if i in days_late:
            c.requests.append(p.met_days_late(c, at))
            continue
        r = p.request(c, at, i in late)
        c.requests.append(r)
    booked = [(c, r) for c in cases for r in c.requests
              if r.meetings and r.meetings[0].starts_at - r.requested_at > 6 * H]  # fmt: skip
    for c, r in p.rng.sample(booked, min(fac.cancellations, len(booked))):
        p.cancel_first(c, r)
    _extras(p, fac, cases, limit)


def _extras(p: _Planner, fac: FacilityProfile, cases: list[PlanCase], limit: datetime) -> None:
    """Walk-ins, lawful refusals, open requests and complaints about the late meetings."""
    old = [c for c in cases if c.engaged_at < limit - timedelta(days=3)]
    for c in p.rng.sample(old, min(fac.walk_ins, len(old))):
        m = p.slots.take(c.facility, c.lawyer, c.detainee, c.engaged_at + p.hours(20, 60))
        asked = m.starts_at - timedelta(minutes=40)  # at the gate, unbooked (M2)
        m.started_at = m.starts_at + timedelta(minutes=p.rng.randrange(2, 10))
        c.requests.append(PlanRequest(asked, asked, walk_in=True, meetings=[m]))
    for c in p.rng.sample(old, min(fac.refusals, len(old))):
        when = c.engaged_at + timedelta(days=p.rng.uniform(3, 9))
        c.requests.append(PlanRequest(when, when, status="refused",
                                      refusal_reason=p.rng.choice(REFUSALS)))  # fmt: skip
    for c in cases[-fac.open_requests :] if fac.open_requests else []:
        recent = p.now - p.hours(2, 20)
        c.requests.append(PlanRequest(recent, recent, status="requested"))
    for c in cases:
        for r in c.requests:
            if r.walk_in or r.status == "refused" or r.clock is None or r.requested_at > limit:
                continue
            due = p.due("M1", r.clock)
            met = next((m.started_at for m in r.meetings if m.started_at), None)
            if (met is not None and met < due) or p.rng.random() < 0.5:
                continue
            filed = due + p.hours(4, 40)  # the lawyer complains of the delay (C1)
            reply = filed + (p.due("C1", filed) - filed) * p.rng.uniform(0.2, 0.9)
            if p.rng.random() < 0.3:
                reply = p.due("C1", filed) + p.hours(24, 200)
            c.complaints.append(PlanComplaint("meeting_refused", "C1", filed,
                                              reply if reply < p.now else None))  # fmt: skip


def plan_permission_cases(
    p: _Planner, fac: FacilityProfile, agency: AgencyProfile, count: int
) -> list[PlanCase]:
    """State-security cases (M5): the authority answers the permission request within 3 days
    (mostly), one refuses; a grant starts the 48 hours."""
    out: list[PlanCase] = []
    for i in range(count):
        start = p.now - timedelta(days=150 - 25 * i)
        start = datetime.combine(start.astimezone(ZONE).date(), time(9), ZONE)
        c = p.case(fac, agency, 900 + i, start, CaseCategory.STATE_SECURITY)
        at = c.engaged_at + p.hours(2, 20)
        due = p.due("M5", at)  # the third case's answer came late
        decided = due + p.hours(5, 30) if i == 2 else at + (due - at) * p.rng.uniform(0.2, 0.7)
        r = PlanRequest(at, None, status="completed", permission_decided_at=decided,
                        permission_granted=i != 1)  # fmt: skip
        if i == 1:
            r.status = "permission_refused"
        else:
            r.clock = decided
            m = p.slots.take(c.facility, c.lawyer, c.detainee, decided + H)
            m.started_at = m.starts_at + timedelta(minutes=p.rng.randrange(2, 15))
            r.meetings.append(m)
        c.requests.append(r)
        out.append(c)
    return out
