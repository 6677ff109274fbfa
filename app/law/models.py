"""The rest-day years imported by an administrator (official years come from the
chinese_calendar package and are never stored). An imported year is replaced as a whole, so a
year row owns its day rows and each import states who and what it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from app.accounts.models import User


class ImportedRestDayYear(Model):
    """One imported calendar year: where it came from and who imported it."""

    id = fields.IntField(primary_key=True)
    year = fields.IntField(unique=True)
    source = fields.TextField()
    filename = fields.CharField(max_length=255, default="")
    imported_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # Kept even if the user is deleted later, like the audit log's actor label.
    imported_by_label = fields.CharField(max_length=100, default="")
    imported_at = fields.DatetimeField()

    imported_by_id: int | None
    days: fields.ReverseRelation[ImportedRestDay]

    class Meta:
        table = "rest_day_year"
        ordering = ["year"]


class ImportedRestDay(Model):
    """A public holiday or a make-up working day (调休) of an imported year."""

    id = fields.IntField(primary_key=True)
    calendar_year: fields.ForeignKeyRelation[ImportedRestDayYear] = fields.ForeignKeyField(
        "lawmeet.ImportedRestDayYear", related_name="days", on_delete=fields.CASCADE
    )
    day = fields.DateField(unique=True)
    kind = fields.CharField(max_length=8)  # "holiday" or "workday", as in restdays.py
    name = fields.TextField(null=True)

    calendar_year_id: int

    class Meta:
        table = "rest_day"
        ordering = ["day"]
