"""Request and response models of the API: the contract the OpenAPI document publishes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.roles import AccountStatus, Role
from app.api.fields import RowId


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    status: AccountStatus
    email: str
    phone: str
    locale: str | None
    facility_id: int | None
    agency_id: int | None
    bar_association_id: int | None
    licence_number: str | None
    law_firm: str
    region_code: str
    created_at: datetime


class LawyerRegistration(_In):
    username: str = Field(min_length=3, max_length=64)
    display_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=256)
    email: str = Field(max_length=254)
    phone: str = Field("", max_length=32)
    licence_number: str = Field(max_length=32, description="Practice-licence number, 17 digits")
    law_firm: str = Field(min_length=1, max_length=200)


class UserCreate(_In):
    username: str = Field(min_length=3, max_length=64)
    display_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=256)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)
    role: Literal["detention_staff", "investigator", "bar_auditor", "admin"]
    organisation_id: RowId | None = Field(
        None, description="Facility, agency or bar association the role is bound to"
    )


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class OrganisationOut(BaseModel):
    id: int
    kind: Literal["facility", "agency", "bar_association"]
    name: str
    region_code: str
    timezone: str | None = None
    address: str = ""


class OrganisationCreate(_In):
    kind: Literal["facility", "agency", "bar_association"]
    name: str = Field(min_length=1, max_length=200)
    region_code: str = Field(pattern=r"^\d{6}$", description="GB/T 2260 region code")
    timezone: str = Field("Asia/Shanghai", max_length=64, description="IANA time zone")
    address: str = Field("", max_length=300)
