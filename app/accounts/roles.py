"""Roles and account states; pure values shared by models, policy and pages."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    LAWYER = "lawyer"
    DETENTION_STAFF = "detention_staff"
    INVESTIGATOR = "investigator"
    BAR_AUDITOR = "bar_auditor"
    ADMIN = "admin"


class AccountStatus(StrEnum):
    PENDING = "pending"  # a self-registered lawyer waiting for licence verification
    ACTIVE = "active"
    DISABLED = "disabled"
    REFUSED = "refused"  # a bar auditor found the licence not on the register (with a reason)


# Which organisation each role is bound to (None: no binding).
ROLE_BINDING: dict[Role, str | None] = {
    Role.LAWYER: None,
    Role.DETENTION_STAFF: "facility",
    Role.INVESTIGATOR: "agency",
    Role.BAR_AUDITOR: "bar_association",
    Role.ADMIN: None,
}
