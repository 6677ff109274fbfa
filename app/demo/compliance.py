"""Demo history for the compliance dashboard (`make run`): six months, three centres, three
agencies, and the duty ledger judged at the end, so `/compliance` tells story 15 at once.

The plan comes from ``app.demo.compliance_plan`` (fixed seed, times relative to now). Past
records cannot be made through the services, which stamp the current time (an engagement's
notice, a notice's delivery), so they are written through the same ORM models in bulk, in one
transaction, with one audit entry saying so; the triggers of migration 0012 mark each case and
``refresh_ledger`` judges them. None of these records is in the audit trail, so every case is
flagged ``Case.demo_history`` and the compliance pages say how many of the cases they count are
such demo data. Everything the history leaves is settled: no request of months ago still waits
for a meeting, no application for a decision (the board and the task lists show today's work).
Idempotent: once the 西城 centre has detainees nothing is added.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, Final

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.audit.service import record
from app.cases.kinds import CaseStage, EngagementStatus, EventKind
from app.cases.models import Case, CaseDetainee, CaseEvent, Detainee, Engagement
from app.demo import DEMO_PASSWORD
from app.demo.compliance_plan import (
    OPEN_DAYS,
    AgencyProfile,
    FacilityProfile,
    PlanCase,
    plan_history,
)
from app.law.catalogue import load_catalogue
from app.law.context import Law, LegalContext, duty_deadline
from app.law.periods import prompt_target_deadline
from app.orgs.models import Agency, Facility
from notifications.kinds import Channel, Status
from notifications.models import Notification
from rights_checklist import ledger
from rights_checklist.kinds import ComplaintBody, ComplaintType, Decision, SubmissionKind
from rights_checklist.models import Complaint, FamilyNotice, Submission
from scheduling.kinds import MeetingStatus, RequestStatus, RoomKind
from scheduling.models import FacilitySchedule, Meeting, MeetingRequest, OpeningSession, Room
from scheduling.reference import new_reference
from scheduling.requests import meeting_deadline

ZONE: Final = "Asia/Shanghai"  # every demo centre's zone
HAIDIAN: Final = "北京市海淀区看守所"
CHAOYANG: Final = "北京市朝阳区看守所"
XICHENG: Final = "北京市西城区看守所"
HAIDIAN_PSB: Final = "北京市公安局海淀分局刑侦支队"
CHAOYANG_PSB: Final = "北京市公安局朝阳分局刑侦支队"
STATE_SECURITY: Final = "北京市国家安全局侦查处"
FACILITIES: Final = (
    FacilityProfile(HAIDIAN, (HAIDIAN_PSB,), 57, 0.96, 1, 1, 5, 1),
    FacilityProfile(CHAOYANG, (CHAOYANG_PSB,), 40, 0.71, 4, 3, 4, 2),
    FacilityProfile(XICHENG, (HAIDIAN_PSB, CHAOYANG_PSB), 30, 0.85, 2, 1, 3, 0),
)
AGENCIES: Final = {
    HAIDIAN_PSB: AgencyProfile(HAIDIAN_PSB, "京海公(刑)立字", 0.95),
    CHAOYANG_PSB: AgencyProfile(CHAOYANG_PSB, "京朝公(刑)立字", 0.68),
    STATE_SECURITY: AgencyProfile(STATE_SECURITY, "京安(侦)字", 0.8),
}
XICHENG_ROOMS: Final = (("会见室1", RoomKind.IN_PERSON), ("会见室2", RoomKind.IN_PERSON),
                        ("视频会见室", RoomKind.VIDEO_LINK))  # fmt: skip
XICHENG_VIDEO: Final = "https://video.example.org/xicheng-lawyer-room"  # an example domain
LAWYERS: Final = (("zhou.lawyer", "周律师", "北京明德律师事务所"),
                  ("wu.lawyer", "吴律师", "北京正义律师事务所"),
                  ("zheng.lawyer", "郑律师", "北京京都律师事务所"),
                  ("feng.lawyer", "冯律师", "北京公正律师事务所"),
                  ("he.lawyer", "何律师", "北京大成律师事务所"),
                  ("lv.lawyer", "吕律师", "北京中伦律师事务所"),
                  ("shi.lawyer", "施律师", "北京金杜律师事务所"),
                  ("kong.lawyer", "孔律师", "北京君合律师事务所"))  # fmt: skip


async def load_demo_compliance(law: Law) -> int:
    """Write the history if it is missing and judge the ledger; return the cases created."""
    xicheng = await _organisations()
    created = 0
    if not await Detainee.filter(facility_id=xicheng.id).exists():
        context = await law.context()
        lawyers = await demo_lawyers()
        rooms = {
            name: await Room.filter(facility__name=name).order_by("name")
            for name in (HAIDIAN, CHAOYANG, XICHENG)
        }
        now = clock.now()
        plan = plan_history(
            now, _due(context), FACILITIES, AGENCIES, {n: len(r) for n, r in rooms.items()},
            len(lawyers), permission=(HAIDIAN, STATE_SECURITY, 4),
        )  # fmt: skip
        async with in_transaction():
            await _Writer(plan, lawyers, rooms, context, now).write()
            await record(None, "demo.compliance_history_loaded", "facility", xicheng.id,
                         {"cases": len(plan)})  # fmt: skip
        created = len(plan)
    else:
        await _flag_earlier_history()
    await ledger.refresh_ledger(law)
    return created


async def _flag_earlier_history() -> None:
    """A demo database loaded before cases carried the flag: its history cases are the demo
    agencies' cases that no service opened (no ``case.opened`` entry in the audit trail)."""
    opened = await AuditEntry.filter(action="case.opened").values_list("object_id", flat=True)
    agencies = await Agency.filter(name__in=list(AGENCIES)).values_list("id", flat=True)
    unaudited = Case.filter(agency_id__in=list(agencies), demo_history=False).exclude(
        id__in=[int(str(case_id)) for case_id in opened]
    )
    # Counted before the update: on SQLite an UPDATE's count includes the rows the duty
    # ledger's triggers insert.
    ids = list(await unaudited.values_list("id", flat=True))
    if ids:
        await Case.filter(id__in=ids).update(demo_history=True)
        await record(None, "demo.history_flagged", "case", "", {"cases": len(ids)})


