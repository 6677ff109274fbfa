"""Imported rest-day calendar years (rest_day_year) and their days (rest_day)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0002_audit_append_only')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ImportedRestDayYear',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField(unique=True)),
                ('source', fields.TextField(unique=False)),
                ('filename', fields.CharField(default='', max_length=255)),
                ('imported_by', fields.ForeignKeyField('lawmeet.User', source_field='imported_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('imported_by_label', fields.CharField(default='', max_length=100)),
                ('imported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rest_day_year', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'One imported calendar year: where it came from and who imported it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImportedRestDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('calendar_year', fields.ForeignKeyField('lawmeet.ImportedRestDayYear', source_field='calendar_year_id', db_constraint=True, to_field='id', related_name='days', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField(unique=True)),
                ('kind', fields.CharField(max_length=8)),
                ('name', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'rest_day', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A public holiday or a make-up working day (调休) of an imported year.'},
            bases=['Model'],
        ),
    ]
