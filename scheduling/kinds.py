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
