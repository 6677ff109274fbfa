from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0015_case_demo_history')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='supervises_agency',
            field=fields.BooleanField(default=False),
        ),
    ]
