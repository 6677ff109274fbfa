"""What the meeting pages show: statutory clocks, deadline explanations and free slots, already
turned into the facility's wall clock and the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any, Final

from babel.dates import format_date

from app import clock as app_clock
from app.errors import DomainError
from app.law.explanations import ExplanationStep
from app.law.policies import POLICY_IDS
from app.presentation.i18n import current_locale
from app.presentation.law_labels import POLICY_LABELS
from app.presentation.legal_words import explanation_words, policy_value_words
from app.web.forms import show_deadline, show_local, zone
from notifications.wording import notice_span
from scheduling.availability import Interval, Slot, free_slots
from scheduling.kinds import RoomKind
from scheduling.models import MeetingRequest, Room
from scheduling.plan_store import load_plan
from scheduling.video import VideoLink

SLOT_DAYS: Final = 7  # how far ahead the page offers free times
MAX_STARTS_PER_DAY: Final = 48
_BABEL_LOCALES: Final = {"zh-CN": "zh_CN", "en": "en_GB"}


@dataclass(frozen=True)
class Clock:
    """Time left until (or past) a statutory limit, in whole hours and minutes."""

    overdue: bool
    hours: int
    minutes: int


def clock(due: datetime | None, now: datetime | None = None) -> Clock | None:
    if due is None:
        return None
    left = due - (now or app_clock.now())
    overdue = left < timedelta(0)
    total = int(abs(left).total_seconds() // 60)
    return Clock(overdue, total // 60, total % 60)


@dataclass(frozen=True)
class PolicyLine:
    id: str
    label: str
    value: str


@dataclass(frozen=True)
class DeadlineView:
    expires: str
    iso: str
    clock: Clock | None
    rule: str
    basis: str
    provisional: bool
    steps: list[str]
    policies: list[PolicyLine]
    duty: str | None = None  # its duty of the statutory catalogue, whose page the basis links to


def deadline_view(
    due: datetime | None,
    stored: dict[str, Any] | None,
    zone_name: str,
    locale: str,
    duty: str | None = None,
) -> DeadlineView | None:
    """A stored period-engine deadline (Deadline.to_json_dict) as the page explains it."""
    if due is None:
        return None
    stored = stored or {}
    steps_raw = stored.get("steps") or []
    steps = [ExplanationStep(str(s["code"]), dict(s.get("params", {}))) for s in steps_raw]
    try:
        texts = explanation_words(steps, locale)
    except ValueError:  # a step written by an older engine: fall back to the stored text
        texts = list((stored.get("explanation") or {}).get(locale, []))
    policies = stored.get("policies") or {}
    return DeadlineView(
        expires=show_deadline(due, zone_name),
        iso=due.isoformat(),
        clock=clock(due),
        rule=str(stored.get("rule") or ""),
        basis=str(stored.get("basis") or ""),
        provisional=bool(stored.get("provisional")),
        steps=texts,
        policies=[
            PolicyLine(
                POLICY_IDS.get(name, name),
                POLICY_LABELS.get(name, name),
                policy_value_words(name, value, locale),
            )
            for name, value in sorted(policies.items(), key=lambda i: POLICY_IDS.get(i[0], i[0]))
        ],
        duty=duty,
    )


@dataclass(frozen=True)
class SlotChoice:
    value: str  # "<room id>@<UTC ISO start>", posted back by the booking forms
    time: str  # local "09:00-10:00"
    when: str  # local date and time with the zone, for the earliest-slot line
    room: str
    iso: str


@dataclass(frozen=True)
class SlotDay:
    day: str  # ISO date, for ids
    label: str  # "Saturday, 28 November 2026" / "2026年11月28日星期六"
    slots: list[SlotChoice]


def slot_value(slot: Slot) -> str:
    return f"{slot.room_id}@{slot.start.astimezone(UTC).isoformat()}"


def parse_slot(raw: str) -> tuple[int, datetime]:
    """Room id and start of a posted slot value; "slot_required" when it is not one."""
    room, _sep, start = raw.partition("@")
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        raise DomainError("slot_required", "slot") from None
    if not room.isdigit() or moment.utcoffset() is None:
        raise DomainError("slot_required", "slot")
    return int(room), moment


def choice(slot: Slot, rooms: dict[int, Room], zone_name: str) -> SlotChoice:
    tz = zone(zone_name)
    start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
    room = rooms.get(slot.room_id)
    return SlotChoice(
        value=slot_value(slot),
        time=f"{start:%H:%M}-{end:%H:%M}",
        when=show_local(slot.start, zone_name),
        room=room.name if room else str(slot.room_id),
        iso=slot.start.isoformat(),
    )


def by_day(slots: list[Slot], rooms: dict[int, Room], zone_name: str, locale: str) -> list[SlotDay]:
    """One choice per start time (the first room free then), grouped by local day."""
    tz = zone(zone_name)
    days: list[SlotDay] = []
    for day, group in groupby(slots, key=lambda s: s.start.astimezone(tz).date()):
        picked: list[SlotChoice] = []
        seen: set[datetime] = set()
        for slot in group:
            if slot.start in seen:
                continue
            seen.add(slot.start)
            picked.append(choice(slot, rooms, zone_name))
            if len(picked) == MAX_STARTS_PER_DAY:
                break
        label = format_date(day, format="full", locale=_BABEL_LOCALES.get(locale, "zh_CN"))
        days.append(SlotDay(day.isoformat(), str(label), picked))
    return days


async def facility_rooms(facility_id: int) -> dict[int, Room]:
    return {room.id: room for room in await Room.filter(facility_id=facility_id)}


async def open_slots(
    request: MeetingRequest,
    room_kind: RoomKind | None,
    *,
    exclude_meeting_id: int | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """Free slots of the request's length over the next days, for its detainee and lawyer."""
    start = now or app_clock.now()
    window = Interval(start, start + timedelta(days=SLOT_DAYS))
    await request.fetch_related("facility")
    plan = await load_plan(
        request.facility, window, room_kind=room_kind, detainee_id=request.detainee_id,
        lawyer_id=request.lawyer_id, exclude_meeting_id=exclude_meeting_id,
    )  # fmt: skip
    return free_slots(plan, window, timedelta(minutes=request.length_minutes))


@dataclass(frozen=True)
class JoinView:
    """A video meeting's join link as a page shows it: the address, and when it works in
    words on the centre's clock ("2026年12月8日（周二）08:50至10:00 北京时间")."""

    url: str
    window: str


def join_view(link: VideoLink | None, zone_name: str) -> JoinView | None:
    if link is None:
        return None
    words = notice_span(link.opens_at, link.closes_at, zone_name, current_locale.get())
    return JoinView(link.url, words)
