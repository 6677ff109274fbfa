"""Reading the audit table in seq order, a batch at a time, and exporting it as JSON Lines.

Keyset pagination on the primary key (seq > last seen) keeps every batch query cheap and the
memory bounded, however many millions of entries the table holds.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, TextIO

from app.audit.chain import ChainEntry
from app.audit.models import AuditEntry

BATCH_SIZE = 5000
CHAIN_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "summary",
    "prev_hash",
    "hash",
)
EXPORT_FIELDS = (*CHAIN_FIELDS[:3], "actor_label", *CHAIN_FIELDS[3:])


async def entry_batches(
    fields: tuple[str, ...] = CHAIN_FIELDS,
    batch_size: int = BATCH_SIZE,
    after_seq: int = 0,
    **filters: Any,
) -> AsyncIterator[list[dict[str, Any]]]:
    """Rows of audit_entry (as dicts of `fields`) in seq order, `batch_size` at a time."""
    while True:
        rows = (
            await AuditEntry.filter(seq__gt=after_seq, **filters)
            .order_by("seq")
            .limit(batch_size)
            .values(*fields)
        )
        if not rows:
            return
        yield rows
        after_seq = rows[-1]["seq"]


def as_chain_entry(row: dict[str, Any]) -> ChainEntry:
    return ChainEntry(**{name: row[name] for name in CHAIN_FIELDS})


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def export_line(row: dict[str, Any]) -> str:
    """One entry as a JSON object on one line: every field, the time in ISO 8601 UTC."""
    return json.dumps({**row, "at": _iso(row["at"])}, ensure_ascii=False, sort_keys=True)


async def export_entries(
    out: TextIO,
    start: datetime | None = None,
    end: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Write the entries with start <= at < end to `out` as JSON Lines; return how many."""
    filters: dict[str, Any] = {}
    if start is not None:
        filters["at__gte"] = start
    if end is not None:
        filters["at__lt"] = end
    written = 0
    async for rows in entry_batches(EXPORT_FIELDS, batch_size, **filters):
        for row in rows:
            out.write(export_line(row) + "\n")
        written += len(rows)
    return written
