"""Who sees which escalations of undelivered statutory notices: their entry in the scope table.

Declared once here, applied by `app.accounts.scopes` (``visible``, ``visible_row``): the
responsible unit sees its own (investigators their agency's, staff their facility's), auditors
their jurisdiction's agencies and facilities, admins all; lawyers none.
"""

from __future__ import annotations

from app.accounts import scopes
from app.accounts.roles import Role
from app.accounts.scopes import EVERYTHING, NOTHING, in_jurisdiction, of_agency, of_facility
from notifications.models import Escalation

scopes.declare(
    Escalation,
    "escalation",
    {
        Role.LAWYER: NOTHING,
        Role.DETENTION_STAFF: of_facility("facility_id"),
        Role.INVESTIGATOR: of_agency("agency_id"),
        Role.BAR_AUDITOR: in_jurisdiction("agency__region_code", "facility__region_code"),
        Role.ADMIN: EVERYTHING,
    },
)
