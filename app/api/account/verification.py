"""The /api/v1 endpoints of licence verification against a bar association's register:
import the register, compare a pending lawyer with it, refuse, and the flagged licences."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from app.accounts import policy
from app.accounts.licence_register import MAX_REGISTER_BYTES, RegisterMatch, RegisterStatus
from app.accounts.models import User
from app.accounts.policy import Action
from app.accounts.register_import import ImportReport, import_register
from app.accounts.roles import Role
from app.accounts.verification import clear_licence_flag, register_match
from app.api.account.models import UserOut
from app.api.framework import FILE, Endpoint, FormField
from app.errors import DomainError
from app.orgs.models import BarAssociation
from notifications.account_notices import refuse_lawyer_and_notify


class RegistrationRefusalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: str = Field(min_length=1, max_length=500, description="What the lawyer is told")


class RegisterMatchOut(BaseModel):
    found: bool
    practising: bool
    name_matches: bool
    firm_matches: bool
    verifiable: bool
    problem: str | None = Field(description="Why verification would be refused, if it would")
    register_name: str
    register_firm: str
    register_status: RegisterStatus | None


class ImportLineOut(BaseModel):
    line: int
    licence_number: str
    outcome: Literal["added", "changed", "unchanged", "refused"]
    detail: list[str] = Field(description="Changed fields, or the reason a line was refused")


class FlaggedOut(BaseModel):
    user_id: int
    display_name: str
    licence_number: str
    flag: str


class ImportReportOut(BaseModel):
    bar_association: str
    counts: dict[str, int]
    lines: list[ImportLineOut]
    removed: list[str]
    flagged: list[FlaggedOut]


class FlaggedLawyerOut(UserOut):
    licence_flag: str


def match_out(match: RegisterMatch) -> RegisterMatchOut:
    return RegisterMatchOut(
        found=match.found, practising=match.practising, name_matches=match.name_matches,
        firm_matches=match.firm_matches, verifiable=match.verifiable, problem=match.problem,
        register_name=match.register_name, register_firm=match.register_firm,
        register_status=match.register_status)  # fmt: skip


def report_out(report: ImportReport) -> ImportReportOut:
    return ImportReportOut(
        bar_association=report.bar_association,
        counts=report.counts,
        lines=[ImportLineOut.model_validate(vars(line)) for line in report.lines],
        removed=report.removed,
        flagged=[FlaggedOut(**vars(flag)) for flag in report.flagged],
    )


async def _bar_for(user: User, raw_id: object) -> BarAssociation:
    """An auditor imports their own bar's register; an admin names the bar association."""
    if user.role == Role.BAR_AUDITOR and user.bar_association_id is not None:
        return await BarAssociation.get(id=user.bar_association_id)
    if not isinstance(raw_id, str) or not raw_id.isdigit():
        raise DomainError("required", "bar_association_id", 422)
    bar = await BarAssociation.get_or_none(id=int(raw_id))
    if bar is None:
        raise policy.NotFound("bar_association")
    return bar


async def import_register_endpoint(request: Request, user: User) -> ImportReportOut:
    form = await request.form(max_part_size=MAX_REGISTER_BYTES + 1)
    upload = form.get("register")
    if upload is None or isinstance(upload, str):
        raise DomainError("required", "register", 422)
    bar = await _bar_for(user, form.get("bar_association_id"))
    data = await upload.read(MAX_REGISTER_BYTES + 1)
    return report_out(await import_register(user, bar, data))


async def get_register_match(user: User, user_id: int) -> RegisterMatchOut:
    lawyer = await policy.pending_lawyer_for(user, user_id)
    return match_out(await register_match(lawyer))


async def refuse_lawyer(
    request: Request, user: User, user_id: int, body: RegistrationRefusalIn
) -> UserOut:
    lawyer = await policy.pending_lawyer_for(user, user_id)
    public_url = request.app.state.settings.app.public_url
    refused = await refuse_lawyer_and_notify(user, lawyer, body.reason, public_url)
    return UserOut.model_validate(refused, from_attributes=True)


async def list_flagged_lawyers(user: User) -> list[FlaggedLawyerOut]:
    flagged = await policy.flagged_lawyers_in_scope(user)
    return [FlaggedLawyerOut.model_validate(u, from_attributes=True) for u in flagged]


async def clear_flag(user: User, user_id: int) -> FlaggedLawyerOut:
    lawyer = await policy.flagged_lawyer_for(user, user_id)
    cleared = await clear_licence_flag(user, lawyer)
    return FlaggedLawyerOut.model_validate(cleared, from_attributes=True)


P = "/api/v1"
V = "verification"
VERIFICATION_ENDPOINTS: list[Endpoint] = [
    Endpoint("POST", f"{P}/licence-register", import_register_endpoint,
             "Import the bar association's register (CSV: licence number, name, firm, status)",
             V, Action.VERIFY_LAWYERS, response=ImportReportOut, errors=(404, 422),
             multipart=(
                 FormField("register", FILE),
                 FormField("bar_association_id", {"type": "string", "pattern": "^[0-9]{1,15}$"},
                           required=False),  # admins name the bar; an auditor imports their own
             )),
    Endpoint("GET", f"{P}/lawyers/{{user_id:int}}/register-match", get_register_match,
             "How a pending lawyer's licence, name and firm compare with the register",
             V, Action.VERIFY_LAWYERS, response=RegisterMatchOut, errors=(404,)),
    Endpoint("POST", f"{P}/lawyers/{{user_id:int}}/refuse", refuse_lawyer,
             "Refuse a pending registration with a reason (the lawyer is told)",
             V, Action.VERIFY_LAWYERS, body=RegistrationRefusalIn, response=UserOut, errors=(404,)),
    Endpoint("GET", f"{P}/lawyers/flagged", list_flagged_lawyers,
             "Verified lawyers whose licence the register no longer backs",
             V, Action.VERIFY_LAWYERS, response=FlaggedLawyerOut, list_response=True),
    Endpoint("POST", f"{P}/lawyers/{{user_id:int}}/clear-flag", clear_flag,
             "Mark a flagged licence as dealt with", V, Action.VERIFY_LAWYERS,
             response=FlaggedLawyerOut, errors=(404,)),
]  # fmt: skip
