from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from notifications.kinds import Channel, Status
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0005_case_registry')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('template', fields.CharField(max_length=64)),
                ('recipient', fields.ForeignKeyField('lawmeet.User', source_field='recipient_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('address', fields.CharField(default='', max_length=255)),
                ('channel', fields.CharEnumField(description='EMAIL: email\nSMS: sms\nINAPP: inapp\nCONSOLE: console', enum_type=Channel, max_length=16)),
                ('language', fields.CharField(default='zh-CN', max_length=8)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('calendar_ics', fields.TextField(null=True, unique=False)),
                ('not_before', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=Status.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nDELIVERED: delivered\nFAILED: failed\nDEAD: dead\nCANCELLED: cancelled', enum_type=Status, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('provider_id', fields.CharField(default='', db_index=True, max_length=255)),
                ('duty_id', fields.CharField(null=True, max_length=32)),
                ('deadline', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'lawmeet', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['recipient_id', 'channel', 'read_at'])], 'pk_attr': 'id', 'table_description': 'One message to one recipient on one channel, delivered at least once by the worker.'},
            bases=['Model'],
        ),
    ]
