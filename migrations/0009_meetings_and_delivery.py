from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0008_defence_submissions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('lawmeet.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='calendar_feeds', on_delete=OnDelete.CASCADE)),
                ('scope', fields.CharField(max_length=12)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('room', fields.ForeignKeyField('lawmeet.Room', source_field='room_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_feed', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': "A secret, revocable subscription URL: a lawyer's meetings, or a facility's or room's."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Escalation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notification', fields.OneToOneField('lawmeet.Notification', source_field='notification_id', db_constraint=True, to_field='id', related_name='escalation', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=16)),
                ('case', fields.ForeignKeyField('lawmeet.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('agency', fields.ForeignKeyField('lawmeet.Agency', source_field='agency_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('raised_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_by', fields.ForeignKeyField('lawmeet.User', source_field='resolved_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('resolution', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'notification_escalation', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A statutory notice that was not delivered by its deadline, or died: the responsible unit'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('lawmeet.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notification_preference', on_delete=OnDelete.CASCADE)),
                ('email', fields.BooleanField(default=True)),
                ('sms', fields.BooleanField(default=True)),
                ('language', fields.CharField(default='zh-CN', max_length=8)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notification_preference', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': "A user's channels and language. Statutory notices ignore an opt-out of a channel and"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SmsOptOut',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone', fields.CharField(unique=True, max_length=32)),
                ('keyword', fields.CharField(max_length=32)),
                ('opted_out_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sms_opt_out', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A number that replied STOP or 退订: no more non-statutory SMS to it.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Meeting',
            name='assistant_present',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='checked_in_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='closure',
            field=fields.ForeignKeyField('lawmeet.Closure', source_field='closure_id', null=True, db_constraint=True, to_field='id', related_name='affected_meetings', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Meeting',
            name='documents_verified',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='ended_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='needs_rebooking',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='no_show_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='started_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='facility_cancel_reason',
            field=fields.CharField(default='', db_default='', max_length=300),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_deadline',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_decided_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_decided_by',
            field=fields.ForeignKeyField('lawmeet.User', source_field='permission_decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_due_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_granted',
            field=fields.BooleanField(null=True),
        ),
        ops.AddField(
            model_name='MeetingRequest',
            name='permission_reasons',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Notification',
            name='case',
            field=fields.ForeignKeyField('lawmeet.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Notification',
            name='topic',
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
    ]
