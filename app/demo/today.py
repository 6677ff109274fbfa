"""Today at the Haidian detention centre, for `make run`: what the desk, the investigator and
a lawyer find when they sign in, relative to the moment `lawmeet demo` runs (stories 9, 13, 5, 6).

Loaded through the services, so every step is in the audit trail (whose entries say when they
were recorded: at loading). What happened earlier is given to the services in their own fields
for times recorded after the fact: a request's time, check-in, start and end, a submission's
time, an event's effective time, a family notice's time.

* The day board (haidian.desk) has six meetings across today in the five rooms: those over are
  completed, one under way is in progress, the rest are scheduled. On a day the centre is
  closed (Sunday), the desk has opened an extra session for the day first.
* Two requests at risk at the top of the board: their 48 hours run out about 3 and 7 hours after
  loading. The second lawyer's engagement still waits for the desk to check her three uploaded
  documents (she may ask meanwhile, CPL 39(2)).
* zhao.investigator's task list: two written opinions to acknowledge (Zhang's with two PDF
  attachments, story 6) and an application to change a measure to decide, already overdue.
* zhang.lawyer's inbox: her client's custody is extended by one month (story 5); the notice
  names the legal basis and the new expiry.

Idempotent: once the first of these cases exists nothing is added. All of it is written in one
transaction, so a failure leaves nothing half-made for the next run to skip.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.cases import engagements, services
from app.cases.kinds import REQUIRED_DOCUMENTS, CaseCategory, DocumentKind, EngagementKind
from app.cases.kinds import EventKind as K
from app.cases.models import Case, CaseEvent, Engagement, EngagementDocument
from app.cases.storage import document_root
from app.demo.compliance import demo_lawyers
from app.demo.documents import demo_pdf
from app.law.context import Law, LegalContext, duty_deadline
from app.orgs.models import Facility
from app.settings import Settings
from rights_checklist import case_notices, submissions
from rights_checklist.kinds import SubmissionKind
from scheduling import attendance
from scheduling import facility_admin as admin
from scheduling.booking import book
from scheduling.kinds import RequestPurpose, RoomKind
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import Meeting, MeetingRequest, OpeningSession, Room
from scheduling.requests import NewRequest, meeting_deadline, open_request

HAIDIAN: Final = "北京市海淀区看守所"
DESK: Final = "haidian.desk"
INVESTIGATOR: Final = "zhao.investigator"
SESSIONS: Final = ((8 * 60 + 30, 11 * 60 + 30), (14 * 60, 17 * 60 + 30))  # as app.demo.meetings
HOUR: Final = timedelta(hours=1)
MEETING_LIMIT: Final = timedelta(hours=48)


@dataclass(frozen=True)
class Client:
    key: str
    case_number: str
    detainee: str
    id_body: str  # the first 17 characters; the check digit is computed
    charges: str
    lawyer: str
    detained_days_ago: int
    arrested_days_ago: int | None = None
    documents_checked: bool = True


CLIENTS: Final = (
    Client("A", "京海公(刑)立字〔2026〕1201号", "赵国强", "11010819800314051", "诈骗罪",
           "zhou.lawyer", 14, 9),
    Client("B", "京海公(刑)立字〔2026〕1202号", "钱丽华", "11010819910622062", "职务侵占罪",
           "wu.lawyer", 6),
    Client("C", "京海公(刑)立字〔2026〕1203号", "孙海涛", "11010819870905073",
           "帮助信息网络犯罪活动罪", "zheng.lawyer", 20, 13),
    Client("D", "京海公(刑)立字〔2026〕1204号", "李文博", "11010819950118084", "盗窃罪",
           "zhou.lawyer", 4),
    Client("E", "京海公(刑)立字〔2026〕1205号", "周晓燕", "11010819830430092",
           "非法吸收公众存款罪", "feng.lawyer", 9),
    Client("F", "京海公(刑)立字〔2026〕1206号", "吴建军", "11010819760811101", "故意伤害罪",
           "wu.lawyer", 15, 9),
    Client("G", "京海公(刑)立字〔2026〕1207号", "郑志远", "11010819990227112", "寻衅滋事罪",
           "he.lawyer", 3),
    Client("H", "京海公(刑)立字〔2026〕1208号", "王雪梅", "11010819930709128",
           "掩饰、隐瞒犯罪所得罪", "lv.lawyer", 2, documents_checked=False),
    Client("Z", "京海公(刑)立字〔2026〕0655号", "陈立新", "11010819720503131", "合同诈骗罪",
           "zhang.lawyer", 58, 51),
)  # fmt: skip
# (client, room, local start "HH:MM", minutes): six meetings across the day, no room, lawyer or
# detainee twice at once (the centre keeps 10 minutes between meetings in a room).
MEETINGS: Final = (
    ("A", "会见室1", "08:30", 60),
    ("B", "会见室2", "09:00", 90),
    ("C", "视频会见室", "10:00", 60),
    ("D", "会见室1", "14:00", 60),
    ("E", "隔离会见室", "14:30", 60),
    ("F", "会见室3", "15:30", 90),
)
AT_RISK: Final = (("G", timedelta(hours=3)), ("H", timedelta(hours=7)))  # time left at loading
EXTENSION_BASIS: Final = "CPL 156"


def id_number(body: str) -> str:
    """A resident identity number with its check digit (GB 11643)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def asked_at(now: datetime, left: timedelta, zone: str, context: LegalContext) -> datetime:
    """When a lawyer asked, so that her 48 hours (from the next full hour) run out about
    ``left`` after ``now``; earlier where a rest day moves the limit further."""
    asked = now - MEETING_LIMIT + left
    for _ in range(120):
        deadline, _ = meeting_deadline(asked, zone, context.policies, context.calendar)
        if deadline <= now + left + HOUR:
            return asked
        asked -= HOUR
    return now - MEETING_LIMIT + left


