"""The Merkle tree over the audit entries (issue 19): its perfect subtrees and the signed tree
heads, append-only like the entries, and the head's frontier; the tree is built for the
entries already there."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from app.audit import merkle

TABLES = ("audit_tree_node", "audit_checkpoint")  # only ever inserted into, like the entries
POSTGRES_FORWARD = "".join(f"""
CREATE OR REPLACE FUNCTION {t}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{t} is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {t}_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION {t}_append_only();
""" for t in TABLES)
POSTGRES_BACKWARD = "".join(f"""
DROP TRIGGER IF EXISTS {t}_append_only ON {t};
DROP FUNCTION IF EXISTS {t}_append_only();
""" for t in TABLES)
SQLITE_FORWARD = "".join(f"""
CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
""" for t in TABLES)
SQLITE_BACKWARD = "".join(f"""
DROP TRIGGER IF EXISTS {t}_no_update;
DROP TRIGGER IF EXISTS {t}_no_delete;
""" for t in TABLES)
BATCH = 5000


async def _forward(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    await client.execute_script(POSTGRES_FORWARD if postgres else SQLITE_FORWARD)
    mark = (lambda n: f"${n}") if postgres else (lambda n: "?")
    frontier, after = merkle.Frontier(), 0
    while True:  # the entries already there, in seq order, a batch at a time
        rows = (await client.execute_query(
            f"SELECT seq, hash FROM audit_entry WHERE seq > {mark(1)} ORDER BY seq LIMIT {BATCH}",
            [after],
        ))[1]
        if not rows:
            break
        nodes: list[tuple[int, int, bytes]] = []
        for row in rows:
            frontier, completed = frontier.append_with_subtrees(
                merkle.leaf_hash(bytes.fromhex(row["hash"]))
            )
            nodes.extend(completed)
        for start, height, digest in nodes:
            await client.execute_query(
                "INSERT INTO audit_tree_node (height, start, hash)"
                f" VALUES ({mark(1)}, {mark(2)}, {mark(3)})",
                [height, start, digest.hex()],
            )
        after = rows[-1]["seq"]
    await client.execute_query(
        f"UPDATE audit_head SET tree_size = {mark(1)}, frontier = {mark(2)} WHERE id = 1",
        [frontier.size, frontier.to_hashes().hex()],
    )


async def _backward(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    await client.execute_script(POSTGRES_BACKWARD if postgres else SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [('lawmeet', '0018_case_ledger_triggers')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('size', fields.BigIntField(db_index=True)),
                ('root', fields.CharField(max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(unique=False)),
            ],
            options={'table': 'audit_checkpoint', 'app': 'lawmeet', 'pk_attr': 'id', 'table_description': "A signed tree head: the tree's size and root at a time, and the signed note as it was"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditTreeNode',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('height', fields.SmallIntField()),
                ('start', fields.BigIntField()),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_tree_node', 'app': 'lawmeet', 'unique_together': (('height', 'start'),), 'pk_attr': 'id', 'table_description': 'One perfect subtree of the Merkle tree: the 2^height leaves from leaf ``start``.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AuditHead',
            name='frontier',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='AuditHead',
            name='tree_size',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.RunPython(_forward, _backward),
    ]
