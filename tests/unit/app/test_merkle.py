"""RFC 9162 2.1 Merkle trees (app.audit.merkle): published vectors, structure, properties."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    consistency_proof_from,
    inclusion_proof,
    inclusion_proof_from,
    leaf_hash,
    node_hash,
    perfect_subtrees,
    range_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex

# --- Published known answers --------------------------------------------------------------
# The reference tree of Certificate Transparency: google/certificate-transparency
# cpp/merkletree/merkle_tree_test.cc (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs;
# commit 0fe5116f42890853e9fcf5120f1f5129d64f64ea) and the same tree in
# transparency-dev/merkle (Trillian's merkle package) testonly/constants.go and
# testdata/{inclusion,consistency}/*/happy-path.json
# (commit 417fb0c314750d94e53942e9f92e79b6d35915db).

INPUTS = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
LEAVES = [leaf_hash(data) for data in INPUTS]

# RootHashes(): index = tree size.
ROOTS = [
    h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# NodeHashes(): [height][index] of every perfect subtree of the 8-leaf tree.
NODES = [
    [
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        h("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
        h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        h("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    ],
    [
        h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    ],
    [
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
    [h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")],
]

# CompactTrees(): the frontier of each size, as (height, index) into NODES.
COMPACT = [
    [],
    [(0, 0)],
    [(1, 0)],
    [(1, 0), (0, 2)],
    [(2, 0)],
    [(2, 0), (0, 4)],
    [(2, 0), (1, 2)],
    [(2, 0), (1, 2), (0, 6)],
    [(3, 0)],
]

# (index, size, proof): transparency-dev testdata/inclusion/{0..4}/happy-path.json; the CT
# kSHA256Paths are the same (1-based there) plus the trivial size-1 path.
INCLUSION_VECTORS = [
    (0, 1, []),
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (old_size, new_size, proof): transparency-dev testdata/consistency/{0..4}/happy-path.json;
# the first four are also CT's kSHA256Proofs.
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]


# --- An independent, naive reference: the RFC text, recursion on slices ------------------


def ref_split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    if not d:
        return EMPTY_ROOT
    if len(d) == 1:
        return d[0]
    k = ref_split(len(d))
    return node_hash(ref_mth(d[:k]), ref_mth(d[k:]))


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = ref_split(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = ref_split(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


Store = dict[tuple[int, int], bytes]


def build_store(leaves: Sequence[bytes]) -> Store:
    """Every perfect subtree hash, pairing level by level (no use of the module's folding)."""
    store: Store = {}
    level = list(leaves)
    height = 0
    while level:
        for i, digest in enumerate(level):
            store[(i << height, height)] = digest
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        height += 1
    return store


def reader(
    store: Store, size: int, reads: list[tuple[int, int]] | None = None
) -> Callable[[int, int], bytes]:
    """A subtree_hash that refuses anything an honest caller must not ask for."""

    def subtree_hash(start: int, height: int) -> bytes:
        assert start % (1 << height) == 0, (start, height)
        assert start + (1 << height) <= size, (start, height, size)
        if reads is not None:
            reads.append((start, height))
        return store[(start, height)]

    return subtree_hash


def flip(digest: bytes) -> bytes:
    return bytes([digest[0] ^ 1]) + digest[1:]


@st.composite
def leaf_lists(draw: st.DrawFn, min_size: int = 1, max_size: int = 300) -> list[bytes]:
    size = draw(st.integers(min_size, max_size))
    salt = draw(st.binary(max_size=4))
    return [leaf_hash(salt + i.to_bytes(2, "big")) for i in range(size)]


# --- Hashing primitives ----------------------------------------------------------------------


def test_empty_root_is_sha256_of_the_empty_string() -> None:
    assert ROOTS[0] == EMPTY_ROOT
    assert root([]) == EMPTY_ROOT


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        (b"L123456", "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"),
        (
            h("101112131415161718191a1b1c1d1e1f"),
            "3bfb960453ebaebf33727da7a1f4db38acc051d381b6da20d6d4e88f0eabfd7a",
        ),
    ],
)
def test_leaf_hash_matches_published_rfc6962_values(data: bytes, expected: str) -> None:
    # transparency-dev rfc6962_test.go and CT python/ct/crypto/merkle_test.py
    assert leaf_hash(data).hex() == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (b"N123", b"N456", "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"),
        (
            h("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
            h("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"),
            "1a378704c17da31e2d05b6d121c2bb2c7d76f6ee6fa8f983e596c2d034963c57",
        ),
    ],
)
def test_node_hash_matches_published_rfc6962_values(
    left: bytes, right: bytes, expected: str
) -> None:
    assert node_hash(left, right).hex() == expected


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    a, b = LEAVES[0], LEAVES[1]
    assert node_hash(a, b) != leaf_hash(a + b)


