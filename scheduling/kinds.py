"""Value sets of the meeting records (stored as text; the migration imports them)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

DEFAULT_LENGTHS: Final = (30, 45, 60, 90, 120)  # meeting lengths in minutes a facility offers


def default_lengths() -> list[int]:
    return list(DEFAULT_LENGTHS)


class RoomKind(StrEnum):
    IN_PERSON = "in_person"
    GLASS_PARTITIONED = "glass_partitioned"
    VIDEO_LINK = "video_link"
    # R2015 art. 7: used for a lawyer's meeting only with the lawyer's written consent.
    INTERROGATION = "interrogation"


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    AWAITING_PERMISSION = "awaiting_permission"  # M5: state-security or terrorism investigation
    PERMISSION_REFUSED = "permission_refused"
    SCHEDULED = "scheduled"
    CHECKED_IN = "checked_in"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED_BY_LAWYER = "cancelled_by_lawyer"
    CANCELLED_BY_FACILITY = "cancelled_by_facility"
    NO_SHOW = "no_show"
    REFUSED = "refused"


class MeetingStatus(StrEnum):
    # Only active meetings take part in the overlap constraints of migration 0007.
    ACTIVE = "active"
    CANCELLED = "cancelled"


class RequestPurpose(StrEnum):
    """Why the lawyer asks. Every purpose but ``ordinary`` is a priority meeting: it ranks first
    among requests with equal time left on the waitlist, and is counted apart."""

    ORDINARY = "ordinary"
    FIRST_AFTER_DETENTION = "first_after_detention"
    FIRST_AFTER_TRANSFER = "first_after_transfer"  # transfer for prosecution review
    ENGAGEMENT_CONFIRMATION = "engagement_confirmation"  # R2015 art. 8: ended or changed

    @property
    def priority(self) -> bool:
        return self is not RequestPurpose.ORDINARY


class LongerDecision(StrEnum):
    """The desk's answer to a request for a meeting longer than the facility's lengths."""

    UNDECIDED = ""
    ACCEPTED = "accepted"
    REFUSED = "refused"


class OfferStatus(StrEnum):
    # Only an open offer holds its slot (migration 0020), and only until it expires.
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the request was booked, cancelled or refused meanwhile


class CapacityCause(StrEnum):
    """What freed capacity at a facility: each one starts an offer round."""

    CANCELLED_BY_LAWYER = "cancelled_by_lawyer"
    CANCELLED_BY_FACILITY = "cancelled_by_facility"
    NO_SHOW = "no_show"
    CLOSURE_WITHDRAWN = "closure_withdrawn"
    CLOSURE_SHORTENED = "closure_shortened"
    HOURS_ADDED = "hours_added"
    ROOM_IN_SERVICE = "room_in_service"
    MEETING_MOVED = "meeting_moved"  # a meeting moved earlier left its old slot
    OFFER_DECLINED = "offer_declined"
    OFFER_EXPIRED = "offer_expired"
    OFFER_WITHDRAWN = "offer_withdrawn"  # its request was booked, cancelled or refused
