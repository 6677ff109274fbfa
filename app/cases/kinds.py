"""Enumerations of the case registry, in the domain's words (LEGAL_RULES.md glossary)."""

from __future__ import annotations

from enum import StrEnum


class CaseCategory(StrEnum):
    ORDINARY = "ordinary"
    STATE_SECURITY = "state_security"  # 危害国家安全
    TERRORISM = "terrorism"  # 恐怖活动
    ESPECIALLY_SERIOUS_BRIBERY = "especially_serious_bribery"  # policy P5 alternative


class CaseStage(StrEnum):
    """In the order a case passes through them."""

    INVESTIGATION = "investigation"
    INVESTIGATION_ENDED = "investigation_ended"  # 侦查终结, not yet transferred
    PROSECUTION_REVIEW = "prosecution_review"
    TRIAL = "trial"
    CLOSED = "closed"


class CustodyStatus(StrEnum):
    IN_CUSTODY = "in_custody"
    RELEASED = "released"
    MOVED = "moved"


class EngagementKind(StrEnum):
    RETAINED = "retained"  # 委托
    LEGAL_AID = "legal_aid"  # 法律援助
    DUTY_LAWYER = "duty_lawyer"  # 值班律师


class EngagementStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    TERMINATED = "terminated"


class DocumentKind(StrEnum):
    """The three documents (R2015 art. 7); no other may be demanded (duty M2)."""

    PRACTICE_LICENCE = "practice_licence"
    FIRM_LETTER = "firm_letter"
    POWER_OF_ATTORNEY = "power_of_attorney"
    LEGAL_AID_LETTER = "legal_aid_letter"


class DocumentReview(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class EventKind(StrEnum):
    CRIMINAL_DETENTION = "criminal_detention"
    ARREST = "arrest"
    BAIL = "bail"
    RESIDENTIAL_SURVEILLANCE = "residential_surveillance"
    DESIGNATED_RESIDENCE_SURVEILLANCE = "designated_residence_surveillance"
    MEASURE_CHANGED = "measure_changed"
    MEASURE_LIFTED = "measure_lifted"
    CUSTODY_EXTENSION = "custody_extension"
    TRANSFER_FOR_PROSECUTION = "transfer_for_prosecution"
    INVESTIGATION_ENDED = "investigation_ended"
    RELEASED = "released"
    MOVED_FACILITY = "moved_facility"
    ENGAGEMENT_NOTICE = "engagement_notice"  # CPL 34(4): the lawyer tells the agency
    ENGAGEMENT_TERMINATED = "engagement_terminated"  # starts duty N5
    CORRECTION = "correction"


# Who may record which events (the rest are recorded by the system on a lawyer's action).
INVESTIGATOR_EVENTS = frozenset(
    {
        EventKind.CRIMINAL_DETENTION,
        EventKind.ARREST,
        EventKind.BAIL,
        EventKind.RESIDENTIAL_SURVEILLANCE,
        EventKind.DESIGNATED_RESIDENCE_SURVEILLANCE,
        EventKind.MEASURE_CHANGED,
        EventKind.MEASURE_LIFTED,
        EventKind.CUSTODY_EXTENSION,
        EventKind.TRANSFER_FOR_PROSECUTION,
        EventKind.INVESTIGATION_ENDED,
        # Not ENGAGEMENT_TERMINATED: engagements.record_termination records it, because only
        # it ends the engagement and ties the event to it (a bare event would show every lawyer).
        EventKind.CORRECTION,
    }
)
STAFF_EVENTS = frozenset({EventKind.RELEASED, EventKind.MOVED_FACILITY, EventKind.CORRECTION})

# Stage that an event moves the case to, where it moves it at all. The end of the
# investigation (or the transfer, whichever is recorded first) ends the period in which a
# permission case needs the authority's permission to meet (M5; CPL 39(3)). A stage never
# moves back: a late "investigation ended" after the transfer leaves the case where it is.
STAGE_AFTER = {
    EventKind.INVESTIGATION_ENDED: CaseStage.INVESTIGATION_ENDED,
    EventKind.TRANSFER_FOR_PROSECUTION: CaseStage.PROSECUTION_REVIEW,
}


def stage_after(current: CaseStage, event: EventKind) -> CaseStage:
    """The case's stage once ``event`` is recorded: forward only."""
    target = STAGE_AFTER.get(event)
    order = list(CaseStage)
    if target is None or order.index(target) <= order.index(current):
        return current
    return target


REQUIRED_DOCUMENTS = {
    EngagementKind.RETAINED: (
        DocumentKind.PRACTICE_LICENCE,
        DocumentKind.FIRM_LETTER,
        DocumentKind.POWER_OF_ATTORNEY,
    ),
    EngagementKind.LEGAL_AID: (
        DocumentKind.PRACTICE_LICENCE,
        DocumentKind.FIRM_LETTER,
        DocumentKind.LEGAL_AID_LETTER,
    ),
    EngagementKind.DUTY_LAWYER: (DocumentKind.PRACTICE_LICENCE,),
}
# The desk's check at the gate (CPL 39(2)), item by item: the licence, the firm's letter, and
# whichever mandate the engagement needs (a power of attorney or a legal-aid letter). An item
# ticked presents each of its kinds; REQUIRED_DOCUMENTS says which of them the engagement needs.
GATE_CHECK: dict[str, tuple[DocumentKind, ...]] = {
    "licence": (DocumentKind.PRACTICE_LICENCE,),
    "firm": (DocumentKind.FIRM_LETTER,),
    "mandate": (DocumentKind.POWER_OF_ATTORNEY, DocumentKind.LEGAL_AID_LETTER),
}


def presented_at_gate(items: set[str]) -> set[DocumentKind]:
    """The documents the ticked gate-check items present (unknown items present nothing)."""
    return {kind for item in items for kind in GATE_CHECK.get(item, ())}


# N6/N7: the only lawful reasons not to tell the family within 24 hours (CPL 85, 93). "Would
# impede the investigation" excuses a criminal detention (N6) only in state-security and
# terrorism cases (CPL 85); an arrest (N7) only when nobody can be notified.
FAMILY_NOTICE_REASONS = {"N6": ("cannot_notify", "would_impede"), "N7": ("cannot_notify",)}
IMPEDE_EXCEPTION_CATEGORIES = frozenset({CaseCategory.STATE_SECURITY, CaseCategory.TERRORISM})


def lawful_family_reason(duty_id: str, reason: str, category: str) -> bool:
    if reason not in FAMILY_NOTICE_REASONS.get(duty_id, ()):
        return False
    return reason != "would_impede" or category in IMPEDE_EXCEPTION_CATEGORIES
