from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """Cases of the demo history written straight into the tables (`lawmeet demo`), so the
    compliance pages can say which figures are demo data outside the audit trail."""

    dependencies = [('lawmeet', '0014_licence_register')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Case',
            name='demo_history',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
