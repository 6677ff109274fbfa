from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0009_meetings_and_delivery')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FamilyNotice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('lawmeet.CaseEvent', source_field='event_id', db_constraint=True, to_field='id', related_name='family_notices', on_delete=OnDelete.RESTRICT)),
                ('notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('manner', fields.CharField(default='', max_length=100)),
                ('lawful_reason', fields.CharField(null=True, max_length=20)),
                ('details', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.ForeignKeyField('lawmeet.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'family_notice', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'N6/N7: the family was told of a criminal detention or an arrest (when and how), or the'},
            bases=['Model'],
        ),
    ]
