"""The duty ledger (issue 8): each case's checklist as rows, so the database can aggregate it.

Times are whole microseconds since the Unix epoch (UTC) in BIGINT columns: both databases
compare and subtract them exactly, as ``rights_checklist.timeline.judge`` compares datetimes,
with no dialect-specific date arithmetic in the report queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.cases.models import Case


class DutyRecord(Model):
    """One duty of one case as the checklist last judged it. ``settled_status`` is set when
    the evaluation settled the outcome whatever the time (not applicable, or refused without a
    lawful reason); otherwise the status follows from the three times and the report's now."""

    id = fields.BigIntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "lawmeet.Case", related_name=False, on_delete=fields.CASCADE
    )
    duty_id = fields.CharField(max_length=4)
    occurrence = fields.CharField(max_length=80)
    statutory = fields.BooleanField(default=True)
    facility_id = fields.IntField(null=True)  # the request's facility, else the client's
    agency_id = fields.IntField(null=True)  # the case's investigating authority
    region_code = fields.CharField(max_length=6, default="")  # the agency's, as case access
    arose_us = fields.BigIntField()  # trigger (or the record that raised the duty)
    arose_on = fields.DateField()  # local date of arose_us in the facility zone
    arose_week = fields.CharField(max_length=8)  # ISO week of arose_on, "2026-W47"
    arose_month = fields.CharField(max_length=7)  # "2026-11"
    due_us = fields.BigIntField(null=True)  # exclusive end; None: no deadline (yet)
    fulfilled_us = fields.BigIntField(null=True)  # the evidence's time; None: not met
    settled_status = fields.CharField(max_length=16, null=True)
    request_id = fields.IntField(null=True)  # the meeting request of M1, M2, M5, M7 rows
    booked_us = fields.BigIntField(null=True)  # start of the request's earliest active meeting
    judged_at = fields.DatetimeField()

    case_id: int

    class Meta:
        table = "duty_record"
        unique_together = (("case", "duty_id", "occurrence"),)
        indexes = (("region_code", "arose_on"), ("facility_id", "arose_on"),
                   ("agency_id", "arose_on"))  # fmt: skip


class DutyLedgerMark(Model):
    """A case changed since its ledger rows were written. Database triggers (migration 0012)
    append one row per change of any record the checklist reads, whatever code made it; the
    refresher re-judges the case and deletes the marks it has seen (ids up to the largest)."""

    id = fields.BigIntField(primary_key=True)
    case_id = fields.IntField(db_index=True)

    class Meta:
        table = "duty_ledger_mark"
