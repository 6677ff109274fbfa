"""Case-status notices the police owe engaged lawyers (N1-N5), family notices (N6, N7), and the
rule that opinions are heard before the investigation ends (O1).

The case registry (app/cases) records events but knows nothing of notices, because it sits
below notifications; these functions record the event and owe its notices in one transaction:
a rolled-back event leaves no notice, a recorded one always has them (entry points record an
event through ``rights_checklist.case_events``, which checks the actor's permission, scope and
kind first). Each notice names its duty, its engagement and the event it reports, which is how the
checklist matches a delivered notice to the duty it meets.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Final

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.service import record
from app.cases import engagements, services
from app.cases.kinds import EngagementStatus, EventKind, lawful_family_reason
from app.cases.models import Case, CaseEvent, Detainee, Engagement
from app.errors import DomainError
from app.law.basis import in_words
from app.law.catalogue import load_catalogue
from app.law.context import LegalContext
from app.law.periods import prompt_target_deadline
from notifications.kinds import Channel
from notifications.models import Notification
from notifications.services import notice_language, notify_user
from notifications.wording import day_in_words, local_time
from rights_checklist.kinds import SubmissionKind
from rights_checklist.models import FamilyNotice, Submission
from scheduling import permissions

_K = EventKind
NOTICE_DUTY: Final[dict[EventKind, str]] = {
    **{kind: "N2" for kind in (_K.CRIMINAL_DETENTION, _K.ARREST, _K.BAIL,
                               _K.RESIDENTIAL_SURVEILLANCE, _K.DESIGNATED_RESIDENCE_SURVEILLANCE,
                               _K.MEASURE_CHANGED, _K.MEASURE_LIFTED)},
    _K.CUSTODY_EXTENSION: "N3",
    _K.TRANSFER_FOR_PROSECUTION: "N4",
}  # fmt: skip
ENDS_INVESTIGATION: Final = frozenset({_K.INVESTIGATION_ENDED, _K.TRANSFER_FOR_PROSECUTION})
FAMILY_DUTY: Final = {_K.CRIMINAL_DETENTION: "N6", _K.ARREST: "N7"}
_SKEW: Final = timedelta(minutes=5)


@cache
def event_names() -> dict[str, dict[str, str]]:
    with Path(__file__).with_name("event_names.toml").open("rb") as handle:
        return tomllib.load(handle)


async def record_case_event(
    actor: User,
    case: Case,
    new: services.NewEvent,
    *,
    context: LegalContext,
    public_url: str,
    unheard_reason: str = "",
) -> CaseEvent:
    """Record the event and owe its notices. Ending the investigation with written opinions
    not yet acknowledged needs a stated reason, which stays on the event as a visible breach."""
    if new.kind in ENDS_INVESTIGATION:
        unheard = await Submission.filter(
            case_id=case.id, kind=SubmissionKind.OPINION, acknowledged_at=None
        ).values_list("receipt_number", flat=True)
        if unheard and not unheard_reason.strip():
            raise DomainError("opinions_not_acknowledged", "unheard_reason", 409)
        if unheard:
            details = {**new.details, "unacknowledged_opinions": sorted(map(str, unheard)),
                       "unacknowledged_reason": unheard_reason.strip()[:500]}  # fmt: skip
            new = replace(new, details=details)
    async with in_transaction():
        event = await services.record_event(actor, case, new)
        await owe_event_notices(case, event, context=context, public_url=public_url)
        if new.kind in ENDS_INVESTIGATION:  # M5 ends: waiting requests need no permission
            await case.refresh_from_db(fields=["stage"])
            await permissions.investigation_ended(actor, case, event.effective_at,
                                                  policies=context.policies,
                                                  calendar=context.calendar)  # fmt: skip
    return event


async def owe_event_notices(
    case: Case, event: CaseEvent, *, context: LegalContext, public_url: str
) -> list[Notification]:
    """N2-N4: each lawyer actively engaged for the detainee the event concerns (every lawyer
    of the case for a case-wide event) is told, by every channel that reaches them."""
    duty = NOTICE_DUTY.get(event.kind)
    if duty is None:
        return []
    active = Engagement.filter(case_id=case.id, status=EngagementStatus.ACTIVE)
    if event.detainee_id is not None:  # co-defendants' events stay with their own lawyers
        active = active.filter(detainee_id=event.detainee_id)
    written: list[Notification] = []
    for engagement in await active.prefetch_related("lawyer").order_by("id"):
        written += await _notify_lawyer(
            case, engagement, duty, event.kind.value, event.effective_at, "", event.id,
            context, public_url, extension=_extension(event),
        )  # fmt: skip
    return written


async def terminate_engagement(
    investigator: User,
    engagement: Engagement,
    received_at: datetime,
    note: str,
    *,
    context: LegalContext,
    public_url: str,
) -> CaseEvent:
    """The client's termination reached the agency: record it and tell the lawyer (N5)."""
    async with in_transaction():
        event = await engagements.record_termination(investigator, engagement, received_at, note)
        case = await Case.get(id=engagement.case_id)
        await engagement.fetch_related("lawyer")
        await _notify_lawyer(case, engagement, "N5", "engagement_terminated", received_at, "",
                             None, context, public_url)  # fmt: skip
    return event


