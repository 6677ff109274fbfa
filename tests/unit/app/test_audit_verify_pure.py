"""Pure parts of audit verification: the batch-fed walker, pins, checkpoints, export lines."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.audit.chain import GENESIS_HASH, Break, ChainEntry, ChainWalker, Pin, link_hash
from app.audit.service import clean_summary
from app.audit.stream import export_line
from app.audit.verify import Checkpoint, CheckpointError, Outcome, read_checkpoint
from app.cli.audit import parse_bound

AT = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def entry(seq: int, prev: str, **changes: object) -> ChainEntry:
    values: dict[str, object] = {
        "at": AT + timedelta(seconds=seq),
        "actor_id": 7,
        "action": "user.created",
        "object_type": "user",
        "object_id": str(seq),
        "summary": {"n": seq},
    }
    values.update(changes)
    digest = link_hash(
        seq,
        values["at"],
        values["actor_id"],
        values["action"],
        values["object_type"],
        values["object_id"],
        values["summary"],
        prev,
    )
    return ChainEntry(seq=seq, prev_hash=prev, hash=digest, **values)  # type: ignore[arg-type]


def chain(length: int) -> list[ChainEntry]:
    built: list[ChainEntry] = []
    for seq in range(1, length + 1):
        built.append(entry(seq, built[-1].hash if built else GENESIS_HASH))
    return built


def walk(entries: list[ChainEntry], batch: int = 3, pins: tuple[Pin, ...] = ()) -> Break | None:
    walker = ChainWalker(pins=pins)
    for start in range(0, len(entries), batch):
        if walker.feed(entries[start : start + batch]):
            break
    return walker.finish()


@pytest.mark.parametrize("batch", [1, 2, 3, 5, 100])
def test_batches_of_any_size_verify_the_same(batch: int) -> None:
    entries = chain(10)
    assert walk(entries, batch) is None
    tampered = [*entries]
    tampered[6] = dataclasses.replace(entries[6], summary={"n": 0})
    assert walk(tampered, batch) == Break(7, "altered")


def test_walker_counts_and_reports_the_head() -> None:
    entries = chain(5)
    walker = ChainWalker()
    walker.feed(entries[:2])
    walker.feed(entries[2:])
    assert (walker.checked, walker.last_seq, walker.last_hash) == (5, 5, entries[-1].hash)


def test_walker_stays_broken_after_the_first_break() -> None:
    entries = chain(6)
    walker = ChainWalker()
    assert walker.feed([entries[0], entries[2]]) == Break(2, "missing")
    assert walker.feed(entries[3:]) == Break(2, "missing")
    assert walker.checked == 1


def test_renumbered_rows_around_a_well_forged_row_name_the_forgery() -> None:
    entries = chain(6)
    intruder = entry(3, entries[1].hash, action="lawyer.verified")
    shifted = [dataclasses.replace(e, seq=e.seq + 1) for e in entries[2:]]
    assert walk([*entries[:2], intruder, *shifted]) == Break(3, "inserted")


def test_rows_renumbered_down_over_a_deleted_row_break_there() -> None:
    entries = chain(6)
    shifted = [dataclasses.replace(e, seq=e.seq - 1) for e in entries[3:]]
    assert walk([*entries[:2], *shifted]) == Break(3, "altered")


def test_empty_chain_is_intact() -> None:
    assert walk([]) is None


def test_pin_with_the_same_hash_passes() -> None:
    entries = chain(6)
    assert walk(entries, pins=(Pin(4, entries[3].hash, "checkpoint"),)) is None


def test_pin_with_another_hash_breaks_at_its_seq() -> None:
    entries = chain(6)
    assert walk(entries, pins=(Pin(4, "f" * 64, "checkpoint"),)) == Break(4, "checkpoint_mismatch")
    assert walk(entries, pins=(Pin(6, "f" * 64, "head"),)) == Break(6, "head_mismatch")


def test_pin_beyond_the_last_entry_is_a_truncated_tail() -> None:
    entries = chain(6)
    assert walk(entries[:4], pins=(Pin(6, entries[5].hash, "checkpoint"),)) == Break(5, "truncated")
    assert walk([], pins=(Pin(2, entries[1].hash, "head"),)) == Break(1, "truncated")


def test_a_link_break_before_a_pin_wins() -> None:
    entries = chain(6)
    tampered = [*entries[:1], dataclasses.replace(entries[1], action="x"), *entries[2:4]]
    pins = (Pin(6, entries[5].hash, "checkpoint"),)
    assert walk(tampered, pins=pins) == Break(2, "altered")


def test_checkpoint_file_round_trip(tmp_path: Path) -> None:
    checkpoint = Checkpoint(12, "a" * 64, AT, AT + timedelta(minutes=1))
    path = tmp_path / "c.json"
    path.write_text(checkpoint.to_json())
    assert read_checkpoint(path) == checkpoint


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"format": "other", "seq": 1, "hash": "a" * 64, "taken_at": AT.isoformat()}),
        json.dumps({"format": "lawmeet-audit-checkpoint/1", "seq": -1, "hash": "a" * 64}),
        json.dumps({"format": "lawmeet-audit-checkpoint/1", "seq": 1, "hash": "xyz"}),
        json.dumps({"format": "lawmeet-audit-checkpoint/1", "seq": 1, "hash": "a" * 64}),
        "[]",
    ],
)
def test_bad_checkpoint_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(content)
    with pytest.raises(CheckpointError):
        read_checkpoint(path)


def test_missing_checkpoint_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError):
        read_checkpoint(tmp_path / "absent.json")


def test_outcome_lines() -> None:
    assert Outcome(3, 3, "ab", None).line() == "ok: 3 entries, head seq 3 hash ab"
    broken = Outcome(2, 2, "ab", Break(3, "altered"))
    assert broken.line().startswith("broken: first bad seq 3 (altered)")
    assert not broken.ok


def test_summary_drops_secrets_at_any_depth_and_becomes_plain_json() -> None:
    summary = {
        "role": "admin",
        "password": "x",
        "new_password": "x",
        "Token": "x",
        "client_secret": "x",
        "content": "what was said",
        "file_bytes": b"%PDF",
        "nested": {"password_hash": "x", "kept": (1, 2), "when": AT},
    }
    assert clean_summary(summary) == {
        "role": "admin",
        "nested": {"kept": [1, 2], "when": AT.isoformat()},
    }
    assert clean_summary(None) == {}


def test_export_line_is_one_json_object_with_an_iso_utc_time() -> None:
    shanghai = AT.astimezone(timezone(timedelta(hours=8)))
    line = export_line({"seq": 1, "at": shanghai, "summary": {"会见": 1}})
    assert "\n" not in line
    assert json.loads(line) == {"seq": 1, "at": "2026-03-01T08:30:00+00:00", "summary": {"会见": 1}}


def test_date_bounds_are_whole_local_days() -> None:
    assert parse_bound("2026-03-01", SHANGHAI) == datetime(2026, 3, 1, tzinfo=SHANGHAI)
    assert parse_bound("2026-03-01", SHANGHAI, end=True) == datetime(2026, 3, 2, tzinfo=SHANGHAI)


def test_date_time_bounds_are_instants_and_an_end_is_included() -> None:
    assert parse_bound("2026-03-01T10:00:00+00:00", SHANGHAI) == datetime(
        2026, 3, 1, 10, tzinfo=UTC
    )
    assert parse_bound("2026-03-01T10:00", SHANGHAI, end=True) == datetime(
        2026, 3, 1, 10, tzinfo=SHANGHAI
    ) + timedelta(microseconds=1)
    with pytest.raises(ValueError):
        parse_bound("March", SHANGHAI)
