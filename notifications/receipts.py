"""Delivery receipts from providers. A receipt only ever moves a row forwards.

Each update is one conditional UPDATE naming the states it may leave, so receipts arriving
twice or out of order (Twilio does not promise order) cannot undo a later state.
"""

from __future__ import annotations

from app import clock
from notifications.kinds import PROGRESS, Status
from notifications.models import Notification

# Twilio MessageStatus values that change our state; queued/sending/accepted say nothing new.
TWILIO_STATUSES: dict[str, Status] = {
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,
    "undelivered": Status.FAILED,
    "failed": Status.FAILED,
}


def _earlier_than(target: Status) -> list[Status]:
    return [status for status, rank in PROGRESS.items() if rank < PROGRESS[target]]


async def apply_twilio_status(sid: str, message_status: str, error_code: str = "") -> bool:
    """Record a status callback for the message `sid`; False when nothing changed."""
    target = TWILIO_STATUSES.get(message_status)
    if not sid or target is None:
        return False
    changes: dict[str, object] = {"status": target}
    if target == Status.DELIVERED:
        changes["delivered_at"] = clock.now()
    if target == Status.FAILED:
        changes["last_error"] = f"Twilio reported {message_status} (error {error_code or '-'})"
    updated = await Notification.filter(provider_id=sid, status__in=_earlier_than(target)).update(
        **changes
    )
    return updated > 0
