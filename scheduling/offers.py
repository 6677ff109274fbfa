"""Offer rounds: freed capacity offered to waiting requests in the legal clock's order.

A change that frees room time (a cancellation, a no-show, a closure withdrawn or shortened,
hours added, a room back in service, a meeting moved earlier) writes a ``FreedCapacity`` row in
its own transaction (``free_capacity``). An offer round for the facility then, in one
transaction:

1. locks the facility's rooms (PostgreSQL; on SQLite its first write takes the database lock),
   so rounds of one facility run one at a time and no booking lands in a slot being offered;
2. ends the offers that lapsed or whose request no longer waits, and frees their slots again;
3. reads the windows not yet offered, the waiting requests and the week's plan, and lets
   ``scheduling.waitlist.allocate`` pick one slot per request in rank order;
4. writes the offers (the database refuses two open offers of one room that overlap, and two
   for one request), their audit entries and the lawyers' notices, and marks the windows used.

Rounds run in the worker (``keep_offering``, every poll, and at once when this process freed
capacity) and can be run by hand (``offer_round``). Answers are ``scheduling.offer_answers``.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app import clock
from app.audit.service import record
from app.settings import Settings
from scheduling import offer_notices, slot_rules
from scheduling.availability import Interval, Slot, free_slots
from scheduling.kinds import (
    CapacityCause,
    LongerDecision,
    MeetingStatus,
    OfferStatus,
    RequestPurpose,
    RequestStatus,
    RoomKind,
)
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import FreedCapacity, Meeting, MeetingRequest, Room, SlotOffer
from scheduling.plan_store import load
from scheduling.waitlist import Waiting, allocate, hold_until, within_freed

log = logging.getLogger("lawmeet.scheduling")

_capacity_freed: Final = asyncio.Event()  # wakes this process's round at once (see wake)
_SETTLE_SECONDS: Final = 0.5


@dataclass(frozen=True)
class OfferPolicy:
    """The [waitlist] settings a round needs."""

    hold: timedelta
    min_notice: timedelta
    horizon: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> OfferPolicy:
        section = settings.waitlist
        return cls(
            hold=timedelta(minutes=section.offer_hold_minutes),
            min_notice=timedelta(minutes=section.min_notice_minutes),
            horizon=timedelta(days=section.horizon_days),
        )


async def free_capacity(
    facility_id: int,
    room_id: int | None,
    starts_at: datetime,
    ends_at: datetime,
    cause: CapacityCause,
    connection: BaseDBAsyncClient | None = None,
) -> None:
    """Record freed room time (``room_id`` None: every room) for the next round; the part
    already past is dropped. Call it inside the transaction of the change that freed it."""
    starts_at = max(starts_at, clock.now())
    if ends_at <= starts_at:
        return
    await FreedCapacity.create(
        using_db=connection, facility_id=facility_id, room_id=room_id,
        starts_at=starts_at, ends_at=ends_at, cause=cause,
    )  # fmt: skip
    wake()


async def free_offered_slot(
    offer: SlotOffer, cause: CapacityCause, connection: BaseDBAsyncClient
) -> None:
    """An offer that ended unaccepted gives its slot back to the next round."""
    await free_capacity(
        offer.facility_id, offer.room_id, offer.starts_at, offer.ends_at, cause, connection
    )


def wake() -> None:
    """Run this process's round now rather than at its next poll (other processes poll). It
    is called inside the freeing transaction: the round waits a moment for it to commit, and a
    round that still misses it is made at the next poll."""
    _capacity_freed.set()


async def facilities_due() -> list[int]:
    """Facilities with capacity not yet offered, or with offers that lapsed."""
    now = clock.now()
    # Ordered by the column itself: PostgreSQL refuses DISTINCT under the models' own ordering.
    freed = await FreedCapacity.filter(offered_at=None).order_by("facility_id").distinct(
    ).values_list("facility_id", flat=True)  # fmt: skip
    lapsed = await SlotOffer.filter(status=OfferStatus.OPEN, expires_at__lte=now).order_by(
        "facility_id"
    ).distinct().values_list("facility_id", flat=True)  # fmt: skip
    return sorted({cast(int, f) for f in (*freed, *lapsed)})


async def offer_round(
    facility_id: int, *, policy: OfferPolicy, notices: NoticeSettings
) -> list[SlotOffer]:
    """Offer the facility's freed capacity; the offers made."""
    async with in_transaction() as connection:
        now = clock.now()
        await _lock_rooms(connection, facility_id)
        await _end_stale_offers(connection, facility_id, now, notices)
        windows = await FreedCapacity.filter(facility_id=facility_id, offered_at=None).using_db(
            connection
        )
        if not windows:
            return []
        usable = _usable(windows, now, policy)
        made = await _offer(connection, facility_id, usable, now, policy, notices) if usable else []
        await (
            FreedCapacity.filter(id__in=[w.id for w in windows])
            .using_db(connection)
            .update(offered_at=now)
        )
    return made