# --- Known answers on the reference tree -------------------------------------------------------


@pytest.mark.parametrize("size", range(9))
def test_root_matches_published_root_for_each_size(size: int) -> None:
    assert root(LEAVES[:size]) == ROOTS[size]


def test_leaf_hashes_match_published_level_zero() -> None:
    assert NODES[0] == LEAVES


@pytest.mark.parametrize("size", range(9))
def test_frontier_matches_published_compact_tree(size: int) -> None:
    frontier = Frontier()
    for leaf in LEAVES[:size]:
        frontier = frontier.append(leaf)
    assert list(frontier.hashes) == [NODES[height][i] for height, i in COMPACT[size]]
    assert frontier.root() == ROOTS[size]


@pytest.mark.parametrize("size", range(9))
def test_range_hash_from_published_node_hashes_gives_published_root(size: int) -> None:
    store = {
        (i << height, height): d for height, row in enumerate(NODES) for i, d in enumerate(row)
    }
    assert range_hash(0, size, reader(store, size)) == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_proof_matches_published_vector(
    index: int, size: int, proof: list[bytes]
) -> None:
    assert inclusion_proof(index, LEAVES[:size]) == proof
    assert verify_inclusion(index, size, LEAVES[index], proof, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_VECTORS)
def test_consistency_proof_matches_published_vector(old: int, new: int, proof: list[bytes]) -> None:
    assert consistency_proof(old, LEAVES[:new]) == proof
    assert verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