async def inform_of_charges(
    investigator: User,
    engagement: Engagement,
    charges: str,
    facts: str,
    *,
    context: LegalContext,
    public_url: str,
) -> list[Notification]:
    """N1: after the engagement notice, tell the lawyer the suspected charges and main facts."""
    case = await Case.get(id=engagement.case_id)
    if investigator.role != Role.INVESTIGATOR or case.agency_id != investigator.agency_id:
        raise DomainError("not_found", None, 404)
    if engagement.notice_sent_at is None:
        raise DomainError("engagement_notice_missing", None, 409)
    if not charges.strip():
        raise DomainError("charges_required", "charges")
    detail = f"{charges.strip()}\n{facts.strip()}".strip()
    async with in_transaction():
        await engagement.fetch_related("lawyer")
        written = await _notify_lawyer(case, engagement, "N1", "charges_informed",
                                       engagement.notice_sent_at, detail[:2000], None, context,
                                       public_url)  # fmt: skip
        await record(investigator, "case.charges_informed", "engagement", engagement.id,
                     {"case": case.id})  # fmt: skip
    return written


async def record_family_notice(
    investigator: User,
    event: CaseEvent,
    *,
    notified_at: datetime | None,
    manner: str = "",
    lawful_reason: str | None = None,
    details: str = "",
) -> FamilyNotice:
    """N6/N7: when and how the family was told of a detention or arrest, or why it was not."""
    case = await Case.get(id=event.case_id)
    if investigator.role != Role.INVESTIGATOR or case.agency_id != investigator.agency_id:
        raise DomainError("not_found", None, 404)
    duty = FAMILY_DUTY.get(event.kind)
    if duty is None:
        raise DomainError("family_notice_not_owed", "event")
    if lawful_reason is not None and not lawful_family_reason(duty, lawful_reason, case.category):
        raise DomainError("family_reason_not_lawful", "lawful_reason")
    if (notified_at is None) == (lawful_reason is None):
        raise DomainError("family_notice_needs_time_or_reason", "notified_at")
    if notified_at is not None:
        if notified_at.tzinfo is None:
            raise DomainError("time_needs_zone", "notified_at")
        if notified_at > clock.now() + _SKEW:
            raise DomainError("effective_in_future", "notified_at")
        if not manner.strip():
            raise DomainError("family_notice_needs_manner", "manner")
    async with in_transaction():
        row = await FamilyNotice.create(
            event=event, notified_at=notified_at, manner=manner.strip()[:100],
            lawful_reason=lawful_reason, details=details.strip(), recorded_by=investigator,
        )  # fmt: skip
        await record(investigator, "case.family_notice_recorded", "case", case.id,
                     {"event_id": event.id, "duty": duty, "notified_at": notified_at,
                      "lawful_reason": lawful_reason})  # fmt: skip
    return row


async def _notify_lawyer(
    case: Case,
    engagement: Engagement,
    duty_id: str,
    event_name: str,
    occurred_at: datetime,
    detail: str,
    event_id: int | None,
    context: LegalContext,
    public_url: str,
    *,
    extension: tuple[date, str] | None = None,
) -> list[Notification]:
    """One notice naming what happened and when, the new date where there is one (a custody
    extension's new expiry) and the legal basis in words, in the lawyer's notice language."""
    lawyer: User = engagement.lawyer
    zone = await _zone(engagement)
    basis = load_catalogue().by_id(duty_id).basis
    target = prompt_target_deadline(occurred_at, tz=zone, calendar=context.calendar,
                                    policies=context.policies, basis=basis)  # fmt: skip
    language = await notice_language(lawyer)
    expiry, extension_basis = extension or (None, "")
    payload = {
        "case_number": case.case_number,
        "event": event_names()[language].get(event_name, event_name),
        "occurred_at": local_time(occurred_at, zone, language),
        "legal_basis": in_words(basis, language),
        "new_expiry": day_in_words(expiry, language) if expiry else "",
        "extension_basis": in_words(extension_basis, language),
        "detail": detail,
        "deadline": local_time(target.expires_at, zone, language),
        "url": f"{public_url.rstrip('/')}/clients/{engagement.id}",
        "engagement_id": engagement.id,
        "event_id": event_id,
    }
    channels = (Channel.INAPP, Channel.EMAIL, Channel.SMS)  # preferences may move or drop some
    return await notify_user(lawyer, "case_event_notice", payload, channels, duty_id=duty_id,
                             deadline=target.expires_at_utc, case=case,
                             language=language)  # fmt: skip


async def _zone(engagement: Engagement) -> str:
    detainee = await Detainee.get(id=engagement.detainee_id).prefetch_related("facility")
    return detainee.facility.timezone


def _extension(event: CaseEvent) -> tuple[date, str] | None:
    """A custody extension's new expiry and its stated basis (checked when it was recorded)."""
    if event.kind != EventKind.CUSTODY_EXTENSION or not event.details.get("new_expiry"):
        return None
    try:
        expiry = date.fromisoformat(str(event.details["new_expiry"]))
    except ValueError:
        return None
    return expiry, str(event.details.get("legal_basis", ""))
