"""The duty ledger of the compliance audit (issue 8) and the triggers that keep it honest.

Every insert or update of a record the per-case checklist reads appends a `duty_ledger_mark`
row naming the case, from the database itself, so no code path (ORM, bulk update, raw SQL,
another program) can change a case without its ledger rows being re-judged. Marks are plain
appends: no row is ever locked by a writer. Every existing case is marked once at the end.
"""

from typing import Any

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# table -> (the case id of NEW, an optional condition on NEW)
CASE_OF: dict[str, tuple[str, str]] = {
    "criminal_case": ("NEW.id", ""),
    "case_detainee": ("NEW.case_id", ""),
    "case_event": ("NEW.case_id", ""),
    "engagement": ("NEW.case_id", ""),
    "meeting_request": ("(SELECT g.case_id FROM engagement g WHERE g.id = NEW.engagement_id)", ""),
    "meeting": (
        "(SELECT g.case_id FROM meeting_request r JOIN engagement g ON g.id = r.engagement_id"
        " WHERE r.id = NEW.request_id)",
        "",
    ),
    "notification": ("NEW.case_id", "NEW.case_id IS NOT NULL AND NEW.duty_id IS NOT NULL"),
    "defence_submission": ("NEW.case_id", ""),
    "practice_complaint": ("NEW.case_id", ""),
    "family_notice": ("(SELECT e.case_id FROM case_event e WHERE e.id = NEW.event_id)", ""),
}
_MARK = (
    "INSERT INTO duty_ledger_mark (case_id)"
    " SELECT c FROM (SELECT {expr} AS c) x WHERE c IS NOT NULL"
)


def _postgres(table: str, expr: str, condition: str) -> str:
    when = f" WHEN ({condition})" if condition else ""
    return (
        f"CREATE FUNCTION duty_ledger_mark_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN {_MARK.format(expr=expr)}; RETURN NULL; END $$;\n"
        f'CREATE TRIGGER duty_ledger_mark AFTER INSERT OR UPDATE ON "{table}" FOR EACH ROW{when}'
        f" EXECUTE FUNCTION duty_ledger_mark_{table}();\n"
    )


def _sqlite(table: str, expr: str, condition: str) -> str:
    when = f" WHEN {condition}" if condition else ""
    return "".join(
        f'CREATE TRIGGER duty_ledger_mark_{table}_{verb} AFTER {verb.upper()} ON "{table}"{when}'
        f" BEGIN {_MARK.format(expr=expr)}; END;\n"
        for verb in ("insert", "update")
    )


def _drop(dialect: str) -> str:
    if dialect == "postgres":
        return "".join(
            f'DROP TRIGGER IF EXISTS duty_ledger_mark ON "{t}";'
            f" DROP FUNCTION IF EXISTS duty_ledger_mark_{t}();\n"
            for t in CASE_OF
        )
    return "".join(
        f"DROP TRIGGER IF EXISTS duty_ledger_mark_{t}_{v};\n"
        for t in CASE_OF
        for v in ("insert", "update")
    )


async def _forward(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    build = _postgres if client.capabilities.dialect == "postgres" else _sqlite
    await client.execute_script("".join(build(t, *spec) for t, spec in CASE_OF.items()))
    await client.execute_script(
        "INSERT INTO duty_ledger_mark (case_id) SELECT id FROM criminal_case;"
    )


async def _backward(apps: Any, schema_editor: Any) -> None:
    await schema_editor.client.execute_script(_drop(schema_editor.client.capabilities.dialect))


class Migration(migrations.Migration):
    dependencies = [("lawmeet", "0011_search_indexes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="DutyLedgerMark",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("case_id", fields.IntField(db_index=True)),
            ],
            options={
                "table": "duty_ledger_mark",
                "app": "lawmeet",
                "pk_attr": "id",
                "table_description": "A case changed since its ledger rows were written. Database triggers (migration 0012)",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DutyRecord",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "lawmeet.Case",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("duty_id", fields.CharField(max_length=4)),
                ("occurrence", fields.CharField(max_length=80)),
                ("statutory", fields.BooleanField(default=True)),
                ("facility_id", fields.IntField(null=True)),
                ("agency_id", fields.IntField(null=True)),
                ("region_code", fields.CharField(default="", max_length=6)),
                ("arose_us", fields.BigIntField()),
                ("arose_on", fields.DateField()),
                ("arose_week", fields.CharField(max_length=8)),
                ("arose_month", fields.CharField(max_length=7)),
                ("due_us", fields.BigIntField(null=True)),
                ("fulfilled_us", fields.BigIntField(null=True)),
                ("settled_status", fields.CharField(null=True, max_length=16)),
                ("request_id", fields.IntField(null=True)),
                ("booked_us", fields.BigIntField(null=True)),
                ("judged_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "duty_record",
                "app": "lawmeet",
                "unique_together": (("case", "duty_id", "occurrence"),),
                "indexes": [
                    Index(fields=["region_code", "arose_on"]),
                    Index(fields=["facility_id", "arose_on"]),
                    Index(fields=["agency_id", "arose_on"]),
                ],
                "pk_attr": "id",
                "table_description": "One duty of one case as the checklist last judged it. ``settled_status`` is set when",
            },
            bases=["Model"],
        ),
        ops.RunPython(_forward, _backward),
    ]
