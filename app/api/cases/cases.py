"""/api/v1 endpoints of the case registry: the API twins of the case pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from app.accounts.models import User
from app.accounts.policy import Action
from app.accounts.scopes import visible, visible_row
from app.api.cases.case_models import (
    AdmissionCreate,
    CaseChoice,
    CaseCreate,
    CaseOut,
    DetaineeLookup,
    DetaineeOut,
    DocumentOut,
    DocumentReviewIn,
    EngagementCreate,
    EngagementCreated,
    EngagementOut,
    EngagementWarning,
    EventCreate,
    EventOut,
    InvestigatorsAssign,
    LookupOut,
    TerminationIn,
)
from app.api.cases.case_presenters import (
    case_out,
    cases_out,
    document_out,
    engagement_out,
    engagements_out,
    event_out,
)
from app.api.framework import FILE, Endpoint, FormField, choice
from app.cases import access, engagements, reading, services
from app.cases.kinds import DocumentKind
from app.cases.models import (
    Case,
    Detainee,
    Engagement,
    EngagementDocument,
)
from app.cases.recording import RecordCaseEvent
from app.cases.storage import ACCEPTED, document_root
from app.commands import build
from app.errors import DomainError
from app.presentation.conflict_labels import co_defendant_warning
from rights_checklist import case_events, case_notices
from scheduling import document_checks

P = "/api/v1"


async def list_cases(user: User) -> list[CaseOut]:
    return await cases_out(user, list(await visible(Case, user)))


async def open_case(user: User, body: CaseCreate) -> CaseOut:
    detainee = services.NewDetainee(**body.detainee.model_dump())
    new = services.NewCase(
        body.case_number, body.category, body.suspected_charges, detainee, body.investigator_ids
    )
    return await case_out(user, await services.open_case(user, new))


async def get_case(user: User, case_id: int) -> CaseOut:
    return await case_out(user, await visible_row(Case, user, case_id))


async def _own_engagement(user: User, case: Case) -> Engagement | None:
    return await Engagement.filter(lawyer_id=user.id, case_id=case.id).order_by("-id").first()


async def list_events(user: User, case_id: int) -> list[EventOut]:
    case = await visible_row(Case, user, case_id)
    engagement = await _own_engagement(user, case) if user.role == "lawyer" else None
    return [event_out(user, e) for e in await access.timeline_for(user, case, engagement)]


async def record_event(request: Request, user: User, case_id: int, body: EventCreate) -> EventOut:
    command = build(RecordCaseEvent, case_id=case_id, **body.model_dump(exclude_none=True))
    event = await case_events.record_case_event(
        user, command, await request.app.state.law.context(),
        public_url=request.app.state.settings.app.public_url,
    )  # fmt: skip
    return event_out(user, event)


async def assign_investigators(user: User, case_id: int, body: InvestigatorsAssign) -> CaseOut:
    case = await visible_row(Case, user, case_id)
    await services.assign_investigators(user, case, body.investigator_ids)
    return await case_out(user, case)


async def list_detainees(user: User) -> list[DetaineeOut]:
    return [
        DetaineeOut(
            id=d.id,
            name=d.name if access.sees_notes(user) else None,
            id_number=services.mask_id_number(d.id_number) if access.sees_notes(user) else None,
            facility_id=d.facility_id,
            custody_status=d.custody_status,
            admitted_at=d.admitted_at,
        )
        for d in await visible(Detainee, user)
    ]


async def get_detainee(user: User, detainee_id: int) -> DetaineeOut:
    detainee = await visible_row(Detainee, user, detainee_id)
    number = await reading.identity_number_for(user, detainee) if access.sees_notes(user) else None
    return DetaineeOut(
        id=detainee.id,
        name=detainee.name if access.sees_notes(user) else None,
        id_number=number,
        facility_id=detainee.facility_id,
        custody_status=detainee.custody_status,
        admitted_at=detainee.admitted_at,
    )


async def admit_detainee(user: User, body: AdmissionCreate) -> DetaineeOut:
    if user.facility_id is None:
        raise DomainError("facility_not_yours", "facility_id", 403)
    new = services.NewDetainee(body.name, body.id_number, user.facility_id, body.admitted_at)
    return await get_detainee(user, (await services.admit_detainee(user, new)).id)


async def look_up_detainee(user: User, body: DetaineeLookup) -> LookupOut:
    found = await engagements.find_detainee(user, body.facility_id, body.name, body.id_number)
    return LookupOut(
        detainee_id=found.detainee.id,
        name=found.detainee.name,
        cases=[
            CaseChoice(id=c.id, case_number=c.case_number, agency_name=c.agency.name)
            for c in found.cases
        ],
    )


async def start_engagement(
    user: User, body: EngagementCreate, request: Request
) -> EngagementCreated:
    found = await engagements.find_detainee(user, body.facility_id, body.name, body.id_number)
    policy = request.app.state.settings.legal.co_defendant_conflict
    engagement = await engagements.start_engagement(
        user, found, body.case_id, body.kind, conflict_policy=policy
    )
    warnings = [
        EngagementWarning(
            code=engagements.CO_DEFENDANT_CONFLICT,
            message=co_defendant_warning([facts], policy),
            **facts,
        )
        for facts in (c.facts() for c in await engagements.conflicts_of(engagement))
    ]
    out = await engagement_out(user, engagement)
    return EngagementCreated(**out.model_dump(), warnings=warnings)


async def list_engagements(user: User) -> list[EngagementOut]:
    return await engagements_out(user, list(await visible(Engagement, user)))


async def get_engagement(user: User, engagement_id: int) -> EngagementOut:
    return await engagement_out(user, await visible_row(Engagement, user, engagement_id))


async def upload_document(user: User, engagement_id: int, request: Request) -> DocumentOut:
    engagement = await visible_row(Engagement, user, engagement_id)
    settings = request.app.state.settings
    form = await request.form(max_part_size=settings.uploads.max_bytes + 1)
    upload, kind = form.get("file"), str(form.get("kind", ""))
    if isinstance(upload, str) or upload is None:
        raise DomainError("required", "file")
    if kind not in {k.value for k in DocumentKind}:
        raise DomainError("document_not_required", "kind")
    data = await upload.read(settings.uploads.max_bytes + 1)
    document = await engagements.upload_document(
        user,
        engagement,
        DocumentKind(kind),
        upload.filename or "",
        data,
        document_root(settings.data_dir),
        settings.uploads.max_bytes,
    )
    return document_out(document)


async def send_notice(user: User, engagement_id: int) -> EngagementOut:
    engagement = await visible_row(Engagement, user, engagement_id)
    await engagements.send_engagement_notice(user, engagement)
    return await engagement_out(user, engagement)


async def review_document(
    user: User, document_id: int, body: DocumentReviewIn, request: Request
) -> EngagementOut:
    document = await visible_row(EngagementDocument, user, document_id)
    context = await request.app.state.law.context()
    engagement = await document_checks.review_document(
        user, document, body.accept, body.note, policies=context.policies,
        calendar=context.calendar, notices=request.app.state.notices,
    )  # fmt: skip
    return await engagement_out(user, engagement)


async def record_termination(
    request: Request, user: User, engagement_id: int, body: TerminationIn
) -> EngagementOut:
    engagement = await visible_row(Engagement, user, engagement_id)
    settings = request.app.state.settings
    await case_notices.terminate_engagement(
        user, engagement, body.received_at, body.note,
        context=await request.app.state.law.context(), public_url=settings.app.public_url,
    )  # fmt: skip
    return await engagement_out(user, engagement)


async def download_document(user: User, document_id: int, request: Request) -> Response:
    document, path = await reading.open_document(
        user, document_id, request.app.state.settings.data_dir
    )
    return FileResponse(
        path,
        media_type=document.content_type,
        filename=document.original_name,
        content_disposition_type="attachment",
    )


def _ep(
    method: str, path: str, handler: object, summary: str, tag: str, action: Action, **kw: object
) -> Endpoint:
    return Endpoint(method, P + path, handler, summary, tag, action, **kw)  # type: ignore[arg-type]


CASE_ENDPOINTS: list[Endpoint] = [
    _ep(
        "GET",
        "/cases",
        list_cases,
        "Cases in my scope",
        "cases",
        Action.VIEW_CASES,
        response=CaseOut,
        list_response=True,
    ),
    _ep(
        "POST",
        "/cases",
        open_case,
        "Open a case of my agency",
        "cases",
        Action.OPEN_CASES,
        body=CaseCreate,
        response=CaseOut,
        status=201,
        errors=(409,),
    ),
    _ep(
        "GET",
        "/cases/{case_id:int}",
        get_case,
        "One case",
        "cases",
        Action.VIEW_CASES,
        response=CaseOut,
        errors=(404,),
    ),
    _ep(
        "GET",
        "/cases/{case_id:int}/events",
        list_events,
        "The case timeline I may read",
        "cases",
        Action.VIEW_CASES,
        response=EventOut,
        list_response=True,
        errors=(404,),
    ),
    _ep(
        "POST",
        "/cases/{case_id:int}/events",
        record_event,
        "Record a case event (corrections are new events)",
        "cases",
        Action.RECORD_CASE_EVENTS,
        body=EventCreate,
        response=EventOut,
        status=201,
        errors=(404,),
    ),
    _ep(
        "POST",
        "/cases/{case_id:int}/investigators",
        assign_investigators,
        "Assign investigators of my agency",
        "cases",
        Action.OPEN_CASES,
        body=InvestigatorsAssign,
        response=CaseOut,
        errors=(404,),
    ),
    _ep(
        "GET",
        "/detainees",
        list_detainees,
        "Detainees in my scope",
        "detainees",
        Action.VIEW_DETAINEES,
        response=DetaineeOut,
        list_response=True,
    ),
    _ep(
        "POST",
        "/detainees",
        admit_detainee,
        "Register an admission at my facility",
        "detainees",
        Action.ADMIT_DETAINEES,
        body=AdmissionCreate,
        response=DetaineeOut,
        status=201,
    ),
    _ep(
        "GET",
        "/detainees/{detainee_id:int}",
        get_detainee,
        "One detainee (viewing the identity number is audited)",
        "detainees",
        Action.VIEW_DETAINEES,
        response=DetaineeOut,
        errors=(404,),
    ),
    _ep(
        "POST",
        "/detainee-lookups",
        look_up_detainee,
        "Find my client by facility, exact name and full document number (throttled)",
        "engagements",
        Action.ENGAGE_CLIENTS,
        body=DetaineeLookup,
        response=LookupOut,
        errors=(404, 429),
    ),
    _ep(
        "GET",
        "/engagements",
        list_engagements,
        "Engagements in my scope",
        "engagements",
        Action.VIEW_ENGAGEMENTS,
        response=EngagementOut,
        list_response=True,
    ),
    _ep(
        "POST",
        "/engagements",
        start_engagement,
        "Start an engagement for a client",
        "engagements",
        Action.ENGAGE_CLIENTS,
        body=EngagementCreate,
        response=EngagementCreated,
        status=201,
        errors=(404, 409, 429),
    ),
    _ep(
        "GET",
        "/engagements/{engagement_id:int}",
        get_engagement,
        "One engagement",
        "engagements",
        Action.VIEW_ENGAGEMENTS,
        response=EngagementOut,
        errors=(404,),
    ),
    _ep(
        "POST",
        "/engagements/{engagement_id:int}/documents",
        upload_document,
        "Upload one of the three documents (PDF, JPEG or PNG)",
        "engagements",
        Action.ENGAGE_CLIENTS,
        response=DocumentOut,
        status=201,
        errors=(404, 413, 415, 422),
        multipart=(FormField("kind", choice(DocumentKind)), FormField("file", FILE)),
    ),
    _ep(
        "POST",
        "/engagements/{engagement_id:int}/notice",
        send_notice,
        "Send the engagement notice to the agency (CPL 34(4))",
        "engagements",
        Action.ENGAGE_CLIENTS,
        response=EngagementOut,
        errors=(404, 409),
    ),
    _ep(
        "POST",
        "/engagements/{engagement_id:int}/termination",
        record_termination,
        "Record the client's written termination (starts duty N5)",
        "engagements",
        Action.RECORD_TERMINATIONS,
        body=TerminationIn,
        response=EngagementOut,
        errors=(404, 409),
    ),
    _ep(
        "GET",
        "/documents/{document_id:int}",
        download_document,
        "Download a document (viewing is audited)",
        "engagements",
        Action.DOWNLOAD_DOCUMENTS,
        file_response=tuple(dict.fromkeys(kind for kind, _magic in ACCEPTED.values())),
        errors=(404,),
    ),
    _ep(
        "POST",
        "/documents/{document_id:int}/review",
        review_document,
        "Accept or reject a document (staff of the client's facility)",
        "engagements",
        Action.REVIEW_DOCUMENTS,
        body=DocumentReviewIn,
        response=EngagementOut,
        errors=(404,),
    ),
]