def inclusion_mutations(
    index: int, size: int, proof: list[bytes]
) -> list[tuple[str, int, int, bytes, list[bytes], bytes]]:
    # The same mutations as transparency-dev's generated testdata/inclusion probes.
    leaf, good = LEAVES[index], ROOTS[size]
    cases = [
        ("wrong leaf", index, size, leaf_hash(b"WrongLeaf"), proof, good),
        ("index+1", index + 1, size, leaf, proof, good),
        ("index-1", index - 1, size, leaf, proof, good),
        ("index^2", index ^ 2, size, leaf, proof, good),
        ("size*2", index, size * 2, leaf, proof, good),
        ("size/2", index, size // 2, leaf, proof, good),
        ("empty root", index, size, leaf, proof, b""),
        ("random root", index, size, leaf, proof, leaf_hash(b"random")),
        ("trailing garbage", index, size, leaf, [*proof, leaf_hash(b"garbage")], good),
        ("preceding garbage", index, size, leaf, [leaf_hash(b"garbage"), *proof], good),
        ("trailing root", index, size, leaf, [*proof, good], good),
        ("preceding root", index, size, leaf, [good, *proof], good),
    ]
    if proof:
        cases.append(("removed component", index, size, leaf, proof[:-1], good))
    for i in range(len(proof)):
        bad = [*proof[:i], flip(proof[i]), *proof[i + 1 :]]
        cases.append((f"modified proof[{i}]", index, size, leaf, bad, good))
    return cases


@pytest.mark.parametrize(
    ("desc", "index", "size", "leaf", "proof", "good_root"),
    [case for vector in INCLUSION_VECTORS for case in inclusion_mutations(*vector)],
)
def test_verify_inclusion_rejects_mutated_published_proof(
    desc: str, index: int, size: int, leaf: bytes, proof: list[bytes], good_root: bytes
) -> None:
    assert not verify_inclusion(index, size, leaf, proof, good_root), desc


def consistency_mutations(
    old: int, new: int, proof: list[bytes]
) -> list[tuple[str, int, int, bytes, bytes, list[bytes]]]:
    # The same mutations as transparency-dev's generated testdata/consistency probes.
    r1, r2 = ROOTS[old], ROOTS[new]
    garbage = leaf_hash(b"garbage")
    cases = [
        ("wrong root1", old, new, flip(r1), r2, proof),
        ("wrong root2", old, new, r1, flip(r2), proof),
        ("trailing garbage", old, new, r1, r2, [*proof, garbage]),
        ("preceding garbage", old, new, r1, r2, [garbage, *proof]),
        ("trailing root1", old, new, r1, r2, [*proof, r1]),
        ("preceding root2", old, new, r1, r2, [r2, *proof]),
        ("size1+1", old + 1, new, r1, r2, proof),
        ("size1-1", old - 1, new, r1, r2, proof),
        ("size2*2", old, new * 2, r1, r2, proof),
        ("size2/2", old, new // 2, r1, r2, proof),
    ]
    if old != new:
        cases.append(("swapped roots", old, new, r2, r1, proof))
        cases.append(("empty proof", old, new, r1, r2, []))
        cases.append(("truncated proof", old, new, r1, r2, proof[:-1]))
    for i in range(len(proof)):
        bad = [*proof[:i], flip(proof[i]), *proof[i + 1 :]]
        cases.append((f"modified proof[{i}]", old, new, r1, r2, bad))
    return cases


@pytest.mark.parametrize(
    ("desc", "old", "new", "old_root", "new_root", "proof"),
    [case for vector in CONSISTENCY_VECTORS for case in consistency_mutations(*vector)],
)
def test_verify_consistency_rejects_mutated_published_proof(
    desc: str, old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> None:
    assert not verify_consistency(old, new, old_root, new_root, proof), desc


# --- Edge cases ---------------------------------------------------------------------------------


def test_verify_inclusion_accepts_single_leaf_tree_with_empty_proof() -> None:
    leaf = leaf_hash(b"only")
    assert verify_inclusion(0, 1, leaf, [], leaf)


def test_verify_inclusion_rejects_hashes_of_the_wrong_length() -> None:
    # transparency-dev testdata/inclusion/single-entry: empty root and leaf must not "match".
    assert not verify_inclusion(0, 1, b"", [], b"")
    assert not verify_inclusion(0, 1, b"", [], LEAVES[0])
    assert not verify_inclusion(0, 2, LEAVES[0], [b"\x01" * 31], ROOTS[2])


def test_verify_inclusion_rejects_proof_longer_than_the_tree_is_deep() -> None:
    # Without the RFC's "sn is 0" stop, leaf 1 of the size-2 tree would pass as the only
    # leaf of a size-1 tree: H(L0 || L1) is the size-2 root.
    assert verify_inclusion(1, 2, LEAVES[1], [LEAVES[0]], ROOTS[2])
    assert not verify_inclusion(0, 1, LEAVES[1], [LEAVES[0]], ROOTS[2])


def test_verify_inclusion_rejects_empty_tree() -> None:
    assert not verify_inclusion(0, 0, LEAVES[0], [], EMPTY_ROOT)


@pytest.mark.parametrize("index", [-1, 8, 9])
def test_inclusion_proof_rejects_index_outside_tree(index: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        inclusion_proof(index, LEAVES)


def test_inclusion_proof_rejects_empty_tree() -> None:
    with pytest.raises(ValueError, match="outside"):
        inclusion_proof(0, [])


@pytest.mark.parametrize("old", [0, -1, 9])
def test_consistency_proof_rejects_sizes_outside_zero_to_n(old: int) -> None:
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(old, LEAVES)


def test_consistency_proof_between_equal_sizes_is_empty() -> None:
    assert consistency_proof(8, LEAVES) == []
    assert consistency_proof_from(5, 5, reader(build_store(LEAVES), 5)) == []


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof", "expected"),
    [
        # transparency-dev testdata/consistency/additional
        pytest.param(0, 1, EMPTY_ROOT, ROOTS[1], [], False, id="from-empty-tree"),
        pytest.param(0, 0, EMPTY_ROOT, EMPTY_ROOT, [], False, id="both-empty"),
        pytest.param(2, 1, ROOTS[2], ROOTS[1], [], False, id="old-bigger"),
        pytest.param(3, 3, ROOTS[3], ROOTS[3], [], True, id="equal-sizes-equal-roots"),
        pytest.param(3, 3, ROOTS[3], ROOTS[4], [], False, id="equal-sizes-other-roots"),
        pytest.param(3, 3, ROOTS[3], ROOTS[3], [ROOTS[3]], False, id="equal-sizes-with-proof"),
        pytest.param(1, 2, ROOTS[1], ROOTS[2], [], False, id="sizes-differ-empty-proof"),
        pytest.param(1, 1, b"", b"", [], False, id="equal-sizes-empty-hashes"),
    ],
)
def test_verify_consistency_edge_cases(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes], expected: bool
) -> None:
    assert verify_consistency(old, new, old_root, new_root, proof) is expected


@pytest.mark.parametrize(("start", "end"), [(1, 3), (2, 5), (2, 6), (4, 9), (-1, 0)])
def test_range_hash_rejects_ranges_that_are_not_tree_nodes(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="range"):
        range_hash(start, end, reader(build_store(LEAVES), 8))


def test_perfect_subtrees_follow_the_bits_of_the_size() -> None:
    assert perfect_subtrees(0) == []
    assert perfect_subtrees(1) == [(0, 0)]
    assert perfect_subtrees(8) == [(0, 3)]
    assert perfect_subtrees(13) == [(0, 3), (8, 2), (12, 0)]
    assert perfect_subtrees(95) == [(0, 6), (64, 4), (80, 3), (88, 2), (92, 1), (94, 0)]


def test_frontier_from_hashes_rejects_wrong_hash_count() -> None:
    blob = Frontier().append(LEAVES[0]).to_hashes()
    with pytest.raises(ValueError, match="has 2 hashes, not 1"):
        Frontier.from_hashes(3, blob)


def test_frontier_from_hashes_rejects_truncated_bytes() -> None:
    with pytest.raises(ValueError, match="multiple of 32"):
        Frontier.from_hashes(1, LEAVES[0][:-1])


def test_frontier_append_rejects_unhashed_leaf() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier().append(b"raw entry")


def test_frontier_subtrees_pair_positions_with_hashes() -> None:
    frontier = Frontier()
    for leaf in LEAVES[:7]:
        frontier = frontier.append(leaf)
    assert frontier.subtrees() == [(0, 2, NODES[2][0]), (4, 1, NODES[1][2]), (6, 0, NODES[0][6])]


def test_frontier_append_leaves_the_original_unchanged() -> None:
    before = Frontier().append(LEAVES[0])
    before.append(LEAVES[1])
    assert before == Frontier(1, (LEAVES[0],))


# --- Reads from stored subtrees: which nodes, and how few ----------------------------------------
# Node lists from transparency-dev proof/proof_test.go (TestInclusion, TestConsistency), given
# there as (level, index) = the perfect subtree (index << level, level).

INCLUSION_NODES = [
    (2, 0, [(0, 1)]),
    (3, 1, [(0, 0), (0, 2)]),
    (7, 0, [(0, 1), (1, 1), (0, 6), (1, 2)]),
    (7, 3, [(0, 2), (1, 0), (0, 6), (1, 2)]),
    (7, 4, [(0, 5), (0, 6), (2, 0)]),
    (7, 6, [(1, 2), (2, 0)]),
    (6, 3, [(0, 2), (1, 0), (1, 2)]),
    (15, 10, [(0, 11), (1, 4), (0, 14), (1, 6), (3, 0)]),
    (31, 24, [(0, 25), (1, 13), (0, 30), (1, 14), (3, 2), (4, 0)]),
    (95, 81, [(0, 80), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)]),
]

CONSISTENCY_NODES = [
    (1, 6, [(0, 1), (1, 1), (1, 2)]),
    (2, 3, [(0, 2)]),
    (2, 8, [(1, 1), (2, 1)]),
    (3, 7, [(0, 2), (0, 3), (1, 0), (0, 6), (1, 2)]),
    (4, 7, [(0, 6), (1, 2)]),
    (5, 7, [(0, 4), (0, 5), (0, 6), (2, 0)]),
    (6, 7, [(1, 2), (0, 6), (2, 0)]),
    (7, 8, [(0, 6), (0, 7), (1, 2), (2, 0)]),
    (10, 15, [(1, 4), (1, 5), (0, 14), (1, 6), (3, 0)]),
    (24, 31, [(3, 2), (0, 30), (1, 14), (2, 6), (4, 0)]),
    (81, 95, [(0, 80), (0, 81), (1, 41), (2, 21), (0, 94), (1, 46), (2, 22), (4, 4), (6, 0)]),
]

BIG = [leaf_hash(i.to_bytes(2, "big")) for i in range(128)]
BIG_STORE = build_store(BIG)


@pytest.mark.parametrize(("size", "index", "nodes"), INCLUSION_NODES)
def test_inclusion_proof_from_reads_exactly_the_reference_nodes(
    size: int, index: int, nodes: list[tuple[int, int]]
) -> None:
    reads: list[tuple[int, int]] = []
    proof = inclusion_proof_from(index, size, reader(BIG_STORE, size, reads))
    assert sorted(reads) == sorted((i << level, level) for level, i in nodes)
    assert proof == ref_path(index, BIG[:size])


@pytest.mark.parametrize(("old", "new", "nodes"), CONSISTENCY_NODES)
def test_consistency_proof_from_reads_exactly_the_reference_nodes(
    old: int, new: int, nodes: list[tuple[int, int]]
) -> None:
    reads: list[tuple[int, int]] = []
    proof = consistency_proof_from(old, new, reader(BIG_STORE, new, reads))
    assert sorted(reads) == sorted((i << level, level) for level, i in nodes)
    assert proof == ref_subproof(old, BIG[:new], True)


# --- Properties -----------------------------------------------------------------------------------


@given(leaves=leaf_lists(), data=st.data())
def test_inclusion_proof_equals_the_rfc_definition_and_verifies(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1), label="index")
    proof = inclusion_proof(index, leaves)
    assert proof == ref_path(index, leaves)
    assert verify_inclusion(index, len(leaves), leaves[index], proof, root(leaves))


