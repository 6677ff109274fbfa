"""Creating reference organisations (admins only); each creation is audited."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.transactions import in_transaction

from app.accounts.models import User
from app.accounts.services import AccountError
from app.audit.service import record
from app.errors import raise_all
from app.orgs.models import ORGANISATION_MODELS, Agency, BarAssociation, Facility
from app.orgs.regions import is_region_code

OrganisationKind = Literal["facility", "agency", "bar_association"]


def organisation_problems(
    kind: str, name: str, region_code: str, timezone: str
) -> list[AccountError]:
    """Every field of a new organisation that is wrong (a time zone only a facility has)."""
    problems: list[AccountError] = []
    if not name.strip():
        problems.append(AccountError("required", "name"))
    if not is_region_code(region_code.strip()):
        problems.append(AccountError("region_invalid", "region_code"))
    if kind == "facility":
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(AccountError("timezone_invalid", "timezone"))
    return problems


async def create_organisation(
    actor: User,
    kind: OrganisationKind,
    name: str,
    region_code: str,
    timezone: str = "Asia/Shanghai",
    address: str = "",
) -> Facility | Agency | BarAssociation:
    name, region_code = name.strip(), region_code.strip()
    raise_all(organisation_problems(kind, name, region_code, timezone))  # every field at once
    model = ORGANISATION_MODELS[kind]
    async with in_transaction():
        if await model.filter(name=name).exists():
            raise AccountError("name_taken", "name")
        org: Facility | Agency | BarAssociation
        if kind == "facility":
            org = await Facility.create(
                name=name, region_code=region_code, timezone=timezone, address=address
            )
        elif kind == "agency":
            org = await Agency.create(name=name, region_code=region_code, address=address)
        else:
            org = await BarAssociation.create(name=name, jurisdiction=region_code)
        await record(actor, f"{kind}.created", kind, org.id, {"name": name})
    return org
