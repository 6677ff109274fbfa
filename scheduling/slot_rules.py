"""What a request allows of a slot, whatever the slot's time: its length and its room's kind
(R2015 art. 7). Pure rules on the request's fields; ``scheduling.booking._check_slot`` applies
them to every booking and move.

- Length: one of the facility's lengths; a longer one only as the request asked for it with a
  reason, and only once the desk accepted it (undecided: 409 ``longer_meeting_undecided``;
  refused: ``length_not_allowed``, the longest offered length then applies).
- Room: an interrogation room only for a request whose lawyer consented in writing
  (``interrogation_room_needs_consent``); the meeting stays unmonitored like any other.
"""

from __future__ import annotations

from collections.abc import Collection

from app.errors import DomainError
from scheduling.kinds import LongerDecision, RoomKind
from scheduling.models import MeetingRequest


def consented_to_interrogation_room(request: MeetingRequest) -> bool:
    """The lawyer agreed in writing, when asking, to meet in an interrogation room."""
    return request.interrogation_room_consent_at is not None


def room_rule(request: MeetingRequest, room_kind: RoomKind) -> None:
    if room_kind == RoomKind.INTERROGATION and not consented_to_interrogation_room(request):
        raise DomainError("interrogation_room_needs_consent", field="room", status=409)


def offered_room_kinds(request: MeetingRequest) -> set[RoomKind]:
    """The rooms a waitlist offer may hold for the request: of the kind it asked for, and an
    interrogation room too when the lawyer consented (never for a video meeting)."""
    kind = RoomKind(request.room_kind)
    if consented_to_interrogation_room(request) and kind != RoomKind.VIDEO_LINK:
        return {kind, RoomKind.INTERROGATION}
    return {kind}


def length_rule(request: MeetingRequest, minutes: int, allowed: Collection[int]) -> None:
    if minutes in allowed:
        return
    longer = bool(request.longer_reason) and minutes == request.length_minutes
    if longer and request.longer_decision == LongerDecision.UNDECIDED:
        raise DomainError("longer_meeting_undecided", field="length_minutes", status=409)
    if not (longer and request.longer_decision == LongerDecision.ACCEPTED):
        raise DomainError("length_not_allowed", field="length_minutes")
