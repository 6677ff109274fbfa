"""The waitlist (freed capacity and slot offers), priority purposes, video and interrogation
rooms, the M5 contact unit, and longer meetings.

The database refuses two open offers of one room that overlap (PostgreSQL: an EXCLUDE
constraint; SQLite: triggers under the write lock, as for meetings in 0007) and a second open
offer for one request (a partial unique index on both).
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
from scheduling.kinds import CapacityCause, LongerDecision, OfferStatus, RequestPurpose, RoomKind
from tortoise.fields.base import OnDelete
from tortoise import fields

POSTGRES_FORWARD = """ALTER TABLE slot_offer ADD CONSTRAINT slot_offer_no_room_overlap
    EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status = 'open');
ALTER TABLE slot_offer ADD CONSTRAINT slot_offer_ends_after_start CHECK (ends_at > starts_at);
CREATE UNIQUE INDEX slot_offer_one_open_per_request ON slot_offer (request_id)
    WHERE status = 'open';
CREATE INDEX freed_capacity_not_offered ON freed_capacity (facility_id) WHERE offered_at IS NULL;
"""
POSTGRES_BACKWARD = """ALTER TABLE slot_offer DROP CONSTRAINT IF EXISTS slot_offer_no_room_overlap;
ALTER TABLE slot_offer DROP CONSTRAINT IF EXISTS slot_offer_ends_after_start;
DROP INDEX IF EXISTS slot_offer_one_open_per_request;
DROP INDEX IF EXISTS freed_capacity_not_offered;
"""
_SQLITE_GUARD = """SELECT RAISE(ABORT, 'offer ends_after_start') WHERE
    unixepoch(NEW.starts_at) IS NULL OR unixepoch(NEW.ends_at) IS NULL
    OR unixepoch(NEW.ends_at) <= unixepoch(NEW.starts_at);
SELECT RAISE(ABORT, 'offer overlap: room') WHERE EXISTS (
    SELECT 1 FROM slot_offer AS o WHERE NEW.status = 'open' AND o.status = 'open'
    AND o.id IS NOT NEW.id AND o.room_id = NEW.room_id
    AND unixepoch(o.starts_at) < unixepoch(NEW.ends_at)
    AND unixepoch(NEW.starts_at) < unixepoch(o.ends_at));
"""
SQLITE_FORWARD = "".join(
    f"CREATE TRIGGER slot_offer_guard_{event.lower()} BEFORE {event} ON slot_offer\n"
    f"BEGIN\n{_SQLITE_GUARD}END;\n"
    for event in ("INSERT", "UPDATE")
) + """CREATE UNIQUE INDEX slot_offer_one_open_per_request ON slot_offer (request_id)
    WHERE status = 'open';