async def keep_offering(
    policy: OfferPolicy, notices: NoticeSettings, stop: asyncio.Event, interval_seconds: float
) -> None:
    """A companion of the notification worker: run the rounds that are due, every poll and
    whenever this process frees capacity."""
    while not stop.is_set():
        _capacity_freed.clear()
        try:
            for facility_id in await facilities_due():
                made = await offer_round(facility_id, policy=policy, notices=notices)
                if made:
                    log.info("offered %d freed slots at facility %d", len(made), facility_id)
        except Exception:  # a failed round must not stop notice delivery beside it
            log.exception("offer round failed")
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(_capacity_freed.wait())]
        with suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED), interval_seconds
            )
        for waiting in waits:
            waiting.cancel()
        if _capacity_freed.is_set() and not stop.is_set():
            # Woken from inside the freeing transaction: let it commit before reading.
            await asyncio.sleep(_SETTLE_SECONDS)


async def _lock_rooms(connection: BaseDBAsyncClient, facility_id: int) -> None:
    """Rounds of one facility run one at a time, and no booking lands in a slot being offered:
    bookings lock their room too (scheduling.booking). FOR NO KEY UPDATE, not FOR UPDATE: the
    lockers still queue behind each other, but a row that only refers to a room (a freed
    capacity, a meeting, an offer: their foreign key's check takes KEY SHARE) need not wait
    for the lock, which would deadlock a cancellation against a booking. SQLite: a write first
    takes the database's write lock before anything is read."""
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query(
            "SELECT id FROM room WHERE facility_id = $1 ORDER BY id FOR NO KEY UPDATE",
            [facility_id],
        )
    else:
        await connection.execute_query(
            "UPDATE room SET in_service = in_service WHERE facility_id = ?", [facility_id]
        )


async def _end_stale_offers(
    connection: BaseDBAsyncClient, facility_id: int, now: datetime, notices: NoticeSettings
) -> None:
    """Lapsed offers expire and offers of requests that no longer wait are withdrawn; either
    way their slots are freed again, for the next request in line."""
    stale = await SlotOffer.filter(facility_id=facility_id, status=OfferStatus.OPEN).using_db(
        connection
    ).select_related("request")  # fmt: skip
    for offer in stale:
        if offer.expires_at <= now:
            status, cause = OfferStatus.EXPIRED, CapacityCause.OFFER_EXPIRED
        elif not await _still_waits(connection, offer):
            status, cause = OfferStatus.WITHDRAWN, CapacityCause.OFFER_WITHDRAWN
        else:
            continue
        changed = await SlotOffer.filter(id=offer.id, status=OfferStatus.OPEN).using_db(
            connection
        ).update(status=status, answered_at=now)  # fmt: skip
        if not changed:
            continue
        await record(None, f"offer.{status.value}", "slot_offer", offer.id, _summary(offer))
        if status == OfferStatus.EXPIRED:
            await offer_notices.offer_lapsed(offer, notices=notices)
        await free_offered_slot(offer, cause, connection)


