"""Indexes the availability search and the audit export read by.

The availability search asks for a facility's active meetings in a window. The only index on
meeting.room_id was the GiST index of the room EXCLUDE constraint, whose range half cannot
serve the window comparison, so every meeting the rooms ever had was read (BENCHMARKS.md).
A partial index on (room_id, ends_at) of active meetings reads about eight rows a room.
`lawmeet audit export --from/--to` selects entries by time. Both dialects take the same SQL.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

FORWARD = """
CREATE INDEX meeting_active_room_ends ON meeting (room_id, ends_at) WHERE status = 'active';
CREATE INDEX meeting_active_party_ends ON meeting (lawyer_id, ends_at) WHERE status = 'active';
CREATE INDEX meeting_active_detainee_ends ON meeting (detainee_id, ends_at)
    WHERE status = 'active';
CREATE INDEX audit_entry_at ON audit_entry (at);
"""
BACKWARD = """
DROP INDEX IF EXISTS meeting_active_room_ends;
DROP INDEX IF EXISTS meeting_active_party_ends;
DROP INDEX IF EXISTS meeting_active_detainee_ends;
DROP INDEX IF EXISTS audit_entry_at;
"""


def _run(script: str) -> Any:
    async def run(apps: Any, schema_editor: Any) -> None:
        await schema_editor.client.execute_script(script)

    return run


class Migration(migrations.Migration):
    dependencies = [("lawmeet", "0010_family_notices")]

    operations = [ops.RunPython(_run(FORWARD), _run(BACKWARD))]
