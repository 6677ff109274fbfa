"""Complaint pages: a lawyer's complaints and the new-complaint form (pre-filled from
?case_id=&type=&duty=, the checklist's "complain about this" link, or ?meeting= from a meeting
page: "this meeting was monitored or recorded"); a bar auditor's list of
the jurisdiction's complaints and the reply form.
The API (app.api.submissions) calls the same services."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action
from app.accounts.scopes import visible, visible_row
from app.audit import receipts
from app.cases.models import Case, Engagement
from app.errors import DomainError, together
from app.presentation.i18n import current_locale, gettext
from app.presentation.submission_labels import JINJA_LABELS
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.forms import (
    attempt,
    every_form_error,
    int_list,
    int_or_none,
    local_datetime,
    text_values,
)
from notifications.wording import local_time, notice_span
from rights_checklist import complaints
from rights_checklist.kinds import (
    ADDRESSEES,
    C2_TYPES,
    ComplaintBody,
    ComplaintOutcome,
    ComplaintType,
)
from rights_checklist.models import Complaint

NEW_FIELDS = ("case_id", "complaint_type", "addressed_to", "copied_to", "description")
REPLY_FIELDS = ("reply_at", "summary", "outcome")


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return case_views.render(request, name, {**JINJA_LABELS, **context}, status)


def _overdue(c: Complaint) -> bool:
    return c.reply_at is None and c.due_at < clock.now()


async def complaint_list(request: Request) -> Response:
    user = permitted(request, Action.VIEW_COMPLAINTS)
    items = await visible(Complaint, user).select_related("case")
    rows = [(c, _overdue(c)) for c in items]
    files = user.role == "lawyer"
    return _render(request, "complaints/list.html", {"rows": rows, "files": files})


async def _new_page(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    user = request.state.user
    engagements = await visible(Engagement, user).select_related("case", "detainee")
    context = {
        "values": values,
        "errors": errors,
        "cases": {e.case_id: e for e in engagements},
        "types": [t.value for t in ComplaintType],
        "bodies": [b.value for b in ComplaintBody],
    }
    return _render(request, "complaints/new.html", context, status)


OCCURRENCE = re.compile(r"[a-z_]+:\d+(/[a-z_]+:\d+)?")  # as in rights_checklist DutyResult


def _meeting_facts(facts: complaints.MeetingBreachFacts) -> str:
    """Story 7: the facts of a meeting not arranged within 48 hours, in the lawyer's words."""
    language = current_locale.get()

    def at(moment: datetime) -> str:
        return local_time(moment, facts.timezone, language)

    text = gettext(
        "On %(asked)s I asked %(facility)s for a meeting with my detained client, presenting "
        "my practising certificate, my law firm's letter and the power of attorney. Under "
        "Article 39 of the Criminal Procedure Law the detention centre must arrange the meeting "
        "within 48 hours at the latest."
    ) % {"asked": at(facts.requested_at), "facility": facts.facility_name}
    if facts.deadline_at is not None:
        text += gettext(" The meeting was due by %(deadline)s.") % {
            "deadline": at(facts.deadline_at)
        }
    if facts.meeting_at is not None:
        text += gettext(" The centre arranged it only for %(meeting)s.") % {
            "meeting": at(facts.meeting_at)
        }
    else:
        text += gettext(" As of %(now)s the meeting has still not been arranged.") % {
            "now": at(clock.now())
        }
    return text


def _monitored_facts(facts: complaints.MonitoredMeetingFacts) -> str:
    """A meeting the lawyer believes was monitored or recorded (CPL 39(4)), in her words, for
    her to add what she observed."""
    language = current_locale.get()
    span = notice_span(facts.starts_at, facts.ends_at, facts.timezone, language)
    text = gettext(
        "Meeting %(reference)s with my detained client at %(facility)s, room %(room)s, "
        "%(time)s."
    ) % {"reference": facts.reference, "facility": facts.facility_name, "room": facts.room_name,
         "time": span}  # fmt: skip
    if facts.video:
        text += gettext(" The meeting was held by video link.")
    return text + gettext(
        " I have reason to believe that the meeting was monitored or recorded, although a "
        "defence lawyer's meeting with a detained client is not monitored (Article 39(4) of "
        "the Criminal Procedure Law). What I observed: "
    )