@given(leaves=leaf_lists(), data=st.data())
def test_inclusion_proof_does_not_verify_a_changed_leaf(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1), label="index")
    proof = inclusion_proof(index, leaves)
    changed = leaf_hash(b"changed" + leaves[index])
    assert not verify_inclusion(index, len(leaves), changed, proof, root(leaves))


@given(leaves=leaf_lists(), data=st.data())
def test_inclusion_proof_does_not_verify_at_another_index(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1), label="index")
    other = data.draw(st.integers(0, len(leaves) - 1).filter(lambda i: i != index), label="other")
    proof = inclusion_proof(index, leaves)
    assert not verify_inclusion(other, len(leaves), leaves[index], proof, root(leaves))


@given(leaves=leaf_lists(), data=st.data())
def test_consistency_proof_equals_the_rfc_definition_and_verifies(
    leaves: list[bytes], data: st.DataObject
) -> None:
    old = data.draw(st.integers(1, len(leaves)), label="old_size")
    proof = consistency_proof(old, leaves)
    assert proof == ref_subproof(old, leaves, True)
    assert verify_consistency(old, len(leaves), root(leaves[:old]), root(leaves), proof)


@given(leaves=leaf_lists(), data=st.data())
def test_consistency_proof_does_not_verify_a_wrong_old_root(
    leaves: list[bytes], data: st.DataObject
) -> None:
    old = data.draw(st.integers(1, len(leaves)), label="old_size")
    proof = consistency_proof(old, leaves)
    wrong = flip(root(leaves[:old]))
    assert not verify_consistency(old, len(leaves), wrong, root(leaves), proof)