def _due(context: LegalContext) -> Any:
    catalogue = load_catalogue()

    def due(duty_id: str, trigger: datetime) -> datetime:
        if catalogue.by_id(duty_id).parsed_period is None:  # "promptly": the P6 target
            return prompt_target_deadline(
                trigger, tz=ZONE, calendar=context.calendar, policies=context.policies
            ).expires_at
        return duty_deadline(duty_id, trigger, ZONE, context).expires_at

    return due


async def _organisations() -> Facility:
    xicheng, _ = await Facility.get_or_create(
        name=XICHENG, defaults={"region_code": "110102", "address": "北京市西城区半步桥街",
                                "phone": "010-83970000"},
    )  # fmt: skip
    await Agency.get_or_create(
        name=CHAOYANG_PSB, defaults={"region_code": "110105", "address": "北京市朝阳区朝阳北路"}
    )
    for name, kind in XICHENG_ROOMS:
        address = XICHENG_VIDEO if kind == RoomKind.VIDEO_LINK else ""
        await Room.get_or_create(facility=xicheng, name=name,
                                 defaults={"kind": kind, "video_address": address})  # fmt: skip
    if not await OpeningSession.filter(facility_id=xicheng.id).exists():
        await OpeningSession.bulk_create(
            OpeningSession(facility=xicheng, weekday=day, start_minute=a, end_minute=b)
            for day in OPEN_DAYS
            for a, b in ((510, 690), (840, 1050))
        )
    await FacilitySchedule.get_or_create(facility=xicheng)
    return xicheng