async def _still_waits(connection: BaseDBAsyncClient, offer: SlotOffer) -> bool:
    request: MeetingRequest = offer.request
    if offer.meeting_id is None:
        return RequestStatus(request.status) == RequestStatus.REQUESTED
    meeting = await Meeting.filter(id=offer.meeting_id).using_db(connection).first()
    return (
        meeting is not None
        and meeting.status == MeetingStatus.ACTIVE
        and meeting.checked_in_at is None
        and offer.starts_at < meeting.starts_at
    )


@dataclass(frozen=True)
class _Window:
    span: Interval
    room_id: int | None  # None: every room
    cause: CapacityCause

    def holds(self, slot: Slot) -> bool:
        return (self.room_id in (None, slot.room_id)) and slot.interval.overlaps(self.span)


def _usable(windows: list[FreedCapacity], now: datetime, policy: OfferPolicy) -> list[_Window]:
    """The parts of the windows that can still be offered, from the minimum notice on up to
    the horizon, with their room and what freed each."""
    low, high = now + policy.min_notice, now + policy.horizon
    spans: list[_Window] = []
    for window in windows:
        start, end = max(window.starts_at, low), min(window.ends_at, high)
        if start < end:
            spans.append(_Window(Interval(start, end), window.room_id, CapacityCause(window.cause)))
    return spans


async def _offer(
    connection: BaseDBAsyncClient,
    facility_id: int,
    usable: list[_Window],
    now: datetime,
    policy: OfferPolicy,
    notices: NoticeSettings,
) -> list[SlotOffer]:
    requests = await _waiting_requests(connection, facility_id)
    if not requests:
        return []
    rooms = await Room.filter(facility_id=facility_id, in_service=True).using_db(connection)
    room_kinds = {room.id: RoomKind(room.kind) for room in rooms}
    lengths = {r.id: timedelta(minutes=r.length_minutes) for r, _m in requests}
    reach = max(lengths.values())
    span = Interval(
        min(u.span.start for u in usable) - reach, max(u.span.end for u in usable) + reach
    )
    loaded = await load(facility_id, span, connection=connection)
    parties = await _party_busy(connection, [r for r, _m in requests], span)
    refused = await _refused_before(connection, [r.id for r, _m in requests])
    waiting: list[Waiting] = []
    candidates: dict[int, list[Slot]] = {}
    for request, meeting in requests:
        length = lengths[request.id]
        if not _length_allowed(request, loaded.allowed_lengths):
            continue
        kinds = slot_rules.offered_room_kinds(request)
        plan = loaded.plan(exclude=meeting.id if meeting else None)
        mine = (("l", request.lawyer_id), ("d", request.detainee_id))
        own = [s for m, key, s in parties if key in mine and (meeting is None or m != meeting.id)]
        found: list[Slot] = []
        for window in usable:
            soonest = now + policy.min_notice
            search = Interval(
                max(window.span.start - length, soonest),
                max(window.span.end + length, soonest + length),
            )
            free = [
                slot for slot in free_slots(replace(plan, party_busy=own), search, length)
                if room_kinds.get(slot.room_id) in kinds
                and window.room_id in (None, slot.room_id)
                and not any(slot.room_id == room and slot.interval.overlaps(s)
                            for room, s in refused.get(request.id, ()))
            ]  # fmt: skip
            found.extend(within_freed(window.span, free))
        if found:
            candidates[request.id] = sorted(set(found), key=lambda s: (s.start, s.room_id))
            waiting.append(_waiting(request, meeting))
    made: list[SlotOffer] = []
    by_id = {request.id: (request, meeting) for request, meeting in requests}
    for chosen, slot in allocate(waiting, candidates, buffer=loaded.whole.buffer):
        request, meeting = by_id[chosen.request_id]
        cause = next(window.cause for window in usable if window.holds(slot))
        offer = await SlotOffer.create(
            using_db=connection, facility_id=facility_id, request_id=request.id,
            meeting_id=meeting.id if meeting else None, room_id=slot.room_id,
            starts_at=slot.start, ends_at=slot.end, status=OfferStatus.OPEN, offered_at=now,
            expires_at=hold_until(now, slot.start, policy.hold), deadline_at=request.deadline_at,
            priority=RequestPurpose(request.purpose).priority, cause=cause,
        )  # fmt: skip
        made.append(offer)
        await record(None, "offer.made", "slot_offer", offer.id, _summary(offer))
        await offer_notices.offer_made(offer, request, notices=notices)
    return made


