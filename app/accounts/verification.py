"""Licence verification: a bar auditor compares a pending lawyer with the register, then
verifies (the account becomes active) or refuses with a reason. Each decision is audited."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.licence_register import RegisterMatch, compare
from app.accounts.models import LicenceRegisterEntry, User
from app.accounts.policy import Action, require
from app.accounts.roles import AccountStatus, Role
from app.accounts.services import AccountError
from app.audit.service import record
from app.orgs.regions import in_jurisdiction

MAX_REASON = 500


class VerificationError(AccountError):
    def __init__(self, code: str, field: str | None = None, status: int = 409) -> None:
        super().__init__(code, field)
        self.status = status


async def register_entries_for(lawyers: list[User]) -> dict[int, LicenceRegisterEntry | None]:
    """Each lawyer's register line (one query for all), from the bar association whose
    jurisdiction is the narrowest that covers the licence (a city's register before its
    province's)."""
    numbers = {lawyer.licence_number for lawyer in lawyers if lawyer.licence_number}
    entries = await LicenceRegisterEntry.filter(licence_number__in=numbers).prefetch_related(
        "bar_association"
    )
    found: dict[int, LicenceRegisterEntry | None] = {}
    for lawyer in lawyers:
        covering = [
            e for e in entries
            if e.licence_number == lawyer.licence_number
            and in_jurisdiction(lawyer.region_code, e.bar_association.jurisdiction)
        ]  # fmt: skip
        covering.sort(key=lambda e: len(e.bar_association.jurisdiction.rstrip("0")), reverse=True)
        found[lawyer.id] = covering[0] if covering else None
    return found


def match_of(lawyer: User, entry: LicenceRegisterEntry | None) -> RegisterMatch:
    found = None if entry is None else (entry.name, entry.law_firm, entry.status)
    return compare(lawyer.display_name, lawyer.law_firm, found)


async def register_match(lawyer: User) -> RegisterMatch:
    return match_of(lawyer, (await register_entries_for([lawyer]))[lawyer.id])


async def register_matches(lawyers: list[User]) -> dict[int, RegisterMatch]:
    entries = await register_entries_for(lawyers)
    return {lawyer.id: match_of(lawyer, entries[lawyer.id]) for lawyer in lawyers}


def _pending(actor: User, lawyer: User) -> None:
    require(actor, Action.VERIFY_LAWYERS)
    if lawyer.role != Role.LAWYER or lawyer.status != AccountStatus.PENDING:
        raise VerificationError("not_pending", status=400)


async def verify_lawyer(actor: User, lawyer: User) -> User:
    """Activate a pending lawyer whose licence the register shows practising, under the same
    name. Without such a line there is nothing to verify against: refuse instead."""
    _pending(actor, lawyer)
    problem = (await register_match(lawyer)).problem
    if problem is not None:
        raise VerificationError(problem)
    async with in_transaction():
        lawyer.status = AccountStatus.ACTIVE
        lawyer.verified_by_id = actor.id
        lawyer.verified_at = clock.now()
        lawyer.licence_flag, lawyer.licence_flagged_at = "", None
        fields = ["status", "verified_by_id", "verified_at", "licence_flag", "licence_flagged_at"]
        await lawyer.save(update_fields=[*fields, "updated_at"])
        await record(actor, "lawyer.verified", "user", lawyer.id, {})
    return lawyer


async def refuse_lawyer(actor: User, lawyer: User, reason: str) -> User:
    """Refuse a pending registration; the reason is what the lawyer reads."""
    _pending(actor, lawyer)
    reason = " ".join(reason.split())
    if not reason:
        raise VerificationError("refusal_reason_required", "reason", 400)
    if len(reason) > MAX_REASON:
        raise VerificationError("refusal_reason_too_long", "reason", 400)
    async with in_transaction():
        lawyer.status = AccountStatus.REFUSED
        lawyer.refusal_reason = reason
        await lawyer.save(update_fields=["status", "refusal_reason", "updated_at"])
        await record(actor, "lawyer.refused", "user", lawyer.id, {"reason": reason})
    return lawyer


async def clear_licence_flag(actor: User, lawyer: User) -> User:
    """The auditor has dealt with a flagged licence (checked it, or disabled the account)."""
    require(actor, Action.VERIFY_LAWYERS)
    if not lawyer.licence_flag:
        raise VerificationError("licence_not_flagged", status=400)
    async with in_transaction():
        flag = lawyer.licence_flag
        lawyer.licence_flag, lawyer.licence_flagged_at = "", None
        await lawyer.save(update_fields=["licence_flag", "licence_flagged_at", "updated_at"])
        await record(actor, "lawyer.licence_flag_cleared", "user", lawyer.id, {"flag": flag})
    return lawyer