async def _prefill(user: User, query: dict[str, str]) -> dict[str, str]:
    """Query parameters are only suggestions: unknown values are dropped, never trusted."""
    kind = query.get("type", "")
    values = {"addressed_to": ComplaintBody.PROCURATORATE.value, "description": ""}
    meeting_id = int_or_none(query.get("meeting"))
    if meeting_id is not None:  # from the meeting page: "this meeting was monitored"
        monitored = await complaints.monitored_meeting_facts(user, meeting_id)
        if monitored is not None:
            addressed, copied = ADDRESSEES["C1"]
            return {
                "case_id": str(monitored.case_id),
                "complaint_type": ComplaintType.MEETING_MONITORED.value,
                "addressed_to": addressed.value,
                "copied_to": copied.value if copied else "",
                "duty": "C1",
                "description": _monitored_facts(monitored),
            }
    values["case_id"] = query.get("case_id", "") if int_or_none(query.get("case_id")) else ""
    if kind in {t.value for t in ComplaintType}:
        values["complaint_type"] = kind
    elif query.get("duty") == "C2":
        values["complaint_type"] = next(iter(sorted(C2_TYPES))).value
    if query.get("duty") in ("C1", "C2"):
        values["duty"] = query["duty"]
    breached, occurrence = query.get("breached", ""), query.get("occurrence", "")
    if not (re.fullmatch(r"[A-Z]\d", breached) and OCCURRENCE.fullmatch(occurrence)):
        return values
    # From a breached duty on the rights checklist (story 7): the facts, for the lawyer to edit,
    # addressed as the law has it.
    if query.get("duty") in ADDRESSEES:
        addressed, copied = ADDRESSEES[query["duty"]]
        values["addressed_to"], values["copied_to"] = (
            addressed.value,
            copied.value if copied else "",
        )
    facts = await complaints.meeting_breach_facts(user, occurrence)
    if facts is not None:
        values["description"] = _meeting_facts(facts)
    else:
        values["description"] = gettext(
            "The rights checklist of this case shows duty %(duty)s (%(occurrence)s) as not met "
            "within its deadline."
        ) % {"duty": breached, "occurrence": occurrence}
    return values


async def new_complaint_page(request: Request) -> Response:
    user = permitted(request, Action.FILE_COMPLAINTS)
    return await _new_page(request, await _prefill(user, dict(request.query_params)), {})


async def file_complaint(request: Request) -> Response:
    user = permitted(request, Action.FILE_COMPLAINTS)
    form = await checked_form(request)
    values = text_values(form, NEW_FIELDS)
    try:
        problems: list[DomainError] = []  # every field at fault, at once
        case_id = int_or_none(values["case_id"])
        if case_id is None:
            problems.append(DomainError("required", "case_id"))
        else:
            await visible_row(Case, user, case_id)
        if values["complaint_type"] not in {t.value for t in ComplaintType}:
            problems.append(DomainError("required", "complaint_type"))
        bodies = {b.value for b in ComplaintBody}
        if values["addressed_to"] not in bodies:
            problems.append(DomainError("required", "addressed_to"))
        if values["copied_to"] not in bodies | {""}:
            problems.append(DomainError("copy_to_unknown", "copied_to"))
        if problems or case_id is None:  # and the description's own faults
            raise together([*problems, *complaints.description_problems(values["description"])])
        new = complaints.NewComplaint(
            case_id,
            ComplaintType(values["complaint_type"]),
            ComplaintBody(values["addressed_to"]),
            values["description"],
            int_list(form, "event_ids"),
            int_list(form, "submission_ids"),
            ComplaintBody(values["copied_to"]) if values["copied_to"] else None,
        )
        context = await request.app.state.law.context()
        complaint = await complaints.file_complaint(
            user, new, context, public_url=request.app.state.settings.app.public_url
        )
    except DomainError as exc:
        return await _new_page(request, values, every_form_error(exc, NEW_FIELDS), exc.status)
    return RedirectResponse(f"/complaints/{complaint.id}", status_code=303)


async def _detail(
    request: Request,
    complaint: Complaint,
    errors: dict[str, str],
    status: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    await complaint.fetch_related("case", "lawyer")
    context = {
        "c": complaint,
        "overdue": _overdue(complaint),
        "records_reply": request.state.user.role == "bar_auditor",
        "outcomes": [o.value for o in ComplaintOutcome],
        "errors": errors,
        "values": values or {},
        "proofs": await receipts.ready_proofs(complaint.id, "complaint"),
    }
    return _render(request, "complaints/detail.html", context, status)


async def complaint_page(request: Request) -> Response:
    user = permitted(request, Action.VIEW_COMPLAINTS)
    complaint = await visible_row(Complaint, user, request.path_params["complaint_id"])
    return await _detail(request, complaint, {})


async def record_reply(request: Request) -> Response:
    user = permitted(request, Action.RECORD_COMPLAINT_REPLIES)
    complaint = await visible_row(Complaint, user, request.path_params["complaint_id"])
    form = await checked_form(request)
    values = text_values(form, ("day", "clock", "summary", "outcome"))
    try:
        problems: list[DomainError] = []  # every field at fault, at once
        when = attempt(problems, local_datetime, values["day"], values["clock"], None, "reply_at")
        if values["outcome"] not in {o.value for o in ComplaintOutcome}:
            problems.append(DomainError("required", "outcome"))
        if problems or when is None:
            if not values["summary"]:
                problems.append(DomainError("required", "summary"))
            raise together(problems)
        await complaints.record_reply(
            user, complaint, when, values["summary"], ComplaintOutcome(values["outcome"]),
            public_url=request.app.state.settings.app.public_url,
        )  # fmt: skip
    except DomainError as exc:
        errors = every_form_error(exc, REPLY_FIELDS)
        return await _detail(request, complaint, errors, exc.status, values)
    return RedirectResponse(f"/complaints/{complaint.id}", status_code=303)


routes = [
    Route("/complaints", complaint_list, methods=["GET"]),
    Route("/complaints/new", new_complaint_page, methods=["GET"]),
    Route("/complaints", file_complaint, methods=["POST"]),
    Route("/complaints/{complaint_id:int}", complaint_page, methods=["GET"]),
    Route("/complaints/{complaint_id:int}/reply", record_reply, methods=["POST"]),
]