async def _waiting_requests(
    connection: BaseDBAsyncClient, facility_id: int
) -> list[tuple[MeetingRequest, Meeting | None]]:
    """Requests to be booked, and booked ones asking for an earlier slot; none with an open
    offer already."""
    offered = await SlotOffer.filter(facility_id=facility_id, status=OfferStatus.OPEN).using_db(
        connection
    ).values_list("request_id", flat=True)  # fmt: skip
    unbooked = await MeetingRequest.filter(
        facility_id=facility_id, status=RequestStatus.REQUESTED
    ).exclude(id__in=offered).using_db(connection)  # fmt: skip
    earlier = await Meeting.filter(
        room__facility_id=facility_id, status=MeetingStatus.ACTIVE, request__wants_earlier=True,
        checked_in_at=None, starts_at__gt=clock.now(),
    ).exclude(request_id__in=offered).using_db(connection).select_related("request")  # fmt: skip
    return [*((r, None) for r in unbooked), *((m.request, m) for m in earlier)]


async def _party_busy(
    connection: BaseDBAsyncClient, requests: list[MeetingRequest], span: Interval
) -> list[tuple[int, tuple[str, int], Interval]]:
    """The active meetings of the waiting requests' lawyers and detainees, anywhere."""
    lawyers = {r.lawyer_id for r in requests}
    detainees = {r.detainee_id for r in requests}
    rows = await Meeting.filter(
        status=MeetingStatus.ACTIVE, starts_at__lt=span.end, ends_at__gt=span.start
    ).filter(lawyer_id__in=lawyers).using_db(connection)  # fmt: skip
    rows += await Meeting.filter(
        status=MeetingStatus.ACTIVE, starts_at__lt=span.end, ends_at__gt=span.start
    ).filter(detainee_id__in=detainees).using_db(connection)  # fmt: skip
    busy: list[tuple[int, tuple[str, int], Interval]] = []
    for m in rows:
        interval = Interval(m.starts_at, m.ends_at)
        busy.append((m.id, ("l", m.lawyer_id), interval))
        busy.append((m.id, ("d", m.detainee_id), interval))
    return busy


async def _refused_before(
    connection: BaseDBAsyncClient, request_ids: list[int]
) -> dict[int, list[tuple[int, Interval]]]:
    """Slots each request declined or let lapse: not offered to it again."""
    rows = await SlotOffer.filter(
        request_id__in=request_ids, status__in=[OfferStatus.DECLINED, OfferStatus.EXPIRED]
    ).using_db(connection)  # fmt: skip
    refused: dict[int, list[tuple[int, Interval]]] = {}
    for offer in rows:
        span = Interval(offer.starts_at, offer.ends_at)
        refused.setdefault(offer.request_id, []).append((offer.room_id, span))
    return refused


def _length_allowed(request: MeetingRequest, allowed: list[int]) -> bool:
    return (
        request.length_minutes in allowed
        or LongerDecision(request.longer_decision) == LongerDecision.ACCEPTED
    )


def _waiting(request: MeetingRequest, meeting: Meeting | None) -> Waiting:
    return Waiting(
        request_id=request.id,
        lawyer_id=request.lawyer_id,
        detainee_id=request.detainee_id,
        deadline_at=request.deadline_at,
        priority=RequestPurpose(request.purpose).priority,
        requested_at=request.requested_at,
        current_start=meeting.starts_at if meeting else None,
    )


def _summary(offer: SlotOffer) -> dict[str, object]:
    return {
        "request": offer.request_id,
        "meeting": offer.meeting_id,
        "room": offer.room_id,
        "starts_at": offer.starts_at,
        "ends_at": offer.ends_at,
        "expires_at": offer.expires_at,
        "deadline_at": offer.deadline_at,
        "priority": offer.priority,
    }