async def demo_lawyers() -> list[User]:
    """The lawyers of the demo history (some also work at Haidian today), created if missing."""
    password_hash: str | None = None
    out: list[User] = []
    for i, (username, name, firm) in enumerate(LAWYERS):
        user = await User.filter(username=username).first()
        if user is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user = await User.create(
                username=username, display_name=name, role=Role.LAWYER,
                password_hash=password_hash, licence_number=f"110120181107{i:05d}",
                law_firm=firm, region_code="110100",
            )  # fmt: skip
            await record(None, "demo.user_created", "user", user.id, {"role": Role.LAWYER.value})
        out.append(user)
    return out


class _Writer:
    def __init__(self, plan: list[PlanCase], lawyers: list[User], rooms: dict[str, list[Room]],
                 context: LegalContext, now: datetime) -> None:  # fmt: skip
        self.plan, self.lawyers, self.rooms, self.context, self.now = (
            plan, lawyers, rooms, context, now)  # fmt: skip
        self.due = _due(context)

    async def write(self) -> None:
        agencies = {a.name: a.id for a in await Agency.filter(name__in=list(AGENCIES))}
        facilities = {f.name: f.id for f in await Facility.filter(name__in=list(self.rooms))}
        await Case.bulk_create(
            Case(agency_id=agencies[c.agency], case_number=c.number, category=c.category,
                 suspected_charges=c.charges, stage=_stage(c), created_at=c.events[0].at,
                 demo_history=True)
            for c in self.plan
        )  # fmt: skip
        cases = dict(
            await Case.filter(case_number__in=[c.number for c in self.plan]).values_list(
                "case_number", "id"
            )
        )
        await Detainee.bulk_create(
            Detainee(name=c.detainee, id_number=c.id_number, facility_id=facilities[c.facility],
                     admitted_at=c.events[0].at, created_at=c.events[0].at)
            for c in self.plan
        )  # fmt: skip
        detainees = dict(
            await Detainee.filter(id_number__in=[c.id_number for c in self.plan]).values_list(
                "id_number", "id"
            )
        )
        await CaseDetainee.bulk_create(
            CaseDetainee(case_id=cases[c.number], detainee_id=detainees[c.id_number])
            for c in self.plan
        )
        await Engagement.bulk_create(
            Engagement(lawyer_id=self.lawyers[c.lawyer].id, case_id=cases[c.number],
                       detainee_id=detainees[c.id_number], status=EngagementStatus.ACTIVE,
                       created_at=c.engaged_at, activated_at=c.engaged_at,
                       notice_sent_at=c.engaged_at)
            for c in self.plan
        )  # fmt: skip
        engagements = dict(
            await Engagement.filter(case_id__in=list(cases.values())).values_list("case_id", "id")
        )
        ids = [(c, cases[c.number], engagements[cases[c.number]], detainees[c.id_number])
               for c in self.plan]  # fmt: skip
        await self._events(ids)
        await self._requests(ids, facilities)
        await self._submissions(ids)

    async def _events(self, ids: list[tuple[PlanCase, int, int, int]]) -> None:
        await CaseEvent.bulk_create(
            CaseEvent(case_id=case_id, detainee_id=detainee_id, kind=e.kind, effective_at=e.at,
                      recorded_at=e.at + _HOUR, note=_NOTES[e.kind])
            for c, case_id, _, detainee_id in ids
            for e in c.events
        )  # fmt: skip
        rows = await CaseEvent.filter(case_id__in=[i[1] for i in ids]).values_list(
            "case_id", "kind", "id"
        )
        events = {(case_id, EventKind(kind)): event_id for case_id, kind, event_id in rows}
        notices: list[Notification] = []
        family: list[FamilyNotice] = []
        for c, case_id, engagement_id, _ in ids:
            lawyer = self.lawyers[c.lawyer]
            notices.append(self._notice(lawyer, case_id, engagement_id, "N1", None, c.engaged_at,
                                        c.n1_at))  # fmt: skip
            for e in c.events:
                event_id = events[(case_id, e.kind)]
                if e.family_at is not None:
                    family.append(FamilyNotice(event_id=event_id, notified_at=e.family_at,
                                               manner="电话", recorded_at=e.family_at))  # fmt: skip
                duty = _NOTICE_DUTY.get(e.kind)
                if duty:
                    notices.append(self._notice(lawyer, case_id, engagement_id, duty, event_id,
                                                e.at, e.notice_at))  # fmt: skip
        await Notification.bulk_create(notices)
        await FamilyNotice.bulk_create(family)

    def _notice(self, lawyer: User, case_id: int, engagement_id: int, duty: str,
                event_id: int | None, trigger: datetime, delivered: datetime | None,
                ) -> Notification:  # fmt: skip
        done = delivered is not None and delivered < self.now
        return Notification(
            template="case_event_notice", recipient_id=lawyer.id, channel=Channel.INAPP,
            payload={"engagement_id": engagement_id, "event_id": event_id},
            status=Status.DELIVERED if done else Status.DEAD,
            last_error="" if done else "recipient unreachable",
            created_at=trigger + _HOUR, next_attempt_at=trigger + _HOUR, duty_id=duty,
            deadline=self.due(duty, trigger),
            sent_at=delivered if done else None, delivered_at=delivered if done else None,
            read_at=delivered if done else None, case_id=case_id,
        )  # fmt: skip

    async def _requests(self, ids: list[tuple[PlanCase, int, int, int]],
                        facilities: dict[str, int]) -> None:  # fmt: skip
        policies, calendar = self.context.policies, self.context.calendar
        rows: list[MeetingRequest] = []
        for c, _, engagement_id, detainee_id in ids:
            for r in sorted(c.requests, key=lambda r: r.requested_at):
                row = MeetingRequest(
                    engagement_id=engagement_id, lawyer_id=self.lawyers[c.lawyer].id,
                    detainee_id=detainee_id, facility_id=facilities[c.facility],
                    requested_at=r.requested_at, created_at=r.requested_at, walk_in=r.walk_in,
                    status=RequestStatus(r.status), refusal_reason=r.refusal_reason,
                    facility_cancel_reason=r.facility_cancel_reason,
                    permission_decided_at=r.permission_decided_at,
                    permission_granted=r.permission_granted,
                )  # fmt: skip
                if r.clock is not None:
                    row.clock_started_at = r.clock
                    row.deadline_at, row.deadline = meeting_deadline(
                        r.clock, ZONE, policies, calendar
                    )
                if r.permission_granted is not None:
                    due = duty_deadline("M5", r.requested_at, ZONE, self.context)
                    row.permission_due_at = due.expires_at_utc
                    row.permission_deadline = due.to_json_dict()
                    if not r.permission_granted:
                        row.permission_reasons = "会见可能有碍侦查（书面理由已送达）"
                rows.append(row)
        await MeetingRequest.bulk_create(rows)
        saved: dict[int, list[int]] = defaultdict(list)
        for engagement_id, request_id in (
            await MeetingRequest.filter(engagement_id__in=[i[2] for i in ids])
            .order_by("engagement_id", "requested_at", "id")
            .values_list("engagement_id", "id")
        ):
            saved[engagement_id].append(request_id)
        meetings: list[Meeting] = []
        for c, _, engagement_id, detainee_id in ids:
            plans = sorted(c.requests, key=lambda r: r.requested_at)
            for r, request_id in zip(plans, saved[engagement_id], strict=True):
                for m in r.meetings:
                    meetings.append(self._meeting(c, m, request_id, detainee_id))
        await Meeting.bulk_create(meetings)

    def _meeting(self, c: PlanCase, m: Any, request_id: int, detainee_id: int) -> Meeting:
        room = self.rooms[c.facility][m.room]
        started = m.started_at
        return Meeting(
            request_id=request_id, room_id=room.id, lawyer_id=self.lawyers[c.lawyer].id,
            detainee_id=detainee_id, starts_at=m.starts_at, ends_at=m.starts_at + _HOUR,
            status=MeetingStatus.CANCELLED if m.cancel_reason else MeetingStatus.ACTIVE,
            created_at=m.starts_at - _HOUR / 2, reference=new_reference(),
            uid=f"demo-{request_id}-{m.starts_at:%Y%m%d%H%M}@lawmeet",
            cancelled_at=m.starts_at - timedelta(hours=3) if m.cancel_reason else None,
            cancel_reason=m.cancel_reason, documents_verified=started is not None,
            checked_in_at=started - timedelta(minutes=5) if started else None,
            started_at=started, ended_at=started + timedelta(minutes=55) if started else None,
        )  # fmt: skip

    async def _submissions(self, ids: list[tuple[PlanCase, int, int, int]]) -> None:
        submissions: list[Submission] = []
        complaints: list[Complaint] = []
        for c, case_id, engagement_id, _ in ids:
            lawyer_id = self.lawyers[c.lawyer].id
            for s in c.submissions:
                text = f"关于{c.detainee}涉嫌{c.charges}一案的辩护意见" if s.kind == "opinion" \
                    else f"关于{c.detainee}变更强制措施的申请"  # fmt: skip
                opinion = s.kind == "opinion"
                duty = "" if opinion else "O2"
                submissions.append(Submission(
                    receipt_number=f"LM-{s.submitted_at.year}-D{len(submissions) + 1:05d}",
                    case_id=case_id, engagement_id=engagement_id, lawyer_id=lawyer_id,
                    kind=SubmissionKind(s.kind), text=text,
                    sha256=hashlib.sha256(text.encode()).hexdigest(),
                    submitted_at=s.submitted_at, duty=duty,
                    due_at=None if opinion else self.due("O2", s.submitted_at),
                    acknowledged_at=s.done_at,  # deciding acknowledges, as the service does
                    attached_at=s.done_at if opinion else None,
                    file_reference=f"卷宗第{len(submissions) + 3}册" if s.done_at else "",
                    decided_at=None if opinion else s.done_at,
                    decision=None if opinion or s.done_at is None else Decision.REFUSED,
                    decision_reasons="" if opinion else "经审查，不符合变更条件",
                ))  # fmt: skip
            for k in c.complaints:
                complaints.append(Complaint(
                    case_id=case_id, lawyer_id=lawyer_id,
                    complaint_type=ComplaintType(k.complaint_type),
                    addressed_to=ComplaintBody.PROCURATORATE,
                    description="申请会见超过48小时未安排" if k.duty == "C1" else "超期羁押申诉",
                    duty=k.duty, filed_at=k.filed_at, due_at=self.due(k.duty, k.filed_at),
                    reply_at=k.reply_at, reply_summary="已核查并答复" if k.reply_at else "",
                ))  # fmt: skip
        await Submission.bulk_create(submissions)
        await Complaint.bulk_create(complaints)


def _stage(c: PlanCase) -> CaseStage:
    moved = any(e.kind is EventKind.TRANSFER_FOR_PROSECUTION for e in c.events)
    return CaseStage.PROSECUTION_REVIEW if moved else CaseStage.INVESTIGATION


_HOUR: Final = timedelta(hours=1)
_NOTICE_DUTY: Final = {EventKind.ARREST: "N2", EventKind.TRANSFER_FOR_PROSECUTION: "N4"}
_NOTES: Final = {EventKind.CRIMINAL_DETENTION: "刑事拘留", EventKind.ARREST: "经检察院批准逮捕",
                 EventKind.TRANSFER_FOR_PROSECUTION: "侦查终结，移送审查起诉"}  # fmt: skip