def at_wall_clock(day: date, text: str, zone: ZoneInfo) -> datetime:
    hours, minutes = (int(part) for part in text.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=zone).astimezone(UTC)


def plus_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


async def load_demo_today(settings: Settings, law: Law) -> bool:
    """Load today's work at Haidian unless it is there; True when it was loaded."""
    investigator = await User.get(username=INVESTIGATOR)
    first = CLIENTS[0].case_number
    if await Case.filter(agency_id=investigator.agency_id, case_number=first).exists():
        return False
    async with in_transaction():
        await _Today(settings, investigator, await law.context()).load()
    return True


class _Today:
    def __init__(self, settings: Settings, investigator: User, context: LegalContext) -> None:
        self.settings, self.investigator, self.context = settings, investigator, context
        self.now = clock.now()
        self.public_url = settings.app.public_url
        self.notices = NoticeSettings.from_settings(settings)  # what the bookings tell lawyers
        self.root = document_root(settings.data_dir)
        self.engagements: dict[str, Engagement] = {}

    async def load(self) -> None:
        await demo_lawyers()  # the lawyers of the demo history, some of whom work here today
        self.facility = await Facility.get(name=HAIDIAN)
        self.zone = ZoneInfo(self.facility.timezone)
        self.desk = await User.get(username=DESK)
        for client in CLIENTS:
            self.engagements[client.key] = await self._client(client)
        await self._open_today()
        for key, room, start, minutes in MEETINGS:
            await self._meeting(key, room, start, minutes)
        for key, left in AT_RISK:
            await self._request(key, asked_at(self.now, left, self.facility.timezone, self.context))
        await self._submissions()
        await self._extension()

    # -- cases and engagements ------------------------------------------------------------------
    async def _client(self, client: Client) -> Engagement:
        detained = self.now - timedelta(days=client.detained_days_ago, hours=5)
        case = await services.open_case(
            self.investigator,
            services.NewCase(
                client.case_number, CaseCategory.ORDINARY, client.charges,
                services.NewDetainee(client.detainee, id_number(client.id_body),
                                     self.facility.id, detained),
            ),
        )  # fmt: skip
        await self._event(case, K.CRIMINAL_DETENTION, detained, "刑事拘留")
        if client.arrested_days_ago is not None:
            arrested = self.now - timedelta(days=client.arrested_days_ago, hours=3)
            await self._event(case, K.ARREST, arrested, "经检察院批准逮捕")
        lawyer = await User.get(username=client.lawyer)
        found = await engagements.Found.for_case(case)
        engagement = await engagements.start_engagement(
            lawyer, found, case.id, EngagementKind.RETAINED
        )
        for kind in REQUIRED_DOCUMENTS[EngagementKind.RETAINED]:
            await engagements.upload_document(
                lawyer, engagement, DocumentKind(kind), f"{kind.value}.pdf",
                demo_pdf(f"lawmeet demo: {client.key}-{kind.value}"), self.root,
                self.settings.uploads.max_bytes,
            )  # fmt: skip
        await engagements.send_engagement_notice(lawyer, engagement)
        if client.documents_checked:
            for document in await EngagementDocument.filter(engagement_id=engagement.id):
                await engagements.review_document(self.desk, document, accept=True)
        await engagement.refresh_from_db()
        await case_notices.inform_of_charges(
            self.investigator, engagement, client.charges, "涉嫌犯罪事实已告知",
            context=self.context, public_url=self.public_url,
        )  # fmt: skip
        return engagement

    async def _event(self, case: Case, kind: K, at: datetime, note: str) -> CaseEvent:
        event = await case_notices.record_case_event(
            self.investigator, case, services.NewEvent(kind, at, note),
            context=self.context, public_url=self.public_url,
        )  # fmt: skip
        await case_notices.record_family_notice(
            self.investigator, event, notified_at=at + timedelta(hours=6), manner="电话"
        )
        return event

    # -- the day board --------------------------------------------------------------------------
    async def _open_today(self) -> None:
        """On a day the centre is closed, the desk opens an extra session for today (story 10)."""
        today = self.now.astimezone(self.zone).date()
        weekday = today.weekday()
        sessions = await OpeningSession.filter(facility_id=self.facility.id, weekday=weekday)
        if any(
            (s.valid_from is None or s.valid_from <= today)
            and (s.valid_to is None or today <= s.valid_to)
            for s in sessions
        ):
            return
        for start, end in SESSIONS:
            new = admin.NewSessions(start_minute=start, end_minute=end, valid_from=today,
                                    valid_to=today)  # fmt: skip
            await admin.add_sessions(self.desk, self.facility, new)

    async def _request(
        self, key: str, at: datetime, minutes: int = 60, kind: RoomKind = RoomKind.IN_PERSON
    ) -> MeetingRequest:
        engagement = self.engagements[key]
        lawyer = await User.get(id=engagement.lawyer_id)
        checked = at if engagement.activated_at is not None else None  # P1 after_document_check
        # G was detained three days ago and has not met a lawyer: a priority meeting.
        purpose = RequestPurpose.FIRST_AFTER_DETENTION if key == "G" else RequestPurpose.ORDINARY
        new = NewRequest(length_minutes=minutes, room_kind=kind, requested_at=at,
                         documents_checked_at=checked, purpose=purpose)  # fmt: skip
        return await open_request(lawyer, engagement, new, policies=self.context.policies,
                                  calendar=self.context.calendar)  # fmt: skip

    async def _meeting(self, key: str, room_name: str, start: str, minutes: int) -> Meeting:
        """Asked for yesterday, booked, and as far along today as the time of loading says."""
        room = await Room.get(facility_id=self.facility.id, name=room_name)
        starts = at_wall_clock(self.now.astimezone(self.zone).date(), start, self.zone)
        ends = starts + timedelta(minutes=minutes)
        request = await self._request(key, starts - timedelta(hours=18), minutes, room.kind)
        lawyer = await User.get(id=request.lawyer_id)
        meeting = await book(
            lawyer, request, room, starts, timedelta(minutes=minutes), notices=self.notices
        )
        if self.now < starts - timedelta(minutes=20):
            return meeting  # scheduled
        arrived = min(starts - timedelta(minutes=10), self.now)
        await attendance.check_in(self.desk, meeting, documents_verified=True,
                                  assistant_present=False, confidentiality_confirmed=True,
                                  at=arrived)  # fmt: skip
        if self.now < starts + timedelta(minutes=3):
            return meeting  # waiting at the desk
        await attendance.start(self.desk, meeting, at=starts + timedelta(minutes=3))
        if self.now < ends:
            return meeting  # under way
        await attendance.complete(self.desk, meeting, at=ends - timedelta(minutes=5))
        return meeting

    # -- the investigator's tasks and the lawyer's inbox --------------------------------------
    async def _submissions(self) -> None:
        """Story 13: two opinions to acknowledge and an application to decide, overdue."""
        zhang, wu = self.engagements["Z"], self.engagements["B"]
        await self._submit(zhang, SubmissionKind.OPINION, "关于陈立新涉嫌合同诈骗罪一案的辩护意见："
                           "现有证据不足以证明其具有非法占有目的，建议撤销案件。",
                           [("辩护意见书.pdf", demo_pdf("lawmeet demo: opinion")),
                            ("证据目录.pdf", demo_pdf("lawmeet demo: list"))],
                           self.now - timedelta(hours=26))  # fmt: skip
        await self._submit(wu, SubmissionKind.OPINION, "关于钱丽华涉嫌职务侵占罪一案的辩护意见："
                           "涉案款项系经公司授权的借款，不构成职务侵占。", [],
                           self.now - timedelta(hours=50))  # fmt: skip
        application = self.engagements["A"]
        sent = self.now - timedelta(days=4)
        while duty_deadline("O2", sent, self.facility.timezone, self.context).expires_at > (
            self.now - HOUR
        ):
            sent -= timedelta(days=1)  # a rest day moved the 3 days on: asked a day earlier
        await self._submit(application, SubmissionKind.MEASURE_CHANGE,
                           "申请对赵国强变更强制措施为取保候审：其系初犯，已退赔全部损失。", [],
                           sent)  # fmt: skip

    async def _submit(self, engagement: Engagement, kind: SubmissionKind, text: str,
                      files: list[tuple[str, bytes]], at: datetime) -> None:  # fmt: skip
        lawyer = await User.get(id=engagement.lawyer_id)
        await submissions.submit(lawyer, engagement, kind, text, files, self.root,
                                 self.settings.uploads.max_bytes, self.context, at,
                                 public_url=self.public_url)  # fmt: skip

    async def _extension(self) -> None:
        """Story 5: custody after Zhang's client's arrest is extended by one month today."""
        engagement = self.engagements["Z"]
        case = await Case.get(id=engagement.case_id)
        arrest = await CaseEvent.get(case_id=case.id, kind=K.ARREST)
        expiry = duty_deadline("K1", arrest.effective_at, self.facility.timezone, self.context)
        new_expiry = plus_month(expiry.expires_at.astimezone(self.zone).date())
        details = {"new_expiry": new_expiry.isoformat(), "legal_basis": EXTENSION_BASIS}
        await case_notices.record_case_event(
            self.investigator, case,
            services.NewEvent(K.CUSTODY_EXTENSION, clock.now(),
                              "经上一级人民检察院批准，侦查羁押期限延长一个月", details=details),
            context=self.context, public_url=self.public_url,
        )  # fmt: skip
