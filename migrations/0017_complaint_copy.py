from tortoise import migrations
from tortoise.migrations import operations as ops
from rights_checklist.kinds import ComplaintBody
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("lawmeet", "0016_agency_supervisor")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Complaint",
            name="copied_to",
            field=fields.CharEnumField(
                null=True,
                description="PROCURATORATE: procuratorate\nBAR_ASSOCIATION: bar_association",
                enum_type=ComplaintBody,
                max_length=20,
            ),
        ),
    ]
