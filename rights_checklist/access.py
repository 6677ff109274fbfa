"""Who sees which submissions and complaints: their entries in the scope table.

Declared once here, applied by `app.accounts.scopes` (``visible``, ``visible_row``), so that a
record outside the user's scope is simply not found (404).
- Submissions: lawyers their own, investigators their agency's, auditors their jurisdiction's
  (the entry points hide text and files from auditors, ``submissions.sees_content``).
- Complaints go to the procuratorate or the bar: lawyers see their own, auditors their
  jurisdiction's; the police see them only through replies, staff and admins not at all.
"""

from __future__ import annotations

from app.accounts import scopes
from app.accounts.roles import Role
from app.accounts.scopes import NOTHING, in_jurisdiction, of_agency, own
from rights_checklist.models import Complaint, Submission

scopes.declare(
    Submission,
    "submission",
    {
        Role.LAWYER: own("lawyer_id"),
        Role.DETENTION_STAFF: NOTHING,
        Role.INVESTIGATOR: of_agency("case__agency_id"),
        Role.BAR_AUDITOR: in_jurisdiction("case__agency__region_code"),
        Role.ADMIN: NOTHING,
    },
)
scopes.declare(
    Complaint,
    "complaint",
    {
        Role.LAWYER: own("lawyer_id"),
        Role.DETENTION_STAFF: NOTHING,
        Role.INVESTIGATOR: NOTHING,
        Role.BAR_AUDITOR: in_jurisdiction("case__agency__region_code"),
        Role.ADMIN: NOTHING,
    },
)
