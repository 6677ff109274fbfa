"""Importing a bar association's register, and flagging verified lawyers it no longer backs.

The file is the whole register of the bar association: a line changes or adds an entry, and an
entry the file no longer lists is taken off. After the import every active lawyer of the bar's
jurisdiction is compared with it; one whose licence is missing, not practising or under another
name is flagged for the auditor (a flag the register now backs again is cleared).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.licence_register import (
    RegisterError,
    RegisterLine,
    decode_register,
    parse_register,
)
from app.accounts.models import LicenceRegisterEntry, User
from app.accounts.policy import Action, NotFound, require
from app.accounts.roles import AccountStatus, Role
from app.accounts.verification import match_of
from app.audit.service import record
from app.orgs.models import BarAssociation
from app.orgs.regions import jurisdiction_prefix


@dataclass(frozen=True)
class LineOutcome:
    """What one line did: added, changed (naming the fields), unchanged or refused (a code)."""

    line: int
    licence_number: str
    outcome: str
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlaggedLawyer:
    user_id: int
    display_name: str
    licence_number: str
    flag: str


@dataclass
class ImportReport:
    bar_association: str
    lines: list[LineOutcome] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    flagged: list[FlaggedLawyer] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        outcomes = ("added", "changed", "unchanged", "refused")
        return {outcome: self.count(outcome) for outcome in outcomes} | {
            "removed": len(self.removed), "flagged": len(self.flagged)}  # fmt: skip


def may_import(actor: User | None, bar: BarAssociation) -> bool:
    """An auditor imports their own bar's register; an admin, or the operator at the
    terminal (no actor), any bar's."""
    if actor is None or actor.role == Role.ADMIN:
        return True
    return actor.role == Role.BAR_AUDITOR and actor.bar_association_id == bar.id


def _changes(entry: LicenceRegisterEntry, line: RegisterLine) -> tuple[str, ...]:
    now = {"name": line.name, "law_firm": line.law_firm, "status": line.status}
    return tuple(name for name, value in now.items() if getattr(entry, name) != value)


async def _apply(bar: BarAssociation, taken: list[RegisterLine], report: ImportReport) -> None:
    """Write the file's lines in bulk: a register has thousands of lines."""
    now = clock.now()
    existing = {e.licence_number: e for e in await LicenceRegisterEntry.filter(bar_association=bar)}
    added: list[LicenceRegisterEntry] = []
    kept: list[LicenceRegisterEntry] = []
    for line in taken:
        entry = existing.pop(line.licence_number, None)
        if entry is None:
            added.append(LicenceRegisterEntry(
                bar_association=bar, licence_number=line.licence_number, name=line.name,
                law_firm=line.law_firm, status=line.status, imported_at=now))  # fmt: skip
            report.lines.append(LineOutcome(line.line, line.licence_number, "added"))
            continue
        changed = _changes(entry, line)
        entry.name, entry.law_firm, entry.status = line.name, line.law_firm, line.status
        entry.imported_at = now
        kept.append(entry)
        outcome = "changed" if changed else "unchanged"
        report.lines.append(LineOutcome(line.line, line.licence_number, outcome, changed))
    if added:
        await LicenceRegisterEntry.bulk_create(added, batch_size=500)
    if kept:
        fields = ["name", "law_firm", "status", "imported_at"]
        await LicenceRegisterEntry.bulk_update(kept, fields=fields, batch_size=500)
    if existing:
        await LicenceRegisterEntry.filter(id__in=[e.id for e in existing.values()]).delete()
        report.removed = sorted(existing)


async def _flag_lapsed(actor: User | None, bar: BarAssociation, report: ImportReport) -> None:
    entries = {e.licence_number: e for e in await LicenceRegisterEntry.filter(bar_association=bar)}
    lawyers = await User.filter(
        role=Role.LAWYER,
        status=AccountStatus.ACTIVE,
        region_code__startswith=jurisdiction_prefix(bar.jurisdiction),
    )
    now = clock.now()
    for lawyer in lawyers:
        problem = match_of(lawyer, entries.get(lawyer.licence_number or "")).problem
        if (problem or "") == lawyer.licence_flag:
            continue
        lawyer.licence_flag = problem or ""
        lawyer.licence_flagged_at = now if problem else None
        await lawyer.save(update_fields=["licence_flag", "licence_flagged_at", "updated_at"])
        if problem:
            report.flagged.append(FlaggedLawyer(
                lawyer.id, lawyer.display_name, lawyer.licence_number or "", problem))  # fmt: skip
            await record(actor, "lawyer.licence_flagged", "user", lawyer.id, {"flag": problem})


async def import_register(actor: User | None, bar: BarAssociation, data: bytes) -> ImportReport:
    """Import the register file of ``bar``: all of it in one transaction, audited once."""
    if actor is not None:
        require(actor, Action.VERIFY_LAWYERS)
    if not may_import(actor, bar):
        raise NotFound("bar_association")
    text = decode_register(data)
    taken, refused = parse_register(text, bar.jurisdiction, clock.now().date())
    if not taken:  # a file of refused lines would otherwise empty the register
        raise RegisterError("register_no_valid_lines", refused_lines=len(refused))
    report = ImportReport(bar.name)
    async with in_transaction():
        await _apply(bar, taken, report)
        report.lines.extend(
            LineOutcome(line.line, line.licence_number, "refused", (line.reason,))
            for line in refused
        )
        report.lines.sort(key=lambda line: line.line)
        await _flag_lapsed(actor, bar, report)
        await record(actor, "licence_register.imported", "bar_association", bar.id,
                     report.counts)  # fmt: skip
    return report
