"""Kinds of defence submissions and complaints, and which duty of the catalogue each starts."""

from __future__ import annotations

from enum import StrEnum


class SubmissionKind(StrEnum):
    OPINION = "opinion"  # written defence opinion (O1): attached to the file, not decided
    HEARING = "hearing"  # request to be heard in person
    MEASURE_CHANGE = "measure_change"  # application to change a compulsory measure (O2)
    INTERPRETER = "interpreter"  # application for an interpreter at meetings (M7)
    OTHER = "other"


class Decision(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"


class ComplaintType(StrEnum):
    MEETING_REFUSED = "meeting_refused"  # refused or delayed past 48 hours
    NOT_INFORMED = "not_informed"
    OPINION_IGNORED = "opinion_ignored"  # not heard or not attached
    EXTRA_DOCUMENTS = "extra_documents"
    MEETING_MONITORED = "meeting_monitored"
    CUSTODY_OVERDUE = "custody_overdue"
    BAIL_DEPOSIT = "bail_deposit"
    SEIZED_PROPERTY = "seized_property"
    OTHER = "other"


class ComplaintBody(StrEnum):
    PROCURATORATE = "procuratorate"
    BAR_ASSOCIATION = "bar_association"


# Who a complaint goes to when the lawyer does not choose: obstruction (C1) to the
# procuratorate, with a copy to the bar association, which supports lawyers (CPL 49; SPP 57-58).
ADDRESSEES: dict[str, tuple[ComplaintBody, ComplaintBody | None]] = {
    "C1": (ComplaintBody.PROCURATORATE, ComplaintBody.BAR_ASSOCIATION),
    "C2": (ComplaintBody.PROCURATORATE, None),
}


class ComplaintOutcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    REJECTED = "rejected"


# Applications whose decision the catalogue times; the others have no statutory period.
DECISION_DUTIES: dict[SubmissionKind, str] = {
    SubmissionKind.MEASURE_CHANGE: "O2",
    SubmissionKind.INTERPRETER: "M7",
}

# CPL 117 complaints (custody, bail deposit, seized property) go to C2, the rest to C1.
C2_TYPES = frozenset(
    {ComplaintType.CUSTODY_OVERDUE, ComplaintType.BAIL_DEPOSIT, ComplaintType.SEIZED_PROPERTY}
)


def complaint_duty(kind: ComplaintType) -> str:
    return "C2" if kind in C2_TYPES else "C1"


MAX_ATTACHMENTS = 5
