"""Meeting scheduling records, and the database's own refusal of overlapping meetings.

A room, a detainee and a lawyer are each in at most one active meeting at a time (half-open
ranges, so back-to-back meetings are fine). PostgreSQL: EXCLUDE USING gist constraints with
btree_gist. SQLite: BEFORE INSERT/UPDATE triggers, which run under the database write lock, so
the check and the insert cannot be split by another writer. Times are compared as instants
(unixepoch), whatever UTC offset a row was written with.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from scheduling.kinds import MeetingStatus, RequestStatus, RoomKind, default_lengths
from tortoise.fields.base import OnDelete
from tortoise import fields

PARTIES = ("room", "detainee", "lawyer")

POSTGRES_FORWARD = "CREATE EXTENSION IF NOT EXISTS btree_gist;\n" + "".join(
    f"""ALTER TABLE meeting ADD CONSTRAINT meeting_no_{party}_overlap
    EXCLUDE USING gist ({party}_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status = 'active');
"""
    for party in PARTIES
) + """ALTER TABLE meeting ADD CONSTRAINT meeting_ends_after_start CHECK (ends_at > starts_at);
ALTER TABLE closure ADD CONSTRAINT closure_ends_after_start CHECK (ends_at > starts_at);
"""
POSTGRES_BACKWARD = "".join(
    f"ALTER TABLE meeting DROP CONSTRAINT IF EXISTS meeting_no_{party}_overlap;\n"
    for party in PARTIES
) + """ALTER TABLE meeting DROP CONSTRAINT IF EXISTS meeting_ends_after_start;
ALTER TABLE closure DROP CONSTRAINT IF EXISTS closure_ends_after_start;
"""

_SQLITE_OVERLAP = """SELECT RAISE(ABORT, 'meeting overlap: {party}') WHERE EXISTS (
    SELECT 1 FROM meeting AS m WHERE NEW.status = 'active' AND m.status = 'active'
    AND m.id IS NOT NEW.id
    AND m.{party}_id = NEW.{party}_id
    AND unixepoch(m.starts_at) < unixepoch(NEW.ends_at)
    AND unixepoch(NEW.starts_at) < unixepoch(m.ends_at));
"""
_SQLITE_TIMES = """SELECT RAISE(ABORT, 'meeting ends_after_start') WHERE
    unixepoch(NEW.starts_at) IS NULL OR unixepoch(NEW.ends_at) IS NULL
    OR unixepoch(NEW.ends_at) <= unixepoch(NEW.starts_at);
"""


def _sqlite_triggers() -> str:
    body = _SQLITE_TIMES + "".join(_SQLITE_OVERLAP.format(party=p) for p in PARTIES)
    return "".join(
        f"CREATE TRIGGER meeting_guard_{event.lower()} BEFORE {event} ON meeting\n"
        f"BEGIN\n{body}END;\n"
        for event in ("INSERT", "UPDATE")
    ) + """CREATE TRIGGER closure_ends_after_start BEFORE INSERT ON closure
