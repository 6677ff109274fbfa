"""A model no migration knows: added to the app's model modules, `lawmeet check` must notice."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class UnmigratedThing(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "unmigrated_thing"
