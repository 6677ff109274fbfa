"""Organisations every user belongs to or deals with; managed by admins."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Facility(Model):
    """A detention centre (看守所). Each keeps its own time zone for deadlines and opening hours."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    region_code = fields.CharField(max_length=6, db_index=True)
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    address = fields.CharField(max_length=300, default="")
    phone = fields.CharField(max_length=40, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "facility"
        ordering = ["name"]


class Agency(Model):
    """An investigating authority / case-handling unit (侦查机关 / 办案部门)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    region_code = fields.CharField(max_length=6, db_index=True)
    address = fields.CharField(max_length=300, default="")
    phone = fields.CharField(max_length=40, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agency"
        ordering = ["name"]


class BarAssociation(Model):
    """A bar association (律师协会). Its jurisdiction is a region code prefix."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    jurisdiction = fields.CharField(max_length=6, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "bar_association"
        ordering = ["name"]


OrganisationModel = type[Facility] | type[Agency] | type[BarAssociation]
ORGANISATION_MODELS: dict[str, OrganisationModel] = {
    "facility": Facility,
    "agency": Agency,
    "bar_association": BarAssociation,
}
