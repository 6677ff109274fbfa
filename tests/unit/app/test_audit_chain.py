"""The audit hash chain: canonical form, links, and where a tampered chain first breaks."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.audit.chain import GENESIS_HASH, ChainEntry, canonical, first_broken_link, link_hash

AT = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
FIELDS = [f.name for f in dataclasses.fields(ChainEntry)]
PROPERTIES = settings(max_examples=100, deadline=None)


def make_chain(
    records: list[dict[str, Any]], start_seq: int = 1, start_hash: str = GENESIS_HASH
) -> list[ChainEntry]:
    """Entries as the audit service writes them: each links to the hash before it."""
    chain: list[ChainEntry] = []
    prev = start_hash
    for offset, record in enumerate(records):
        seq = start_seq + offset
        digest = link_hash(
            seq,
            record["at"],
            record["actor_id"],
            record["action"],
            record["object_type"],
            record["object_id"],
            record["summary"],
            prev,
        )
        chain.append(ChainEntry(seq=seq, prev_hash=prev, hash=digest, **record))
        prev = digest
    return chain


def forged(seq: int, prev_hash: str, **record: Any) -> ChainEntry:
    """An entry a forger computes correctly (the chain hash is public, unkeyed SHA-256)."""
    values = {**sample_record(), **record}
    digest = link_hash(
        seq,
        values["at"],
        values["actor_id"],
        values["action"],
        values["object_type"],
        values["object_id"],
        values["summary"],
        prev_hash,
    )
    return ChainEntry(seq=seq, prev_hash=prev_hash, hash=digest, **values)


def sample_record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "at": AT,
        "actor_id": 7,
        "action": "lawyer.verified",
        "object_type": "user",
        "object_id": "42",
        "summary": {"region_code": "110100"},
    }
    return {**record, **changes}


summaries = st.dictionaries(
    st.text(max_size=8),
    st.one_of(st.none(), st.booleans(), st.integers(-(10**9), 10**9), st.text(max_size=12)),
    max_size=3,
)
records = st.fixed_dictionaries(
    {
        "at": st.datetimes(
            min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
        ),
        "actor_id": st.none() | st.integers(1, 10**6),
        "action": st.sampled_from(
            ["lawyer.registered", "lawyer.verified", "user.created", "session.login", "会见.预约"]
        ),
        "object_type": st.sampled_from(["user", "api_token", "facility"]),
        "object_id": st.integers(1, 10**6).map(str),
        "summary": summaries,
    }
)
chains = st.lists(records, min_size=1, max_size=12).map(make_chain)
long_chains = st.lists(records, min_size=2, max_size=12).map(make_chain)


def _flip(hex_digest: str) -> str:
    return ("1" if hex_digest[0] == "0" else "0") + hex_digest[1:]


def edited(entry: ChainEntry, field: str, nudge: int) -> ChainEntry:
    """`entry` with one field changed to a genuinely different value."""
    value: Any = getattr(entry, field)
    new: Any
    if field == "seq":
        new = value + nudge
    elif field == "at":
        new = value + timedelta(microseconds=nudge)
    elif field == "actor_id":
        new = None if value is not None else abs(nudge)
    elif field in ("action", "object_type", "object_id"):
        new = value + "x"
    elif field == "summary":
        new = {**value, "__tampered__": nudge}
    else:  # prev_hash, hash
        new = _flip(value)
    return dataclasses.replace(entry, **{field: new})


# Examples


def test_empty_chain_is_intact() -> None:
    assert first_broken_link([]) is None


def test_chain_written_in_order_is_intact() -> None:
    chain = make_chain([sample_record(), sample_record(action="user.created"), sample_record()])
    assert first_broken_link(chain) is None


def test_first_entry_links_to_the_genesis_hash() -> None:
    (entry,) = make_chain([sample_record()])
    assert entry.prev_hash == GENESIS_HASH == "0" * 64


def test_link_hash_is_sha256_hex() -> None:
    digest = link_hash(1, AT, None, "a", "b", "c", {}, GENESIS_HASH)
    assert len(digest) == 64
    assert int(digest, 16) >= 0


def test_canonical_form_is_compact_sorted_json_in_utc() -> None:
    shanghai = AT.astimezone(timezone(timedelta(hours=8)))
    body = canonical(3, shanghai, None, "a", "user", "9", {"b": 1, "a": "会见"}, GENESIS_HASH)
    assert (
        body
        == (
            '{"action":"a","actor_id":null,"at":"2026-03-01T08:30:15.123456+00:00",'
            '"object_id":"9","object_type":"user","prev_hash":"' + GENESIS_HASH + '","seq":3,'
            '"summary":{"a":"会见","b":1}}'
        ).encode()
    )


def test_same_instant_in_another_zone_hashes_the_same() -> None:
    shanghai = AT.astimezone(timezone(timedelta(hours=8)))
    assert link_hash(1, AT, 1, "a", "b", "c", {}, GENESIS_HASH) == link_hash(
        1, shanghai, 1, "a", "b", "c", {}, GENESIS_HASH
    )


def test_naive_time_is_read_as_utc() -> None:
    naive = AT.replace(tzinfo=None)
    assert canonical(1, naive, 1, "a", "b", "c", {}, GENESIS_HASH) == canonical(
        1, AT, 1, "a", "b", "c", {}, GENESIS_HASH
    )


def test_summary_key_order_does_not_matter() -> None:
    one: Mapping[str, int] = {"a": 1, "b": 2}
    other: Mapping[str, int] = {"b": 2, "a": 1}
    assert link_hash(1, AT, 1, "x", "y", "z", one, GENESIS_HASH) == link_hash(
        1, AT, 1, "x", "y", "z", other, GENESIS_HASH
    )


def test_chain_continues_from_a_checkpoint() -> None:
    whole = make_chain([sample_record(object_id=str(n)) for n in range(6)])
    tail = whole[3:]
    assert first_broken_link(tail, start_hash=whole[2].hash, start_seq=4) is None


def test_checkpoint_with_the_wrong_hash_breaks_at_the_first_entry() -> None:
    whole = make_chain([sample_record(object_id=str(n)) for n in range(6)])
    assert first_broken_link(whole[3:], start_hash=whole[1].hash, start_seq=4) == 4


def test_missing_first_entry_is_reported_as_seq_one() -> None:
    chain = make_chain([sample_record(object_id=str(n)) for n in range(4)])
    assert first_broken_link(chain[1:]) == 1


def test_edited_summary_breaks_at_that_entry() -> None:
    chain = make_chain([sample_record(object_id=str(n)) for n in range(5)])
    chain[2] = dataclasses.replace(chain[2], summary={"region_code": "310100"})
    assert first_broken_link(chain) == 3


def test_rehashed_edit_still_breaks_the_next_link() -> None:
    chain = make_chain([sample_record(object_id=str(n)) for n in range(5)])
    chain[2] = forged(3, chain[1].hash, action="lawyer.registered")
    assert first_broken_link(chain) == 4


def test_deleting_the_newest_entry_leaves_a_valid_shorter_chain() -> None:
    # The chain alone cannot see a truncated tail; the stored head (and checkpoints) can.
    chain = make_chain([sample_record(object_id=str(n)) for n in range(4)])
    assert first_broken_link(chain[:-1]) is None


# Properties


@PROPERTIES
@given(chains)
def test_any_chain_built_by_linking_is_intact(chain: list[ChainEntry]) -> None:
    assert first_broken_link(chain) is None


@PROPERTIES
@given(
    chains,
    st.data(),
    st.sampled_from(FIELDS),
    st.integers(1, 10**6) | st.integers(-(10**6), -1),
)
def test_any_single_field_edit_is_found_at_that_entry(
    chain: list[ChainEntry], data: st.DataObject, field: str, nudge: int
) -> None:
    index = data.draw(st.integers(0, len(chain) - 1), label="index")
    tampered = [*chain]
    tampered[index] = edited(chain[index], field, nudge)
    assert first_broken_link(tampered) == chain[index].seq


@PROPERTIES
@given(long_chains, st.data())
def test_any_deleted_entry_is_found_at_its_seq(
    chain: list[ChainEntry], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(chain) - 2), label="index")
    assert first_broken_link(chain[:index] + chain[index + 1 :]) == chain[index].seq


@PROPERTIES
@given(long_chains, st.data())
def test_any_swap_is_found_at_the_earlier_seq(chain: list[ChainEntry], data: st.DataObject) -> None:
    first = data.draw(st.integers(0, len(chain) - 2), label="first")
    second = data.draw(st.integers(first + 1, len(chain) - 1), label="second")
    swapped = [*chain]
    swapped[first], swapped[second] = chain[second], chain[first]
    assert first_broken_link(swapped) == chain[first].seq


@PROPERTIES
@given(chains, st.data(), records, st.booleans())
def test_any_inserted_entry_is_found_at_the_seq_it_claims(
    chain: list[ChainEntry], data: st.DataObject, record: dict[str, Any], well_linked: bool
) -> None:
    index = data.draw(st.integers(0, len(chain) - 1), label="index")
    prev_hash = chain[index - 1].hash if index else GENESIS_HASH
    intruder = forged(chain[index].seq, prev_hash, **record)
    if not well_linked:
        intruder = dataclasses.replace(intruder, hash=_flip(intruder.hash))
    assert first_broken_link([*chain[:index], intruder, *chain[index:]]) == chain[index].seq


@PROPERTIES
@given(chains, st.integers(2, 10**6))
def test_chain_may_start_at_any_checkpoint(chain: list[ChainEntry], start: int) -> None:
    records_ = [
        {
            k: getattr(e, k)
            for k in ("at", "actor_id", "action", "object_type", "object_id", "summary")
        }
        for e in chain
    ]
    moved = make_chain(records_, start_seq=start, start_hash=chain[0].hash)
    assert first_broken_link(moved, start_hash=chain[0].hash, start_seq=start) is None
