"""The audit table accepts INSERT only: UPDATE and DELETE are refused by a trigger."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END;
"""
SQLITE_BACKWARD = """
DROP TRIGGER IF EXISTS audit_entry_no_update;
DROP TRIGGER IF EXISTS audit_entry_no_delete;
"""


def _by_dialect(postgres: str, sqlite: str) -> Any:
    async def run(apps: Any, schema_editor: Any) -> None:
        dialect = schema_editor.client.capabilities.dialect
        await schema_editor.client.execute_script(postgres if dialect == "postgres" else sqlite)

    return run


class Migration(migrations.Migration):
    dependencies = [("lawmeet", "0001_foundation")]

    operations = [
        ops.RunPython(
            _by_dialect(POSTGRES_FORWARD, SQLITE_FORWARD),
            _by_dialect(POSTGRES_BACKWARD, SQLITE_BACKWARD),
        ),
    ]
