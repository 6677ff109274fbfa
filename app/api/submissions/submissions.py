"""/api/v1 endpoints of defence submissions (opinions, applications) and complaints."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import UploadFile
from starlette.requests import Request

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action
from app.accounts.scopes import visible, visible_row
from app.api.framework import FILE, Endpoint, FormField, choice
from app.api.submissions.submission_models import (
    AttachIn,
    AttachmentOut,
    ComplaintCreate,
    ComplaintOut,
    DecideIn,
    ReceiptOut,
    ReplyIn,
    SubmissionOut,
)
from app.cases.models import Case
from app.cases.storage import document_root
from app.commands import build
from app.errors import DomainError
from rights_checklist import complaints, filing, handling, submissions
from rights_checklist.filing import FileSubmission
from rights_checklist.handling import AcknowledgeSubmission, AttachOpinionToFile, DecideApplication
from rights_checklist.kinds import MAX_ATTACHMENTS, SubmissionKind
from rights_checklist.models import Complaint, Submission, SubmissionAttachment
from rights_checklist.submissions import MAX_TEXT

P = "/api/v1"
CANONICAL_FORM = (
    'SHA-256 of the UTF-8 JSON {"attachments":[sha256...],"kind":...,"text":...} '
    "with sorted keys, no spaces, text in NFC with LF line ends and trimmed"
)


def _overdue(due_at: datetime | None, done_at: datetime | None) -> bool:
    return due_at is not None and done_at is None and due_at < clock.now()


async def attachments_of(submission: Submission) -> list[AttachmentOut]:
    rows = await SubmissionAttachment.filter(submission_id=submission.id)
    return [AttachmentOut.model_validate(a, from_attributes=True) for a in rows]


async def submission_out(user: User, s: Submission) -> SubmissionOut:
    content = submissions.sees_content(user)
    return SubmissionOut(
        id=s.id,
        receipt_number=s.receipt_number,
        case_id=s.case_id,
        engagement_id=s.engagement_id,
        lawyer_id=s.lawyer_id,
        kind=s.kind,
        submitted_at=s.submitted_at,
        timezone=s.timezone,
        sha256=s.sha256 if content else None,
        text=s.text if content else None,
        attachments=await attachments_of(s) if content else None,
        duty=s.duty,
        due_at=s.due_at,
        due_rule=s.due_rule,
        overdue=_overdue(s.due_at, s.decided_at),
        acknowledged_at=s.acknowledged_at,
        attached_at=s.attached_at,
        file_reference=s.file_reference if content else None,
        decision=s.decision,
        decision_reasons=s.decision_reasons if content else None,
        decided_at=s.decided_at,
    )


async def receipt_for(user: User, submission_id: int) -> ReceiptOut:
    s = await visible_row(Submission, user, submission_id)
    if not submissions.sees_content(user):
        raise DomainError("not_found", None, 404)
    local = s.submitted_at.astimezone(ZoneInfo(s.timezone))
    return ReceiptOut(
        receipt_number=s.receipt_number,
        submitted_at=s.submitted_at,
        submitted_at_local=local.strftime("%Y-%m-%d %H:%M:%S %z"),
        timezone=s.timezone,
        kind=s.kind,
        sha256=s.sha256,
        canonical_form=CANONICAL_FORM,
        attachments=await attachments_of(s),
    )


async def list_submissions(user: User, case_id: int) -> list[SubmissionOut]:
    case = await visible_row(Case, user, case_id)
    rows = await visible(Submission, user).filter(case_id=case.id)
    return [await submission_out(user, s) for s in rows]


async def file_submission(user: User, case_id: int, request: Request) -> SubmissionOut:
    settings = request.app.state.settings
    form = await request.form(
        max_files=MAX_ATTACHMENTS + 1, max_part_size=settings.uploads.max_bytes + 1
    )
    try:
        files = [
            (upload.filename, await upload.read(settings.uploads.max_bytes + 1))
            for upload in form.getlist("file")
            if isinstance(upload, UploadFile) and upload.filename
        ]
        kind, text = form.get("kind"), form.get("text")
        command = build(
            FileSubmission,
            case_id=case_id,
            text=text if isinstance(text, str) else "",
            **({"kind": kind} if isinstance(kind, str) and kind else {}),
        )
        submission = await filing.file_submission(
            user, command, files, await request.app.state.law.context(),
            root=document_root(settings.data_dir), max_bytes=settings.uploads.max_bytes,
            public_url=settings.app.public_url,
        )  # fmt: skip
    finally:
        await form.close()
    return await submission_out(user, submission)


async def get_submission(user: User, submission_id: int) -> SubmissionOut:
    return await submission_out(user, await visible_row(Submission, user, submission_id))


def _public_url(request: Request) -> str:
    return str(request.app.state.settings.app.public_url)


async def acknowledge(request: Request, user: User, submission_id: int) -> SubmissionOut:
    command = build(AcknowledgeSubmission, submission_id=submission_id)
    acknowledged = await handling.acknowledge_submission(
        user, command, public_url=_public_url(request)
    )
    return await submission_out(user, acknowledged)


async def attach_to_file(
    request: Request, user: User, submission_id: int, body: AttachIn
) -> SubmissionOut:
    command = build(AttachOpinionToFile, submission_id=submission_id, **body.model_dump())
    attached = await handling.attach_opinion_to_file(user, command, public_url=_public_url(request))
    return await submission_out(user, attached)


async def decide(request: Request, user: User, submission_id: int, body: DecideIn) -> SubmissionOut:
    command = build(DecideApplication, submission_id=submission_id, **body.model_dump())
    decided = await handling.decide_application(user, command, public_url=_public_url(request))
    return await submission_out(user, decided)


def complaint_out(c: Complaint) -> ComplaintOut:
    return ComplaintOut(
        id=c.id,
        case_id=c.case_id,
        lawyer_id=c.lawyer_id,
        complaint_type=c.complaint_type,
        addressed_to=c.addressed_to,
        copied_to=c.copied_to,
        description=c.description,
        evidence=c.evidence,
        duty=c.duty,
        filed_at=c.filed_at,
        due_at=c.due_at,
        due_rule=c.due_rule,
        overdue=_overdue(c.due_at, c.reply_at),
        reply_at=c.reply_at,
        reply_summary=c.reply_summary,
        outcome=c.outcome,
    )


async def list_complaints(user: User) -> list[ComplaintOut]:
    return [complaint_out(c) for c in await visible(Complaint, user)]


async def file_complaint(user: User, body: ComplaintCreate, request: Request) -> ComplaintOut:
    await visible_row(Case, user, body.case_id)
    new = complaints.NewComplaint(**body.model_dump())
    context = await request.app.state.law.context()
    filed = await complaints.file_complaint(user, new, context, public_url=_public_url(request))
    return complaint_out(filed)


async def get_complaint(user: User, complaint_id: int) -> ComplaintOut:
    return complaint_out(await visible_row(Complaint, user, complaint_id))


async def record_reply(
    request: Request, user: User, complaint_id: int, body: ReplyIn
) -> ComplaintOut:
    complaint = await visible_row(Complaint, user, complaint_id)
    replied = await complaints.record_reply(
        user, complaint, body.reply_at, body.summary, body.outcome,
        public_url=_public_url(request),
    )  # fmt: skip
    return complaint_out(replied)


def _ep(
    method: str, path: str, handler: object, summary: str, action: Action, **kw: object
) -> Endpoint:
    tag = "complaints" if path.startswith("/complaints") else "submissions"
    return Endpoint(method, P + path, handler, summary, tag, action, **kw)  # type: ignore[arg-type]


_S = "/submissions/{submission_id:int}"
_C = "/complaints/{complaint_id:int}"
SUBMISSION_ENDPOINTS: list[Endpoint] = [
    _ep("GET", "/cases/{case_id:int}/submissions", list_submissions, "Submissions of a case",
        Action.VIEW_SUBMISSIONS, response=SubmissionOut, list_response=True, errors=(404,)),
    _ep("POST", "/cases/{case_id:int}/submissions", file_submission,
        "File a written opinion (with up to 5 PDF/JPEG/PNG files) or an application",
        Action.FILE_SUBMISSIONS, response=SubmissionOut, status=201,
        errors=(404, 409, 413, 415, 422),
        multipart=(
            FormField("kind", choice(SubmissionKind)),
            FormField("text", {"type": "string", "maxLength": MAX_TEXT}, required=False),
            FormField("file", FILE, required=False),
        )),
    _ep("GET", _S, get_submission, "One submission", Action.VIEW_SUBMISSIONS,
        response=SubmissionOut, errors=(404,)),
    _ep("GET", _S + "/receipt", receipt_for, "The receipt: number, time, SHA-256, files",
        Action.VIEW_SUBMISSIONS, response=ReceiptOut, errors=(404,)),
    _ep("POST", _S + "/acknowledgement", acknowledge, "Acknowledge receipt (investigator)",
        Action.HANDLE_SUBMISSIONS, response=SubmissionOut, errors=(404, 409)),
    _ep("POST", _S + "/attachment", attach_to_file,
        "Record that a written opinion was attached to the case file (O1)",
        Action.HANDLE_SUBMISSIONS, body=AttachIn, response=SubmissionOut, errors=(404, 409)),
    _ep("POST", _S + "/decision", decide, "Decide an application (reasons when refusing)",
        Action.HANDLE_SUBMISSIONS, body=DecideIn, response=SubmissionOut, errors=(404, 409)),
    _ep("GET", "/complaints", list_complaints, "Complaints in my scope", Action.VIEW_COMPLAINTS,
        response=ComplaintOut, list_response=True),
    _ep("POST", "/complaints", file_complaint, "File a complaint (C1 10 days, C2 30 days)",
        Action.FILE_COMPLAINTS, body=ComplaintCreate, response=ComplaintOut, status=201,
        errors=(404,)),
    _ep("GET", _C, get_complaint, "One complaint", Action.VIEW_COMPLAINTS,
        response=ComplaintOut, errors=(404,)),
    _ep("POST", _C + "/reply", record_reply, "Record the reply and its outcome (bar auditor)",
        Action.RECORD_COMPLAINT_REPLIES, body=ReplyIn, response=ComplaintOut,
        errors=(404, 409)),
]  # fmt: skip
