from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.cases.kinds import CaseCategory, CaseStage, CustodyStatus, DocumentKind, DocumentReview, EngagementKind, EngagementStatus, EventKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0004_audit_verification')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Case',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agency', fields.ForeignKeyField('lawmeet.Agency', source_field='agency_id', db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.RESTRICT)),
                ('case_number', fields.CharField(max_length=64)),
                ('category', fields.CharEnumField(default=CaseCategory.ORDINARY, description='ORDINARY: ordinary\nSTATE_SECURITY: state_security\nTERRORISM: terrorism\nESPECIALLY_SERIOUS_BRIBERY: especially_serious_bribery', enum_type=CaseCategory, max_length=32)),
                ('stage', fields.CharEnumField(default=CaseStage.INVESTIGATION, description='INVESTIGATION: investigation\nPROSECUTION_REVIEW: prosecution_review\nTRIAL: trial\nCLOSED: closed', enum_type=CaseStage, max_length=24)),
                ('suspected_charges', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'criminal_case', 'app': 'lawmeet', 'unique_together': (('agency', 'case_number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseInvestigator',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('lawmeet.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('investigator', fields.ForeignKeyField('lawmeet.User', source_field='investigator_id', db_constraint=True, to_field='id', related_name='case_assignments', on_delete=OnDelete.RESTRICT)),
                ('assigned_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'case_investigator', 'app': 'lawmeet', 'unique_together': (('case', 'investigator'),), 'pk_attr': 'id', 'table_description': 'An investigator assigned to a case (who may record its events).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Detainee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('id_number', fields.CharField(db_index=True, max_length=32)),
                ('facility', fields.ForeignKeyField('lawmeet.Facility', source_field='facility_id', db_constraint=True, to_field='id', related_name='detainees', on_delete=OnDelete.RESTRICT)),
                ('custody_status', fields.CharEnumField(default=CustodyStatus.IN_CUSTODY, description='IN_CUSTODY: in_custody\nRELEASED: released\nMOVED: moved', enum_type=CustodyStatus, max_length=16)),
                ('admitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'detainee', 'app': 'lawmeet', 'unique_together': (('facility', 'id_number'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseDetainee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('lawmeet.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='detainee_links', on_delete=OnDelete.CASCADE)),
                ('detainee', fields.ForeignKeyField('lawmeet.Detainee', source_field='detainee_id', db_constraint=True, to_field='id', related_name='case_links', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'case_detainee', 'app': 'lawmeet', 'unique_together': (('case', 'detainee'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Engagement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lawyer', fields.ForeignKeyField('lawmeet.User', source_field='lawyer_id', db_constraint=True, to_field='id', related_name='engagements', on_delete=OnDelete.RESTRICT)),
                ('case', fields.ForeignKeyField('lawmeet.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='engagements', on_delete=OnDelete.RESTRICT)),
                ('detainee', fields.ForeignKeyField('lawmeet.Detainee', source_field='detainee_id', db_constraint=True, to_field='id', related_name='engagements', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(default=EngagementKind.RETAINED, description='RETAINED: retained\nLEGAL_AID: legal_aid\nDUTY_LAWYER: duty_lawyer', enum_type=EngagementKind, max_length=16)),
                ('status', fields.CharEnumField(default=EngagementStatus.PENDING, description='PENDING: pending\nACTIVE: active\nTERMINATED: terminated', enum_type=EngagementStatus, max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('activated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('notice_sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('terminated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'engagement', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'A lawyer acting for a detainee in a case (委托, legal aid or duty lawyer).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('lawmeet.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('detainee', fields.ForeignKeyField('lawmeet.Detainee', source_field='detainee_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='CRIMINAL_DETENTION: criminal_detention\nARREST: arrest\nBAIL: bail\nRESIDENTIAL_SURVEILLANCE: residential_surveillance\nDESIGNATED_RESIDENCE_SURVEILLANCE: designated_residence_surveillance\nMEASURE_CHANGED: measure_changed\nMEASURE_LIFTED: measure_lifted\nCUSTODY_EXTENSION: custody_extension\nTRANSFER_FOR_PROSECUTION: transfer_for_prosecution\nINVESTIGATION_ENDED: investigation_ended\nRELEASED: released\nMOVED_FACILITY: moved_facility\nENGAGEMENT_NOTICE: engagement_notice\nENGAGEMENT_TERMINATED: engagement_terminated\nCORRECTION: correction', enum_type=EventKind, max_length=40)),
                ('effective_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('recorded_by', fields.ForeignKeyField('lawmeet.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('note', fields.TextField(default='', unique=False)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('engagement', fields.ForeignKeyField('lawmeet.Engagement', source_field='engagement_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('corrects', fields.ForeignKeyField('lawmeet.CaseEvent', source_field='corrects_id', null=True, db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'case_event', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'An entry of the case timeline: effective time (may be earlier) and recording time.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EngagementDocument',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('engagement', fields.ForeignKeyField('lawmeet.Engagement', source_field='engagement_id', db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='PRACTICE_LICENCE: practice_licence\nFIRM_LETTER: firm_letter\nPOWER_OF_ATTORNEY: power_of_attorney\nLEGAL_AID_LETTER: legal_aid_letter', enum_type=DocumentKind, max_length=24)),
                ('sha256', fields.CharField(max_length=64)),
                ('size', fields.IntField()),
                ('content_type', fields.CharField(max_length=40)),
                ('original_name', fields.CharField(max_length=200)),
                ('uploaded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('review', fields.CharEnumField(default=DocumentReview.PENDING, description='PENDING: pending\nACCEPTED: accepted\nREJECTED: rejected', enum_type=DocumentReview, max_length=12)),
                ('reviewed_by', fields.ForeignKeyField('lawmeet.User', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('review_note', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'engagement_document', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': 'One of the three documents, stored content-addressed outside any served folder.'},
            bases=['Model'],
        ),
    ]
