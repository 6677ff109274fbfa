"""What a lawyer is told about a slot offered to her request, and when the offer lapses.

Written in the offer round's transaction (``scheduling.offers``): an offer rolled back leaves
no notice. The offer goes by every channel the lawyer keeps on (e-mail, SMS, in-app) with the
link to the offer's page, where one tap accepts it; a lapsed offer is told in-app only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from app.accounts.models import User
from notifications.kinds import Channel
from notifications.services import Notice, enqueue_many
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import MeetingRequest, Room, SlotOffer

OFFERED: Final = "meeting_slot_offered"
LAPSED: Final = "meeting_offer_lapsed"


async def offer_made(offer: SlotOffer, request: MeetingRequest, *, notices: NoticeSettings) -> None:
    lawyer = await User.get(id=request.lawyer_id)
    payload = await _payload(offer, notices)
    told: list[Notice] = []
    if lawyer.email:
        told.append(Notice(OFFERED, Channel.EMAIL, payload))
    if lawyer.phone:
        told.append(Notice(OFFERED, Channel.SMS, payload))
    told.append(Notice(OFFERED, Channel.INAPP, payload))
    await enqueue_many(lawyer, told, topic=topic_of(offer))


async def offer_lapsed(offer: SlotOffer, *, notices: NoticeSettings) -> None:
    lawyer = await User.get(id=(await MeetingRequest.get(id=offer.request_id)).lawyer_id)
    payload = await _payload(offer, notices)
    await enqueue_many(lawyer, [Notice(LAPSED, Channel.INAPP, payload)], topic=topic_of(offer))


def topic_of(offer: SlotOffer) -> str:
    return f"offer:{offer.id}"


async def _payload(offer: SlotOffer, notices: NoticeSettings) -> dict[str, Any]:
    room = await Room.get(id=offer.room_id).select_related("facility")
    zone = room.facility.timezone

    def instant(moment: datetime) -> str:
        return moment.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")

    return {
        "facility": room.facility.name,
        "room": room.name,
        "starts": instant(offer.starts_at),
        "ends": instant(offer.ends_at),
        "expires": instant(offer.expires_at),
        "deadline": instant(offer.deadline_at) if offer.deadline_at else "",
        "timezone": zone,
        "earlier": offer.meeting_id is not None,
        "priority": offer.priority,
        "url": f"{notices.public_url}/offers/{offer.id}",
    }
