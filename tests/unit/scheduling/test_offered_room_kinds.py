"""Which rooms a waitlist offer may hold for a request, and which a booking may use: one rule
of written consent to an interrogation room (R2015 art. 7) for both (scheduling.slot_rules)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import DomainError
from scheduling import slot_rules
from scheduling.kinds import RoomKind
from scheduling.models import MeetingRequest

CONSENTED = datetime(2026, 12, 1, 9, tzinfo=UTC)


def request(kind: RoomKind, consent: datetime | None = None) -> MeetingRequest:
    return MeetingRequest(room_kind=kind, interrogation_room_consent_at=consent)


def test_an_offer_holds_a_room_of_the_kind_asked_for() -> None:
    assert slot_rules.offered_room_kinds(request(RoomKind.IN_PERSON)) == {RoomKind.IN_PERSON}


def test_an_offer_may_hold_an_interrogation_room_after_written_consent() -> None:
    kinds = slot_rules.offered_room_kinds(request(RoomKind.IN_PERSON, CONSENTED))
    assert kinds == {RoomKind.IN_PERSON, RoomKind.INTERROGATION}


def test_a_video_meeting_is_never_offered_an_interrogation_room() -> None:
    kinds = slot_rules.offered_room_kinds(request(RoomKind.VIDEO_LINK, CONSENTED))
    assert kinds == {RoomKind.VIDEO_LINK}


def test_a_booking_in_an_interrogation_room_without_consent_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        slot_rules.room_rule(request(RoomKind.IN_PERSON), RoomKind.INTERROGATION)
    assert (refused.value.code, refused.value.status) == ("interrogation_room_needs_consent", 409)


def test_a_booking_in_an_interrogation_room_with_consent_is_allowed() -> None:
    slot_rules.room_rule(request(RoomKind.IN_PERSON, CONSENTED), RoomKind.INTERROGATION)
