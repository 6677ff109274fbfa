"""Who sees which meeting requests and meetings: their entries in the scope table.

Declared once here, applied by `app.accounts.scopes` (``visible``, ``visible_row``), so that a
request or meeting outside the user's scope is simply not found (404), whether it exists or not.
- lawyer: their own requests and meetings;
- detention staff: those at their facility;
- investigator: those whose engagement's case belongs to their agency (permission cases, M5);
- bar auditor: those at facilities in their jurisdiction (region prefix), read only;
- admin: none (admins run the system, not cases).

Slot offers follow their request: the lawyer's own, her centre's desk, the auditors of the
centre's region; investigators do not see them (rooms are the centre's business).
"""

from __future__ import annotations

from app.accounts import scopes
from app.accounts.roles import Role
from app.accounts.scopes import NOTHING, in_jurisdiction, of_agency, of_facility, own
from scheduling.models import Meeting, MeetingRequest, SlotOffer

scopes.declare(
    MeetingRequest,
    "meeting_request",
    {
        Role.LAWYER: own("lawyer_id"),
        Role.DETENTION_STAFF: of_facility("facility_id"),
        Role.INVESTIGATOR: of_agency("engagement__case__agency_id"),
        Role.BAR_AUDITOR: in_jurisdiction("facility__region_code"),
        Role.ADMIN: NOTHING,
    },
)
scopes.declare(
    Meeting,
    "meeting",
    {
        Role.LAWYER: own("lawyer_id"),
        Role.DETENTION_STAFF: of_facility("room__facility_id"),
        Role.INVESTIGATOR: of_agency("request__engagement__case__agency_id"),
        Role.BAR_AUDITOR: in_jurisdiction("room__facility__region_code"),
        Role.ADMIN: NOTHING,
    },
)
scopes.declare(
    SlotOffer,
    "slot_offer",
    {
        Role.LAWYER: own("request__lawyer_id"),
        Role.DETENTION_STAFF: of_facility("facility_id"),
        Role.INVESTIGATOR: NOTHING,
        Role.BAR_AUDITOR: in_jurisdiction("facility__region_code"),
        Role.ADMIN: NOTHING,
    },
)
