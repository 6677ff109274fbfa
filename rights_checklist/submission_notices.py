"""Who is told about a defence submission or a complaint, and when (issue 7).

A filed submission goes to the investigators assigned to the case (every investigator of the
agency when none is assigned yet); each handling step (acknowledged, attached to the file,
decided) and a complaint's reply go back to the lawyer; a complaint addressed or copied to the
bar association goes to the bar's auditors of the jurisdiction. All are written in the caller's
transaction, in-app and by e-mail, so the step and its notice stand or fall together.
"""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.roles import AccountStatus, Role
from app.cases.models import Case, CaseInvestigator
from app.orgs.regions import in_jurisdiction
from notifications.kinds import Channel
from notifications.services import notice_language, notify_user
from notifications.wording import local_time
from rights_checklist.kinds import ComplaintBody
from rights_checklist.models import Complaint, Submission

CHANNELS = (Channel.INAPP, Channel.EMAIL)


def _link(public_url: str, path: str) -> str:
    return f"{public_url.rstrip('/')}{path}"


async def submission_filed(submission: Submission, *, public_url: str) -> int:
    """Tell the case's investigators a submission waits for them; how many were told."""
    case = await Case.get(id=submission.case_id)
    assigned = await CaseInvestigator.filter(case_id=case.id).values_list(
        "investigator_id", flat=True
    )
    readers = User.filter(role=Role.INVESTIGATOR, status=AccountStatus.ACTIVE)
    if assigned:
        readers = readers.filter(id__in=list(assigned))
    else:
        readers = readers.filter(agency_id=case.agency_id)
    payload = {
        "receipt_number": submission.receipt_number,
        "case_number": case.case_number,
        "kind": submission.kind.value,
        "due_at": submission.due_at.isoformat(timespec="minutes") if submission.due_at else "",
        "timezone": submission.timezone,  # the templates say due_at on this clock, in words
        "url": _link(public_url, f"/submissions/{submission.id}"),
    }
    told = 0
    for investigator in await readers.order_by("id"):
        await notify_user(investigator, "submission_received", payload, CHANNELS, case=case)
        told += 1
    return told


async def submission_step(submission: Submission, step: str, *, public_url: str) -> None:
    """Tell the lawyer a step: "acknowledged", "attached" (附卷) or "decided"."""
    case = await Case.get(id=submission.case_id)
    lawyer = await User.get(id=submission.lawyer_id)
    payload = {
        "receipt_number": submission.receipt_number,
        "case_number": case.case_number,
        "step": step,
        "file_reference": submission.file_reference or "",
        "decision": submission.decision.value if submission.decision else "",
        "reasons": submission.decision_reasons or "",
        "url": _link(public_url, f"/submissions/{submission.id}"),
    }
    await notify_user(lawyer, "submission_handled", payload, CHANNELS, case=case)


async def complaint_filed(complaint: Complaint, zone: str, *, public_url: str) -> int:
    """Story 7: a complaint addressed or copied to the bar association reaches the bar's
    auditors of the case's jurisdiction, with its reply deadline; how many were told."""
    bar = ComplaintBody.BAR_ASSOCIATION
    if bar not in (complaint.addressed_to, complaint.copied_to):
        return 0
    case = await Case.get(id=complaint.case_id).select_related("agency")
    auditors = User.filter(
        role=Role.BAR_AUDITOR,
        status=AccountStatus.ACTIVE,
        region_code__not_isnull=True,
    )
    told = 0
    for auditor in await auditors.order_by("id"):
        if not in_jurisdiction(case.agency.region_code, auditor.region_code or ""):
            continue
        language = await notice_language(auditor)
        payload = {
            "complaint_id": complaint.id,
            "case_number": case.case_number,
            "copied": complaint.addressed_to != bar,
            "due_at": complaint.due_at.isoformat(timespec="minutes"),
            "due_local": local_time(complaint.due_at, zone, language),
            "url": _link(public_url, f"/complaints/{complaint.id}"),
        }
        await notify_user(auditor, "complaint_for_bar", payload, CHANNELS, case=case)
        told += 1
    return told


async def complaint_replied(complaint: Complaint, *, public_url: str) -> None:
    """Tell the lawyer the reply to their complaint was recorded, with its outcome."""
    case = await Case.get(id=complaint.case_id)
    lawyer = await User.get(id=complaint.lawyer_id)
    payload = {
        "complaint_id": complaint.id,
        "case_number": case.case_number,
        "outcome": complaint.outcome.value if complaint.outcome else "",
        "url": _link(public_url, f"/complaints/{complaint.id}"),
    }
    await notify_user(lawyer, "complaint_reply", payload, CHANNELS, case=case)
