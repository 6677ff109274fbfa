"""Restore the duty ledger's triggers on `criminal_case` on SQLite.

SQLite cannot alter a column in place, so migration 0013 (the case's stage) rebuilt the table,
and a rebuilt table loses its triggers: from then on a change to the case row itself (its
stage, its category) no longer marked the case for re-judging. PostgreSQL altered the column
in place and kept its trigger. Every case is marked once, for what the gap may have missed.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

_MARK = "INSERT INTO duty_ledger_mark (case_id) SELECT NEW.id WHERE NEW.id IS NOT NULL"


async def _forward(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "sqlite":
        await client.execute_script(
            "".join(
                f"CREATE TRIGGER IF NOT EXISTS duty_ledger_mark_criminal_case_{verb}"
                f' AFTER {verb.upper()} ON "criminal_case" BEGIN {_MARK}; END;\n'
                for verb in ("insert", "update")
            )
        )
    await client.execute_script(
        "INSERT INTO duty_ledger_mark (case_id) SELECT id FROM criminal_case;"
    )


async def _backward(apps: Any, schema_editor: Any) -> None:
    """Nothing to undo: 0012's own backward step drops these triggers."""


class Migration(migrations.Migration):
    dependencies = [("lawmeet", "0017_complaint_copy")]

    initial = False

    operations = [ops.RunPython(_forward, _backward)]
