"""A bar association's register of lawyers (律师执业登记) as a CSV file; pure logic, no I/O.

The register is the only thing a licence number can be checked against: a bar association
exports it (often from Excel, so in GB18030 as often as in UTF-8) and imports it here. Each line
is either taken (and later added or changed) or refused with a reason, so the auditor sees line
by line what the file did. Columns are found by their header, in Chinese or English.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.accounts.licence import LicenceError, licence_region, validate_licence_number
from app.errors import DomainError
from app.orgs.regions import in_jurisdiction


class RegisterStatus(StrEnum):
    PRACTISING = "practising"  # 执业
    SUSPENDED = "suspended"  # 停止执业 (a penalty for a period)
    REVOKED = "revoked"  # 吊销执业证书
    CANCELLED = "cancelled"  # 注销 (left practice, died, ...)


_STATUS_WORDS: dict[str, RegisterStatus] = {
    "执业": RegisterStatus.PRACTISING,
    "正常执业": RegisterStatus.PRACTISING,
    "正常": RegisterStatus.PRACTISING,
    "practising": RegisterStatus.PRACTISING,
    "practicing": RegisterStatus.PRACTISING,
    "active": RegisterStatus.PRACTISING,
    "停止执业": RegisterStatus.SUSPENDED,
    "暂停执业": RegisterStatus.SUSPENDED,
    "suspended": RegisterStatus.SUSPENDED,
    "吊销": RegisterStatus.REVOKED,
    "吊销执业证书": RegisterStatus.REVOKED,
    "revoked": RegisterStatus.REVOKED,
    "注销": RegisterStatus.CANCELLED,
    "cancelled": RegisterStatus.CANCELLED,
    "canceled": RegisterStatus.CANCELLED,
}

_COLUMNS: dict[str, tuple[str, ...]] = {
    "licence_number": ("licence_number", "license_number", "执业证号", "执业证书号", "执业证编号"),
    "name": ("name", "姓名"),
    "law_firm": ("law_firm", "firm", "执业机构", "律师事务所"),
    "status": ("status", "执业状态", "状态"),
}

MAX_REGISTER_BYTES = 5 * 1024 * 1024


class RegisterError(DomainError):
    """The file as a whole cannot be read as a register (nothing is imported)."""

    def __init__(self, code: str, **facts: object) -> None:
        super().__init__(code, "register", 400, extensions=dict(facts) if facts else None)


@dataclass(frozen=True)
class RegisterLine:
    """A line taken from the file."""

    line: int
    licence_number: str
    name: str
    law_firm: str
    status: RegisterStatus


@dataclass(frozen=True)
class RefusedLine:
    """A line left out, and why (a code the pages translate)."""

    line: int
    licence_number: str
    reason: str


def plain(text: str) -> str:
    """Compare names as people write them: full-width forms folded, spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def decode_register(data: bytes) -> str:
    if len(data) > MAX_REGISTER_BYTES:
        raise RegisterError("register_too_large")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegisterError("register_encoding")  # pragma: no cover - gb18030 decodes any bytes


def _columns(header: list[str]) -> dict[str, int]:
    names = [plain(cell) for cell in header]
    found: dict[str, int] = {}
    for column, spellings in _COLUMNS.items():
        for spelling in spellings:
            if plain(spelling) in names:
                found[column] = names.index(plain(spelling))
                break
    missing = [column for column in _COLUMNS if column not in found]
    if missing:
        raise RegisterError("register_header", missing_columns=missing)
    return found


def _read_line(
    number: int, cells: list[str], at: dict[str, int], jurisdiction: str, today: date
) -> RegisterLine | RefusedLine:
    def cell(column: str) -> str:
        index = at[column]
        return cells[index].strip() if index < len(cells) else ""

    raw_licence = cell("licence_number")
    try:
        licence = validate_licence_number(raw_licence, today)
    except LicenceError as exc:
        return RefusedLine(number, raw_licence, exc.code)
    if not in_jurisdiction(licence_region(licence), jurisdiction):
        return RefusedLine(number, licence, "register_outside_jurisdiction")
    name = cell("name")
    if not name:
        return RefusedLine(number, licence, "register_name_missing")
    status = _STATUS_WORDS.get(plain(cell("status")))
    if status is None:
        return RefusedLine(number, licence, "register_status_unknown")
    return RegisterLine(number, licence, name, cell("law_firm"), status)


def parse_register(
    text: str, jurisdiction: str, today: date
) -> tuple[list[RegisterLine], list[RefusedLine]]:
    """The lines a register file gives, and those it refuses; line numbers count the header."""
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise RegisterError("register_empty")
    at = _columns(rows[0])
    taken: list[RegisterLine] = []
    refused: list[RefusedLine] = []
    seen: set[str] = set()
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        result = _read_line(number, cells, at, jurisdiction, today)
        if isinstance(result, RegisterLine) and result.licence_number in seen:
            result = RefusedLine(number, result.licence_number, "register_duplicate_line")
        if isinstance(result, RefusedLine):
            refused.append(result)
        else:
            seen.add(result.licence_number)
            taken.append(result)
    return taken, refused


@dataclass(frozen=True)
class RegisterMatch:
    """How a lawyer's registration compares with the register."""

    found: bool
    practising: bool = False
    name_matches: bool = False
    firm_matches: bool = False
    register_name: str = ""
    register_firm: str = ""
    register_status: RegisterStatus | None = None

    @property
    def verifiable(self) -> bool:
        """A practising licence of the same person; a firm that differs is shown, not refused
        (lawyers change firms before the register catches up)."""
        return self.found and self.practising and self.name_matches

    @property
    def problem(self) -> str | None:
        if not self.found:
            return "register_licence_not_found"
        if not self.practising:
            return "register_not_practising"
        if not self.name_matches:
            return "register_name_differs"
        return None


def compare(
    name: str, law_firm: str, entry: tuple[str, str, RegisterStatus] | None
) -> RegisterMatch:
    """Compare a lawyer's name and firm with the register's (name, firm, status), if any."""
    if entry is None:
        return RegisterMatch(found=False)
    register_name, register_firm, status = entry
    return RegisterMatch(
        found=True,
        practising=status == RegisterStatus.PRACTISING,
        name_matches=plain(name) == plain(register_name),
        firm_matches=plain(law_firm) == plain(register_firm),
        register_name=register_name,
        register_firm=register_firm,
        register_status=status,
    )
