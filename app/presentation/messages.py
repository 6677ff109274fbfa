"""The message of an error code a service raised (``DomainError.code``), in the visit's language.

Each area keeps its codes in its own labels module; this table lists them all, in the order
they are looked up, so web, API and command line answer every code alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from app.errors import DomainError
from app.presentation import (
    board_labels,
    calendar_labels,
    case_labels,
    checklist_labels,
    compliance_labels,
    conflict_labels,
    facility_labels,
    meeting_labels,
    notification_labels,
    receipt_labels,
    scheduling_labels,
    submission_labels,
    verification_labels,
)
from app.presentation.i18n import MESSAGES, gettext

MESSAGE_TABLES: Final[tuple[dict[str, str], ...]] = (
    MESSAGES,
    case_labels.CASE_MESSAGES,
    submission_labels.SUBMISSION_MESSAGES,
    notification_labels.NOTIFICATION_MESSAGES,
    scheduling_labels.SCHEDULING_MESSAGES,
    checklist_labels.CHECKLIST_MESSAGES,
    meeting_labels.MEETING_MESSAGES,
    meeting_labels.MEETING_PAGE_MESSAGES,
    board_labels.BOARD_MESSAGES,
    facility_labels.FACILITY_MESSAGES,
    calendar_labels.CALENDAR_MESSAGES,
    compliance_labels.COMPLIANCE_MESSAGES,
    verification_labels.VERIFICATION_MESSAGES,
    receipt_labels.RECEIPT_MESSAGES,
    conflict_labels.CONFLICT_MESSAGES,
)


# Codes whose words are made from the facts the error carries (its ``extensions``).
FACT_MESSAGES: Final[dict[str, Callable[[Mapping[str, Any]], str]]] = {
    **meeting_labels.MEETING_FACT_MESSAGES,
    **conflict_labels.CONFLICT_FACT_MESSAGES,
}


def message(code: str) -> str:
    text = next((table[code] for table in MESSAGE_TABLES if code in table), code)
    return gettext(text)


def error_message(error: DomainError) -> str:
    """The words of one error: its code's message, with the facts it carries where the message
    names them (the opening hours of a refused preferred time)."""
    words = FACT_MESSAGES.get(error.code)
    facts = getattr(error, "extensions", None)
    if words is not None and facts is not None:
        return words(facts)
    return message(error.code)