@given(leaves=leaf_lists(min_size=2), data=st.data())
def test_consistency_proof_does_not_verify_a_rewritten_history(
    leaves: list[bytes], data: st.DataObject
) -> None:
    old = data.draw(st.integers(1, len(leaves) - 1), label="old_size")
    at = data.draw(st.integers(0, old - 1), label="rewritten")
    forked = [*leaves[:at], leaf_hash(b"forged"), *leaves[at + 1 :]]
    proof = consistency_proof(old, forked)
    assert not verify_consistency(old, len(leaves), root(leaves[:old]), root(forked), proof)


@settings(max_examples=40)
@given(leaves=leaf_lists())
def test_frontier_root_equals_root_at_every_size(leaves: list[bytes]) -> None:
    frontier = Frontier()
    assert frontier.root() == root([])
    for size, leaf in enumerate(leaves, start=1):
        frontier = frontier.append(leaf)
        assert frontier.size == size
        assert frontier.root() == ref_mth(leaves[:size])


@given(leaves=leaf_lists())
def test_frontier_append_reports_every_new_perfect_subtree(leaves: list[bytes]) -> None:
    frontier, seen = Frontier(), {}
    for leaf in leaves:
        frontier, completed = frontier.append_with_subtrees(leaf)
        seen.update({(start, height): digest for start, height, digest in completed})
    assert seen == build_store(leaves)


