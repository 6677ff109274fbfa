"""Two jurisdictions' worth of case-registry records, for access tests.

Beijing: facility F1, agency A1, bar B1, case C1 with detainee D1, lawyer L1's active
engagement E1 with document Doc1. Shanghai: the same again with suffix 2. Users of every role
on both sides, each with an API token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases import engagements, services
from app.cases.kinds import CaseCategory, DocumentKind, EngagementKind, EventKind
from app.cases.models import Case, Detainee, Engagement, EngagementDocument
from app.orgs.models import Agency, Facility
from tests.integration.helpers import (
    api_token,
    licence_for,
    make_organisation,
    make_user,
    pdf_document,
)

PDF = pdf_document("test document")


@dataclass
class Side:
    facility: Facility
    agency: Agency
    lawyer: User
    staff: User
    investigator: User
    auditor: User
    case: Case
    detainee: Detainee
    engagement: Engagement
    document: EngagementDocument


@dataclass
class World:
    beijing: Side
    shanghai: Side
    admin: User
    tokens: dict[str, str] = field(default_factory=dict)

    def users(self) -> dict[str, User]:
        return {
            "lawyer": self.beijing.lawyer,
            "other_lawyer": self.shanghai.lawyer,
            "staff": self.beijing.staff,
            "other_staff": self.shanghai.staff,
            "investigator": self.beijing.investigator,
            "other_investigator": self.shanghai.investigator,
            "auditor": self.beijing.auditor,
            "other_auditor": self.shanghai.auditor,
            "admin": self.admin,
        }


async def build_side(region: str, licence_prefix: str, root: object, tag: str) -> Side:
    facility = await make_organisation("facility", region, f"facility-{tag}")
    agency = await make_organisation("agency", region, f"agency-{tag}")
    bar = await make_organisation("bar_association", region[:2] + "0000", f"bar-{tag}")
    staff = await make_user(
        Role.DETENTION_STAFF, f"staff-{tag}", facility=facility, region_code=region
    )
    investigator = await make_user(
        Role.INVESTIGATOR, f"investigator-{tag}", agency=agency, region_code=region
    )
    auditor = await make_user(
        Role.BAR_AUDITOR, f"auditor-{tag}", bar_association=bar, region_code=bar.jurisdiction
    )  # type: ignore[union-attr]
    lawyer = await make_user(
        Role.LAWYER, f"lawyer-{tag}", licence_number=licence_for(licence_prefix)
    )
    detained = datetime.now(UTC) - timedelta(days=2)
    case = await services.open_case(
        investigator,
        services.NewCase(
            f"CASE-{tag}",
            CaseCategory.ORDINARY,
            "fraud",
            services.NewDetainee(
                f"Detainee {tag}", f"ID{tag.upper()}0000001", facility.id, detained
            ),
        ),
    )
    await services.record_event(
        investigator, case, services.NewEvent(EventKind.CRIMINAL_DETENTION, detained, "detained")
    )
    found = await engagements.Found.for_case(case)
    engagement = await engagements.start_engagement(lawyer, found, case.id, EngagementKind.RETAINED)
    document = await engagements.upload_document(
        lawyer,
        engagement,
        DocumentKind.PRACTICE_LICENCE,
        "licence.pdf",
        PDF,
        root,  # type: ignore[arg-type]
        1_000_000,
    )
    detainee = found.detainee
    return Side(
        facility,
        agency,
        lawyer,
        staff,
        investigator,
        auditor,
        case,  # type: ignore[arg-type]
        detainee,
        engagement,
        document,
    )


async def build_world(data_dir: object) -> World:
    from app.cases.storage import document_root

    root = document_root(data_dir)  # type: ignore[arg-type]
    world = World(
        beijing=await build_side("110108", "1101", root, "bj"),
        shanghai=await build_side("310101", "3101", root, "sh"),
        admin=await make_user(Role.ADMIN, "admin-world"),
    )
    for name, user in world.users().items():
        world.tokens[name] = await api_token(user)
    return world
