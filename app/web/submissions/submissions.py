"""Submission pages: the lawyer's form and printable receipt, the investigator's task list and
the acknowledge / attach-to-file / decide forms.
The API (app.api.submissions) builds the same commands (rights_checklist.filing, .handling)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app import clock
from app.accounts.policy import Action, NotFound
from app.accounts.scopes import visible_row
from app.audit import receipts
from app.audit.receipt import to_code
from app.cases.models import Engagement
from app.cases.storage import document_root
from app.commands import build
from app.errors import DomainError, raise_all, together
from app.presentation.i18n import _, gettext
from app.presentation.qr import qr_svg
from app.presentation.submission_labels import JINJA_LABELS
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.forms import attempt, every_form_error, local_datetime, text_values
from rights_checklist import filing, handling, submissions
from rights_checklist.filing import FileSubmission
from rights_checklist.handling import AcknowledgeSubmission, AttachOpinionToFile, DecideApplication
from rights_checklist.kinds import MAX_ATTACHMENTS, SubmissionKind
from rights_checklist.models import Submission, SubmissionAttachment
from rights_checklist.notice_tasks import owed_notices
from rights_checklist.overdue_tasks import agency_overdue, is_supervisor

NEW_FIELDS = ("kind", "text", "files")
DECIDE_FIELDS = ("decision", "reasons", "decided_at")


def _given(**values: str) -> dict[str, str]:
    """The fields filled in: an empty one is left out of the command (so it is "required")."""
    return {name: value for name, value in values.items() if value}


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return case_views.render(request, name, {**JINJA_LABELS, **context}, status)


async def _engagement(request: Request) -> Engagement:
    user = permitted(request, Action.FILE_SUBMISSIONS)
    engagement = await visible_row(Engagement, user, request.path_params["engagement_id"])
    await engagement.fetch_related("case", "detainee__facility")
    return engagement


async def _new_page(
    request: Request,
    engagement: Engagement,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    mine = await Submission.filter(engagement_id=engagement.id)
    context = {
        "engagement": engagement,
        "kinds": [k.value for k in SubmissionKind],
        "submissions": mine,
        "zone": engagement.detainee.facility.timezone,
        "max_files": MAX_ATTACHMENTS,
        "values": values,
        "errors": errors,
    }
    return _render(request, "submissions/new.html", context, status)


async def new_submission_page(request: Request) -> Response:
    engagement = await _engagement(request)
    return await _new_page(request, engagement, {"kind": SubmissionKind.OPINION.value}, {})


async def file_submission(request: Request) -> Response:
    engagement = await _engagement(request)
    settings = request.app.state.settings
    limit: int = settings.uploads.max_bytes
    form = await checked_form(request)
    values = text_values(form, ("kind", "text"))
    try:
        files = [
            (upload.filename, await upload.read(limit + 1))
            for upload in form.getlist("files")
            if isinstance(upload, UploadFile) and upload.filename
        ]
        command = build(
            FileSubmission,
            case_id=engagement.case_id,
            engagement_id=engagement.id,
            text=values["text"],
            **_given(kind=values["kind"]),
        )
        submission = await filing.file_submission(
            request.state.user, command, files, await request.app.state.law.context(),
            root=document_root(settings.data_dir), max_bytes=limit,
            public_url=settings.app.public_url,
        )  # fmt: skip
    except DomainError as exc:
        errors = every_form_error(exc, NEW_FIELDS)
        return await _new_page(request, engagement, values, errors, exc.status)
    finally:
        await form.close()
    return RedirectResponse(f"/submissions/{submission.id}/receipt", status_code=303)


async def _submission(request: Request, action: Action) -> Submission:
    user = permitted(request, action)
    return await visible_row(Submission, user, request.path_params["submission_id"])


async def _detail(
    request: Request,
    submission: Submission,
    errors: dict[str, str] | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    user = request.state.user
    await submission.fetch_related("case", "lawyer")
    content = submissions.sees_content(user)
    attachments = await SubmissionAttachment.filter(submission_id=submission.id) if content else []
    context = {
        "s": submission,
        "content": content,
        "attachments": attachments,
        "zone": submission.timezone,
        "handles": user.role == "investigator",
        "overdue": _overdue(submission),
        "errors": errors or {},
        "values": values or {},  # what the handling forms were sent, "<step>_<field>"
    }
    return _render(request, "submissions/detail.html", context, status)


def _overdue(s: Submission) -> bool:
    return s.due_at is not None and s.decided_at is None and s.due_at < clock.now()


async def submission_page(request: Request) -> Response:
    return await _detail(request, await _submission(request, Action.VIEW_SUBMISSIONS))


async def receipt_page(request: Request) -> Response:
    submission = await _submission(request, Action.VIEW_SUBMISSIONS)
    if not submissions.sees_content(request.state.user):
        raise NotFound("submission")  # auditors see statuses, never the fingerprinted content
    await submission.fetch_related("case", "lawyer")
    attachments = await SubmissionAttachment.filter(submission_id=submission.id)
    entry = await receipts.entry_for("submission.filed", "submission", submission.id)
    # Ready once a signed tree head holds the filing (the worker signs every few minutes).
    proof = await receipts.receipt_for(entry) if entry else None
    context = {
        "s": submission,
        "attachments": attachments,
        "zone": submission.timezone,
        "proof_qr": qr_svg(to_code(proof), gettext(_("The proof, as a code"))) if proof else None,
        "sign_minutes": request.app.state.settings.audit.checkpoint_minutes,
    }
    return _render(request, "submissions/receipt.html", context)


async def _handle(request: Request, step: str) -> Response:
    submission = await _submission(request, Action.HANDLE_SUBMISSIONS)
    form = await checked_form(request)
    user = request.state.user
    public_url = request.app.state.settings.app.public_url
    names = {"attach": ("file_reference",), "decide": ("decision", "reasons", "day", "clock")}
    values = text_values(form, names.get(step, ()))
    try:
        if step == "acknowledge":
            command = build(AcknowledgeSubmission, submission_id=submission.id)
            await handling.acknowledge_submission(user, command, public_url=public_url)
        elif step == "attach":
            attach = build(
                AttachOpinionToFile,
                submission_id=submission.id,
                file_reference=values["file_reference"],
            )
            await handling.attach_opinion_to_file(user, attach, public_url=public_url)
        else:
            decide = _decision(submission, values)
            await handling.decide_application(user, decide, public_url=public_url)
    except DomainError as exc:
        fields = {"attach": ("file_reference",), "decide": DECIDE_FIELDS}.get(step, ())
        errors = {f"{step}_{k}": v for k, v in every_form_error(exc, fields).items()}
        kept = {f"{step}_{k}": v for k, v in values.items()}
        return await _detail(request, submission, errors, exc.status, kept)
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)


def _decision(submission: Submission, values: dict[str, str]) -> DecideApplication:
    """The decide form as the command; the time's fault and the command's, reported at once."""
    problems: list[DomainError] = []
    when = None
    if values["day"] or values["clock"]:
        when = attempt(
            problems, local_datetime, values["day"], values["clock"], submission.timezone,
            "decided_at",
        )  # fmt: skip
    try:
        command = build(
            DecideApplication,
            submission_id=submission.id,
            reasons=values["reasons"],
            decided_at=when,
            **_given(decision=values["decision"]),
        )
    except DomainError as exc:
        raise together([*problems, exc]) from None
    raise_all(problems)
    return command


async def acknowledge(request: Request) -> Response:
    return await _handle(request, "acknowledge")


async def attach(request: Request) -> Response:
    return await _handle(request, "attach")


async def decide(request: Request) -> Response:
    return await _handle(request, "decide")


async def task_list(request: Request) -> Response:
    user = permitted(request, Action.HANDLE_SUBMISSIONS)
    tasks = await submissions.open_tasks(user).select_related("case").order_by("due_at", "id")
    rows = [(s, _overdue(s)) for s in tasks]
    # Story 12: the notices the agency owes (N1 charges, N6/N7 family) on the same list.
    context = await request.app.state.law.context()
    now = clock.now()
    notices = [(t, t.due_at <= now) for t in await owed_notices(user, context)]
    # Story 13: a supervisor sees every overdue task of the agency, whoever holds it.
    supervising = is_supervisor(user)
    overdue = await agency_overdue(user.agency_id or 0, context, now) if supervising else None
    return _render(request, "submissions/tasks.html",
                   {"rows": rows, "notices": notices, "overdue": overdue, "now": now})  # fmt: skip


routes = [
    Route("/clients/{engagement_id:int}/submissions", new_submission_page, methods=["GET"]),
    Route("/clients/{engagement_id:int}/submissions", file_submission, methods=["POST"]),
    Route("/submissions/{submission_id:int}", submission_page, methods=["GET"]),
    Route("/submissions/{submission_id:int}/receipt", receipt_page, methods=["GET"]),
    Route("/submissions/{submission_id:int}/acknowledge", acknowledge, methods=["POST"]),
    Route("/submissions/{submission_id:int}/attach", attach, methods=["POST"]),
    Route("/submissions/{submission_id:int}/decide", decide, methods=["POST"]),
    Route("/tasks/submissions", task_list, methods=["GET"]),
]
