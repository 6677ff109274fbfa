from tortoise import migrations
from tortoise.migrations import operations as ops
from app.accounts.licence_register import RegisterStatus
from app.accounts.roles import AccountStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0013_case_stage_investigation_ended')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LicenceRegisterEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bar_association', fields.ForeignKeyField('lawmeet.BarAssociation', source_field='bar_association_id', db_constraint=True, to_field='id', related_name='register_entries', on_delete=OnDelete.RESTRICT)),
                ('licence_number', fields.CharField(db_index=True, max_length=17)),
                ('name', fields.CharField(max_length=100)),
                ('law_firm', fields.CharField(default='', max_length=200)),
                ('status', fields.CharEnumField(description='PRACTISING: practising\nSUSPENDED: suspended\nREVOKED: revoked\nCANCELLED: cancelled', enum_type=RegisterStatus, max_length=12)),
                ('imported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'licence_register_entry', 'app': 'lawmeet', 'unique_together': (('bar_association', 'licence_number'),), 'pk_attr': 'id', 'table_description': "One lawyer in a bar association's register, as its latest import gave it."},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='User',
            name='status',
            field=fields.CharEnumField(default=AccountStatus.ACTIVE, description='PENDING: pending\nACTIVE: active\nDISABLED: disabled\nREFUSED: refused', enum_type=AccountStatus, max_length=12),
        ),
        ops.AddField(
            model_name='User',
            name='licence_flag',
            field=fields.CharField(default='', max_length=40),
        ),
        ops.AddField(
            model_name='User',
            name='licence_flagged_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='refusal_reason',
            field=fields.CharField(default='', max_length=500),
        ),
    ]
