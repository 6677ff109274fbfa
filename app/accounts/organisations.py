"""Creating reference organisations (admins only); each creation is audited."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.transactions import in_transaction

from app.accounts.models import User
from app.accounts.services import AccountError
from app.audit.service import record
from app.orgs.models import ORGANISATION_MODELS, Agency, BarAssociation, Facility
from app.orgs.regions import is_region_code

OrganisationKind = Literal["facility", "agency", "bar_association"]


async def create_organisation(
    actor: User,
    kind: OrganisationKind,
    name: str,
    region_code: str,
    timezone: str = "Asia/Shanghai",
    address: str = "",
) -> Facility | Agency | BarAssociation:
    name, region_code = name.strip(), region_code.strip()
    if not name:
        raise AccountError("required", "name")
    if not is_region_code(region_code):
        raise AccountError("region_invalid", "region_code")
    if kind == "facility":
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise AccountError("timezone_invalid", "timezone") from None
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
