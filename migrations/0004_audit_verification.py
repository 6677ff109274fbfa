"""The audit_verification table: the outcome of each run of `lawmeet audit verify`."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0003_rest_day_calendar')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditVerification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ok', fields.BooleanField()),
                ('first_bad_seq', fields.BigIntField(null=True)),
                ('reason', fields.CharField(default='', max_length=40)),
                ('entries_checked', fields.BigIntField(default=0)),
                ('head_seq', fields.BigIntField(default=0)),
                ('head_hash', fields.CharField(default='', max_length=64)),
                ('checkpoint', fields.CharField(default='', max_length=255)),
                ('checkpoint_seq', fields.BigIntField(null=True)),
                ('actor_id', fields.IntField(null=True)),
                ('actor_label', fields.CharField(default='', max_length=100)),
            ],
            options={'table': 'audit_verification', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'The outcome of one run of the chain verification, shown on the audit page.'},
            bases=['Model'],
        ),
    ]
