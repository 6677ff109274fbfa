"""Case-registry records for page tests: one jurisdiction with a user of each case role, a
case with its detainee, and engagements in the state a test needs. Needs an open database."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases import engagements as engagement_services
from app.cases import services as case_services
from app.cases.kinds import REQUIRED_DOCUMENTS, CaseCategory, EngagementKind, EventKind
from app.cases.models import Case, CaseEvent, Detainee, Engagement
from app.orgs.models import Agency, Facility
from tests.integration.helpers import licence_for, make_organisation, make_user, pdf_document

_serial = itertools.count(1)

PDF_BYTES = pdf_document("lawmeet test document")


@dataclass
class CaseWorld:
    """One jurisdiction: a facility and an agency with a user of each case role, and a case
    opened by the investigator for one detainee held at the facility (no engagement yet)."""

    facility: Facility
    agency: Agency
    investigator: User
    lawyer: User
    staff: User
    auditor: User
    case: Case
    detainee: Detainee


async def make_case_world(region_code: str = "110108") -> CaseWorld:
    tag = next(_serial)
    facility = await make_organisation("facility", region_code, f"Facility {tag}")
    agency = await make_organisation("agency", region_code, f"Agency {tag}")
    investigator = await make_user(Role.INVESTIGATOR, agency=agency, region_code=region_code)
    staff = await make_user(Role.DETENTION_STAFF, facility=facility, region_code=region_code)
    lawyer = await make_user(Role.LAWYER, licence_number=licence_for(region_code[:4]))
    auditor = await make_user(Role.BAR_AUDITOR, region_code=region_code[:2] + "0000")
    detainee = case_services.NewDetainee(
        f"Detainee {tag}",
        f"{region_code}1990{tag:08d}",
        facility.id,
        datetime.now(UTC) - timedelta(days=2),
    )
    case = await case_services.open_case(
        investigator,
        case_services.NewCase(f"CASE-{tag}", CaseCategory.ORDINARY, "fraud", detainee),
    )
    return CaseWorld(
        facility,  # type: ignore[arg-type]
        agency,  # type: ignore[arg-type]
        investigator,
        lawyer,
        staff,
        auditor,
        case,
        await Detainee.get(case_links__case_id=case.id),
    )


async def engage(
    world: CaseWorld, data_dir: Path, *, uploaded: bool = True, accepted: bool = True
) -> Engagement:
    """The world's lawyer engaged on its case: documents uploaded and accepted by default."""
    from app.cases.storage import document_root

    found = engagement_services.Found(world.detainee, [world.case])
    engagement = await engagement_services.start_engagement(
        world.lawyer, found, world.case.id, EngagementKind.RETAINED
    )
    for kind in REQUIRED_DOCUMENTS[EngagementKind.RETAINED] if uploaded else ():
        document = await engagement_services.upload_document(
            world.lawyer,
            engagement,
            kind,
            f"{kind.value}.pdf",
            PDF_BYTES + kind.value.encode(),
            document_root(data_dir),
            1_000_000,
        )
        if accepted:
            await engagement_services.review_document(world.staff, document, True)
    return await Engagement.get(id=engagement.id)


async def record_case_event(
    world: CaseWorld, kind: EventKind, note: str = "", **fields: Any
) -> CaseEvent:
    """An event recorded by the world's investigator, effective an hour ago."""
    new = case_services.NewEvent(kind, datetime.now(UTC) - timedelta(hours=1), note, **fields)
    return await case_services.record_event(world.investigator, world.case, new)