@given(leaves=leaf_lists())
def test_frontier_hashes_are_the_perfect_subtrees_of_its_size(leaves: list[bytes]) -> None:
    frontier = Frontier()
    for leaf in leaves:
        frontier = frontier.append(leaf)
    store = build_store(leaves)
    assert list(frontier.hashes) == [store[key] for key in perfect_subtrees(len(leaves))]


@given(leaves=leaf_lists(min_size=0))
def test_frontier_round_trips_through_to_hashes_and_from_hashes(leaves: list[bytes]) -> None:
    frontier = Frontier()
    for leaf in leaves:
        frontier = frontier.append(leaf)
    blob = frontier.to_hashes()
    assert isinstance(blob, bytes)
    assert len(blob) == 32 * len(leaves).bit_count()
    assert Frontier.from_hashes(frontier.size, blob) == frontier
    assert Frontier.from_hashes(frontier.size, list(frontier.hashes)) == frontier


@given(leaves=leaf_lists(), data=st.data())
def test_inclusion_proof_from_stored_subtrees_equals_list_proof(
    leaves: list[bytes], data: st.DataObject
) -> None:
    size = data.draw(st.integers(1, len(leaves)), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    reads: list[tuple[int, int]] = []
    proof = inclusion_proof_from(index, size, reader(build_store(leaves), size, reads))
    assert proof == inclusion_proof(index, leaves[:size])
    assert len(reads) <= 2 * size.bit_length()


@given(leaves=leaf_lists(), data=st.data())
def test_consistency_proof_from_stored_subtrees_equals_list_proof(
    leaves: list[bytes], data: st.DataObject
) -> None:
    new = data.draw(st.integers(1, len(leaves)), label="new_size")
    old = data.draw(st.integers(1, new), label="old_size")
    reads: list[tuple[int, int]] = []
    proof = consistency_proof_from(old, new, reader(build_store(leaves), new, reads))
    assert proof == consistency_proof(old, leaves[:new])
    assert len(reads) <= 2 * new.bit_length()


@given(leaves=leaf_lists(min_size=0), data=st.data())
def test_range_hash_of_a_prefix_equals_root(leaves: list[bytes], data: st.DataObject) -> None:
    size = data.draw(st.integers(0, len(leaves)), label="size")
    assert range_hash(0, size, reader(build_store(leaves), size)) == root(leaves[:size])


def test_every_proof_verifies_exhaustively_for_small_trees() -> None:
    # All (index, size) and (old, new) pairs up to 33 leaves: both sides of every power of two.
    for new in range(1, 34):
        leaves = BIG[:new]
        new_root = root(leaves)
        for index in range(new):
            proof = inclusion_proof(index, leaves)
            assert verify_inclusion(index, new, leaves[index], proof, new_root), (index, new)
        for old in range(1, new + 1):
            proof = consistency_proof(old, leaves)
            assert verify_consistency(old, new, root(leaves[:old]), new_root, proof), (old, new)