WHEN unixepoch(NEW.ends_at) IS NULL OR unixepoch(NEW.ends_at) <= unixepoch(NEW.starts_at)
BEGIN SELECT RAISE(ABORT, 'closure ends_after_start'); END;
"""


SQLITE_FORWARD = _sqlite_triggers()
SQLITE_BACKWARD = """DROP TRIGGER IF EXISTS meeting_guard_insert;
DROP TRIGGER IF EXISTS meeting_guard_update;
DROP TRIGGER IF EXISTS closure_ends_after_start;
"""


def _by_dialect(postgres: str, sqlite: str) -> Any:
    async def run(apps: Any, schema_editor: Any) -> None:
        dialect = schema_editor.client.capabilities.dialect
        await schema_editor.client.execute_script(postgres if dialect == "postgres" else sqlite)

    return run


class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0006_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FacilitySchedule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('facility', fields.OneToOneField('lawmeet.Facility', source_field='facility_id', db_constraint=True, to_field='id', related_name='schedule', on_delete=OnDelete.CASCADE)),
                ('allowed_lengths', fields.JSONField(default=default_lengths, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('buffer_minutes', fields.IntField(default=10)),
            ],
            options={'table': 'facility_schedule', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'Meeting lengths a facility allows and the turnover buffer between meetings.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MeetingRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('engagement', fields.ForeignKeyField('lawmeet.Engagement', source_field='engagement_id', db_constraint=True, to_field='id', related_name='meeting_requests', on_delete=OnDelete.RESTRICT)),
                ('lawyer', fields.ForeignKeyField('lawmeet.User', source_field='lawyer_id', db_constraint=True, to_field='id', related_name='meeting_requests', on_delete=OnDelete.RESTRICT)),
                ('detainee', fields.ForeignKeyField('lawmeet.Detainee', source_field='detainee_id', db_constraint=True, to_field='id', related_name='meeting_requests', on_delete=OnDelete.RESTRICT)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', db_constraint=True, to_field='id', related_name='meeting_requests', on_delete=OnDelete.RESTRICT)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('clock_started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deadline_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deadline', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('preferred_windows', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('length_minutes', fields.IntField(default=60)),
                ('room_kind', fields.CharEnumField(default=RoomKind.IN_PERSON, description='IN_PERSON: in_person\nGLASS_PARTITIONED: glass_partitioned\nVIDEO_LINK: video_link', enum_type=RoomKind, max_length=20)),
                ('assistant_name', fields.CharField(default='', max_length=100)),
                ('assistant_id_number', fields.CharField(default='', max_length=32)),
                ('interpreter_needed', fields.BooleanField(default=False)),
                ('walk_in', fields.BooleanField(default=False)),
                ('status', fields.CharEnumField(default=RequestStatus.REQUESTED, description='REQUESTED: requested\nAWAITING_PERMISSION: awaiting_permission\nPERMISSION_REFUSED: permission_refused\nSCHEDULED: scheduled\nCHECKED_IN: checked_in\nIN_PROGRESS: in_progress\nCOMPLETED: completed\nCANCELLED_BY_LAWYER: cancelled_by_lawyer\nCANCELLED_BY_FACILITY: cancelled_by_facility\nNO_SHOW: no_show\nREFUSED: refused', enum_type=RequestStatus, max_length=24)),
                ('refusal_reason', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meeting_request', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': "A lawyer's request to meet a detainee and the statutory clock it starts (M1, P1)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Room',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', db_constraint=True, to_field='id', related_name='rooms', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharEnumField(default=RoomKind.IN_PERSON, description='IN_PERSON: in_person\nGLASS_PARTITIONED: glass_partitioned\nVIDEO_LINK: video_link', enum_type=RoomKind, max_length=20)),
                ('in_service', fields.BooleanField(default=True)),
            ],
            options={'table': 'room', 'app': 'lawmeet', 'unique_together': (('facility', 'name'),), 'pk_attr': 'id', 'table_description': 'A meeting room of a detention centre.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Closure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', db_constraint=True, to_field='id', related_name='closures', on_delete=OnDelete.RESTRICT)),
                ('room', fields.ForeignKeyField('lawmeet.Room', source_field='room_id', null=True, db_constraint=True, to_field='id', related_name='closures', on_delete=OnDelete.RESTRICT)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(max_length=300)),
                ('created_by', fields.ForeignKeyField('lawmeet.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'closure', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A time the whole facility (no room) or one room takes no meetings.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('lawmeet.MeetingRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.RESTRICT)),
                ('room', fields.ForeignKeyField('lawmeet.Room', source_field='room_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.RESTRICT)),
                ('lawyer', fields.ForeignKeyField('lawmeet.User', source_field='lawyer_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.RESTRICT)),
                ('detainee', fields.ForeignKeyField('lawmeet.Detainee', source_field='detainee_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.RESTRICT)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=MeetingStatus.ACTIVE, description='ACTIVE: active\nCANCELLED: cancelled', enum_type=MeetingStatus, max_length=12)),
                ('reference', fields.CharField(unique=True, max_length=8)),
                ('idempotency_key', fields.CharField(null=True, max_length=100)),
                ('sequence', fields.IntField(default=0)),
                ('uid', fields.CharField(unique=True, max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancel_reason', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'meeting', 'app': 'lawmeet', 'unique_together': (('lawyer', 'idempotency_key'),), 'pk_attr': 'id', 'table_description': 'A booked room and time. The database refuses overlapping active meetings (0007).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OpeningSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', db_constraint=True, to_field='id', related_name='opening_sessions', on_delete=OnDelete.CASCADE)),
                ('weekday', fields.SmallIntField()),
                ('start_minute', fields.SmallIntField()),
                ('end_minute', fields.SmallIntField()),
                ('room', fields.ForeignKeyField('lawmeet.Room', source_field='room_id', null=True, db_constraint=True, to_field='id', related_name='opening_sessions', on_delete=OnDelete.CASCADE)),
                ('valid_from', fields.DateField(null=True)),
                ('valid_to', fields.DateField(null=True)),
            ],
            options={'table': 'opening_session', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A weekly session in local time. With a room it adds hours for that room only.'},
            bases=['Model'],
        ),
        ops.RunPython(
            _by_dialect(POSTGRES_FORWARD, SQLITE_FORWARD),
            _by_dialect(POSTGRES_BACKWARD, SQLITE_BACKWARD),
        ),
    ]
