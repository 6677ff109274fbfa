from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from rights_checklist.kinds import ComplaintBody, ComplaintOutcome, ComplaintType, Decision, SubmissionKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0007_scheduling')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Complaint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('lawmeet.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='complaints', on_delete=OnDelete.RESTRICT)),
                ('lawyer', fields.ForeignKeyField('lawmeet.User', source_field='lawyer_id', db_constraint=True, to_field='id', related_name='complaints', on_delete=OnDelete.RESTRICT)),
                ('complaint_type', fields.CharEnumField(description='MEETING_REFUSED: meeting_refused\nNOT_INFORMED: not_informed\nOPINION_IGNORED: opinion_ignored\nEXTRA_DOCUMENTS: extra_documents\nMEETING_MONITORED: meeting_monitored\nCUSTODY_OVERDUE: custody_overdue\nBAIL_DEPOSIT: bail_deposit\nSEIZED_PROPERTY: seized_property\nOTHER: other', enum_type=ComplaintType, max_length=24)),
                ('addressed_to', fields.CharEnumField(description='PROCURATORATE: procuratorate\nBAR_ASSOCIATION: bar_association', enum_type=ComplaintBody, max_length=20)),
                ('description', fields.TextField(unique=False)),
                ('evidence', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('duty', fields.CharField(max_length=4)),
                ('filed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_rule', fields.CharField(default='', max_length=120)),
                ('reply_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reply_summary', fields.TextField(default='', unique=False)),
                ('outcome', fields.CharEnumField(null=True, description='UPHELD: upheld\nPARTLY_UPHELD: partly_upheld\nREJECTED: rejected', enum_type=ComplaintOutcome, max_length=16)),
                ('reply_recorded_by', fields.ForeignKeyField('lawmeet.User', source_field='reply_recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'practice_complaint', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': "A lawyer's complaint of obstruction (C1) or about custody and property (C2)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Submission',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('receipt_number', fields.CharField(unique=True, max_length=32)),
                ('case', fields.ForeignKeyField('lawmeet.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.RESTRICT)),
                ('engagement', fields.ForeignKeyField('lawmeet.Engagement', source_field='engagement_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.RESTRICT)),
                ('lawyer', fields.ForeignKeyField('lawmeet.User', source_field='lawyer_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='OPINION: opinion\nHEARING: hearing\nMEASURE_CHANGE: measure_change\nINTERPRETER: interpreter\nOTHER: other', enum_type=SubmissionKind, max_length=20)),
                ('text', fields.TextField(unique=False)),
                ('sha256', fields.CharField(max_length=64)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('timezone', fields.CharField(default='Asia/Shanghai', max_length=64)),
                ('duty', fields.CharField(default='', max_length=4)),
                ('due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('due_rule', fields.CharField(default='', max_length=120)),
                ('acknowledged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('acknowledged_by', fields.ForeignKeyField('lawmeet.User', source_field='acknowledged_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('attached_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('file_reference', fields.CharField(default='', max_length=120)),
                ('decision', fields.CharEnumField(null=True, description='GRANTED: granted\nREFUSED: refused', enum_type=Decision, max_length=12)),
                ('decision_reasons', fields.TextField(default='', unique=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('lawmeet.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'defence_submission', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A written opinion or an application filed by the lawyer of an active engagement.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SubmissionAttachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('submission', fields.ForeignKeyField('lawmeet.Submission', source_field='submission_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('size', fields.IntField()),
                ('content_type', fields.CharField(max_length=40)),
                ('original_name', fields.CharField(max_length=200)),
            ],
            options={'table': 'defence_submission_attachment', 'app': 'lawmeet', 'unique_together': (('submission', 'position'),), 'pk_attr': 'id', 'table_description': 'A file of a submission, stored content-addressed like the engagement documents.'},
            bases=['Model'],
        ),
    ]