CREATE INDEX freed_capacity_not_offered ON freed_capacity (facility_id) WHERE offered_at IS NULL;
"""
SQLITE_BACKWARD = """DROP TRIGGER IF EXISTS slot_offer_guard_insert;
DROP TRIGGER IF EXISTS slot_offer_guard_update;
DROP INDEX IF EXISTS slot_offer_one_open_per_request;
DROP INDEX IF EXISTS freed_capacity_not_offered;
"""


class _DescriptionOnly(ops.AlterField):
    """A new enum member changes only the field's description: the column holds text either
    way, and rebuilding meeting_request on SQLite would break the ledger triggers (0018)."""

    async def database_forward(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def database_backward(self, *args: Any, **kwargs: Any) -> None:
        return None


def _by_dialect(postgres: str, sqlite: str) -> Any:
    async def run(apps: Any, schema_editor: Any) -> None:
        dialect = schema_editor.client.capabilities.dialect
        await schema_editor.client.execute_script(postgres if dialect == "postgres" else sqlite)

    return run


class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0019_audit_merkle_tree')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FreedCapacity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('room', fields.ForeignKeyField('lawmeet.Room', source_field='room_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cause', fields.CharEnumField(description='CANCELLED_BY_LAWYER: cancelled_by_lawyer\nCANCELLED_BY_FACILITY: cancelled_by_facility\nNO_SHOW: no_show\nCLOSURE_WITHDRAWN: closure_withdrawn\nCLOSURE_SHORTENED: closure_shortened\nHOURS_ADDED: hours_added\nROOM_IN_SERVICE: room_in_service\nMEETING_MOVED: meeting_moved\nOFFER_DECLINED: offer_declined\nOFFER_EXPIRED: offer_expired\nOFFER_WITHDRAWN: offer_withdrawn', enum_type=CapacityCause, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('offered_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'freed_capacity', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'Room time that became free at a facility: an outbox row that an offer round consumes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlotOffer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('request', fields.ForeignKeyField('lawmeet.MeetingRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='offers', on_delete=OnDelete.CASCADE)),
                ('meeting', fields.ForeignKeyField('lawmeet.Meeting', source_field='meeting_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('room', fields.ForeignKeyField('lawmeet.Room', source_field='room_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=OfferStatus.OPEN, description='OPEN: open\nACCEPTED: accepted\nDECLINED: declined\nEXPIRED: expired\nWITHDRAWN: withdrawn', enum_type=OfferStatus, max_length=12)),
                ('offered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deadline_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('priority', fields.BooleanField(default=False)),
                ('cause', fields.CharEnumField(description='CANCELLED_BY_LAWYER: cancelled_by_lawyer\nCANCELLED_BY_FACILITY: cancelled_by_facility\nNO_SHOW: no_show\nCLOSURE_WITHDRAWN: closure_withdrawn\nCLOSURE_SHORTENED: closure_shortened\nHOURS_ADDED: hours_added\nROOM_IN_SERVICE: room_in_service\nMEETING_MOVED: meeting_moved\nOFFER_DECLINED: offer_declined\nOFFER_EXPIRED: offer_expired\nOFFER_WITHDRAWN: offer_withdrawn', enum_type=CapacityCause, max_length=32)),
            ],
            options={'table': 'slot_offer', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A freed slot held for one waiting request until the lawyer answers or it expires.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Meeting',
            name='confidentiality_confirmed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='video_room',
            field=fields.CharField(default='', db_default='', max_length=100),
        ),
        _DescriptionOnly(
            model_name='MeetingRequest',
            name='room_kind',
            field=fields.CharEnumField(default=RoomKind.IN_PERSON, description='IN_PERSON: in_person\nGLASS_PARTITIONED: glass_partitioned\nVIDEO_LINK: video_link\nINTERROGATION: interrogation', enum_type=RoomKind, max_length=20),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='interrogation_room_consent_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='longer_decision',
            field=fields.CharEnumField(default=LongerDecision.UNDECIDED, description='UNDECIDED: \nACCEPTED: accepted\nREFUSED: refused', db_default='', enum_type=LongerDecision, max_length=12),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='longer_reason',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='longer_refusal_ground',
            field=fields.CharField(default='', db_default='', max_length=300),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_contact_person',
            field=fields.CharField(default='', db_default='', max_length=100),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_contact_phone',
            field=fields.CharField(default='', db_default='', max_length=40),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_contact_unit',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_lifted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='purpose',
            field=fields.CharEnumField(default=RequestPurpose.ORDINARY, description='ORDINARY: ordinary\nFIRST_AFTER_DETENTION: first_after_detention\nFIRST_AFTER_TRANSFER: first_after_transfer\nENGAGEMENT_CONFIRMATION: engagement_confirmation', db_default='ordinary', enum_type=RequestPurpose, max_length=32),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='wants_earlier',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        _DescriptionOnly(
            model_name='Room',
            name='kind',
            field=fields.CharEnumField(default=RoomKind.IN_PERSON, description='IN_PERSON: in_person\nGLASS_PARTITIONED: glass_partitioned\nVIDEO_LINK: video_link\nINTERROGATION: interrogation', enum_type=RoomKind, max_length=20),
        ),
        ops.AddField(
            model_name='Room',
            name='video_address',
            field=fields.CharField(default='', db_default='', max_length=300),
        ),
        ops.RunPython(
            _by_dialect(POSTGRES_FORWARD, SQLITE_FORWARD),
            _by_dialect(POSTGRES_BACKWARD, SQLITE_BACKWARD),
        ),
    ]
