"""Receipts anyone can check: the public /verify page (no login), and the proof of a defence
submission's filing as a receipt file (app.audit.receipt says what it proves)."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.models import Model

from app.accounts.policy import Action, NotFound
from app.accounts.scopes import visible_row
from app.audit import receipts, signing
from app.audit.receipt import Receipt, ReceiptError, check, read
from app.presentation.messages import message
from app.web.auth import permitted, signed_in
from app.web.compliance.audit_log import public_key
from app.web.csrf import checked_form
from rights_checklist import submissions
from rights_checklist.models import Complaint, Submission
from scheduling.models import Meeting, MeetingRequest

MAX_RECEIPT = 20_000  # characters: a receipt is a few kilobytes


def _render(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    key = public_key(request)
    zone = ZoneInfo(request.app.state.settings.i18n.timezone)
    values = {"log_key": key.verifier() if key else "", "zone": zone, **context}
    page: Response = request.app.state.templates.render(request, "verify.html", values, status)
    return page


async def verify_page(request: Request) -> Response:
    return _render(request, {"values": {}})


def _key(text: str, request: Request) -> signing.PublicKey:
    if text:
        try:
            return signing.PublicKey.from_verifier(text)
        except signing.NoteError:
            raise ReceiptError("receipt_key_unreadable") from None
    key = public_key(request)
    if key is None:
        raise ReceiptError("receipt_key_unreadable")
    return key


async def verify_receipt(request: Request) -> Response:
    form = await checked_form(request)
    values = {name: str(form.get(name, "")).strip()[:MAX_RECEIPT] for name in ("receipt", "key")}
    try:
        proven = check(read(values["receipt"]), _key(values["key"], request))
    except ReceiptError as refused:
        return _render(request, {"values": values, "error": message(refused.code)}, 422)
    return _render(request, {"values": values, "proven": proven})


# Who may have each proof: whoever may see the record (its scope, app.accounts.scopes).
_RECORDS: dict[str, tuple[type[Model], Action]] = {
    "submission": (Submission, Action.VIEW_SUBMISSIONS),
    "complaint": (Complaint, Action.VIEW_COMPLAINTS),
    "meeting-request": (MeetingRequest, Action.VIEW_MEETINGS),
    "permission": (MeetingRequest, Action.VIEW_MEETINGS),
    "refusal": (MeetingRequest, Action.VIEW_MEETINGS),
    "booking": (Meeting, Action.VIEW_MEETINGS),
}


def _download(found: Receipt, name: str) -> Response:
    body = json.dumps(found.model_dump(mode="json"), ensure_ascii=False, indent=1)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _proof(request: Request, kind: str, record_id: int) -> Response:
    """A filing's or decision's proof, for whoever may see the record, once a head holds it."""
    signed_in(request)  # a visitor signs in first, whatever the address names
    if kind not in _RECORDS:
        raise NotFound("receipt")
    model, action = _RECORDS[kind]
    user = permitted(request, action)
    record = await visible_row(model, user, record_id)
    if kind == "submission" and not submissions.sees_content(user):
        raise NotFound("submission")  # auditors see statuses, never the fingerprinted content
    audit_action, object_type = receipts.PROOFS[kind]
    entry = await receipts.entry_for(audit_action, object_type, record.pk)
    found = await receipts.receipt_for(entry) if entry else None
    if found is None:
        raise NotFound("receipt")
    return _download(found, f"lawmeet-proof-{kind}-{record.pk}.json")


async def proof_file(request: Request) -> Response:
    return await _proof(request, request.path_params["kind"], request.path_params["record_id"])


async def submission_receipt_file(request: Request) -> Response:
    """The proof that a submission was filed (the address its receipt page links to)."""
    return await _proof(request, "submission", request.path_params["submission_id"])


routes = [
    Route("/verify", verify_page, methods=["GET"]),
    Route("/verify", verify_receipt, methods=["POST"]),
    Route(
        "/submissions/{submission_id:int}/receipt.json", submission_receipt_file, methods=["GET"]
    ),
    Route("/proofs/{kind}/{record_id:int}.json", proof_file, methods=["GET"]),
]
