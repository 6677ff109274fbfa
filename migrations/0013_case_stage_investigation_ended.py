from tortoise import migrations
from tortoise.migrations import operations as ops
from app.cases.kinds import CaseStage
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0012_duty_ledger')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Case',
            name='stage',
            field=fields.CharEnumField(default=CaseStage.INVESTIGATION, description='INVESTIGATION: investigation\nINVESTIGATION_ENDED: investigation_ended\nPROSECUTION_REVIEW: prosecution_review\nTRIAL: trial\nCLOSED: closed', enum_type=CaseStage, max_length=24),
        ),
    ]
