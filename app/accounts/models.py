"""Account records. Secrets (passwords, session ids, tokens) are stored only as hashes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from app.accounts.licence_register import RegisterStatus
from app.accounts.roles import AccountStatus, Role

if TYPE_CHECKING:
    from app.orgs.models import Agency, BarAssociation, Facility


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=254, default="")
    phone = fields.CharField(max_length=32, default="")
    role = fields.CharEnumField(Role, max_length=20)
    status = fields.CharEnumField(AccountStatus, max_length=12, default=AccountStatus.ACTIVE)
    password_hash = fields.CharField(max_length=255)
    locale = fields.CharField(max_length=8, null=True)
    facility: fields.ForeignKeyNullableRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name="staff", null=True, on_delete=fields.RESTRICT
    )
    agency: fields.ForeignKeyNullableRelation[Agency] = fields.ForeignKeyField(
        "lawmeet.Agency", related_name="investigators", null=True, on_delete=fields.RESTRICT
    )
    bar_association: fields.ForeignKeyNullableRelation[BarAssociation] = fields.ForeignKeyField(
        "lawmeet.BarAssociation", related_name="auditors", null=True, on_delete=fields.RESTRICT
    )
    # Investigators only: sees every overdue task of the agency and is told when one falls due.
    supervises_agency = fields.BooleanField(default=False)
    # Lawyers only: practice licence (17 digits), firm, and the region the licence names.
    licence_number = fields.CharField(max_length=17, null=True, unique=True)
    law_firm = fields.CharField(max_length=200, default="")
    region_code = fields.CharField(max_length=6, default="", db_index=True)
    verified_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    verified_at = fields.DatetimeField(null=True)
    # Why a bar auditor refused the registration (shown to the lawyer at login).
    refusal_reason = fields.CharField(max_length=500, default="")
    # Set when a re-imported register no longer shows a verified lawyer's licence as practising.
    licence_flagged_at = fields.DatetimeField(null=True)
    licence_flag = fields.CharField(max_length=40, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    facility_id: int | None
    agency_id: int | None
    bar_association_id: int | None
    verified_by_id: int | None

    class Meta:
        table = "user_account"
        ordering = ["username"]

    @property
    def is_active(self) -> bool:
        return self.status == AccountStatus.ACTIVE


class Session(Model):
    """A server-side login session. The cookie holds a random id whose SHA-256 is the key."""

    id_hash = fields.CharField(max_length=64, primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    address = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=300, default="")

    user_id: int

    class Meta:
        table = "user_session"


class ApiToken(Model):
    """A bearer token for /api/v1: shown once, stored hashed, revocable."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=12)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    user_id: int

    class Meta:
        table = "api_token"
        ordering = ["-created_at"]


class LoginThrottle(Model):
    """Failed-login counter per account or per address, shared by every server process."""

    key = fields.CharField(max_length=80, primary_key=True)
    failures = fields.IntField(default=0)
    window_started_at = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "login_throttle"


class LicenceRegisterEntry(Model):
    """One lawyer in a bar association's register, as its latest import gave it."""

    id = fields.IntField(primary_key=True)
    bar_association: fields.ForeignKeyRelation[BarAssociation] = fields.ForeignKeyField(
        "lawmeet.BarAssociation", related_name="register_entries", on_delete=fields.RESTRICT
    )
    licence_number = fields.CharField(max_length=17, db_index=True)
    name = fields.CharField(max_length=100)
    law_firm = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(RegisterStatus, max_length=12)
    imported_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    bar_association_id: int

    class Meta:
        table = "licence_register_entry"
        unique_together = (("bar_association", "licence_number"),)
        ordering = ["licence_number"]
