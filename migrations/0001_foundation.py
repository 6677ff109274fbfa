from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.accounts.roles import AccountStatus, Role
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Agency',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=200)),
                ('region_code', fields.CharField(db_index=True, max_length=6)),
                ('address', fields.CharField(default='', max_length=300)),
                ('phone', fields.CharField(default='', max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'agency', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'An investigating authority / case-handling unit (侦查机关 / 办案部门).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('seq', fields.BigIntField(generated=False, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_id', fields.IntField(null=True)),
                ('actor_label', fields.CharField(default='', max_length=100)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('object_type', fields.CharField(max_length=40)),
                ('object_id', fields.CharField(max_length=40)),
                ('summary', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_entry', 'app': 'lawmeet', 'pk_attr': 'seq'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditHead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seq', fields.BigIntField(default=0)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_head', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': "One row holding the chain's head. Locking it serialises appends across processes."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BarAssociation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=200)),
                ('jurisdiction', fields.CharField(db_index=True, max_length=6)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'bar_association', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A bar association (律师协会). Its jurisdiction is a region code prefix.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Facility',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=200)),
                ('region_code', fields.CharField(db_index=True, max_length=6)),
                ('timezone', fields.CharField(default='Asia/Shanghai', max_length=64)),
                ('address', fields.CharField(default='', max_length=300)),
                ('phone', fields.CharField(default='', max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'facility', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A detention centre (看守所). Each keeps its own time zone for deadlines and opening hours.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ('failures', fields.IntField(default=0)),
                ('window_started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_throttle', 'app': 'lawmeet', 'pk_attr': 'key', 'table_description': 'Failed-login counter per account or per address, shared by every server process.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('display_name', fields.CharField(max_length=100)),
                ('email', fields.CharField(default='', max_length=254)),
                ('phone', fields.CharField(default='', max_length=32)),
                ('role', fields.CharEnumField(description='LAWYER: lawyer\nDETENTION_STAFF: detention_staff\nINVESTIGATOR: investigator\nBAR_AUDITOR: bar_auditor\nADMIN: admin', enum_type=Role, max_length=20)),
                ('status', fields.CharEnumField(default=AccountStatus.ACTIVE, description='PENDING: pending\nACTIVE: active\nDISABLED: disabled', enum_type=AccountStatus, max_length=12)),
                ('password_hash', fields.CharField(max_length=255)),
                ('locale', fields.CharField(null=True, max_length=8)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', null=True, db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('agency', fields.ForeignKeyField('lawmeet.Agency', source_field='agency_id', null=True, db_constraint=True, to_field='id', related_name='investigators', on_delete=OnDelete.RESTRICT)),
                ('bar_association', fields.ForeignKeyField('lawmeet.BarAssociation', source_field='bar_association_id', null=True, db_constraint=True, to_field='id', related_name='auditors', on_delete=OnDelete.RESTRICT)),
                ('licence_number', fields.CharField(null=True, unique=True, max_length=17)),
                ('law_firm', fields.CharField(default='', max_length=200)),
                ('region_code', fields.CharField(default='', db_index=True, max_length=6)),
                ('verified_by', fields.ForeignKeyField('lawmeet.User', source_field='verified_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'user_account', 'app': 'lawmeet', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('lawmeet.User', source_field='user_id', db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('prefix', fields.CharField(max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_token', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A bearer token for /api/v1: shown once, stored hashed, revocable.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id_hash', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('user', fields.ForeignKeyField('lawmeet.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('address', fields.CharField(default='', max_length=64)),
                ('user_agent', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'user_session', 'app': 'lawmeet', 'pk_attr': 'id_hash', 'table_description': 'A server-side login session. The cookie holds a random id whose SHA-256 is the key.'},
            bases=['Model'],
        ),
    ]
