"""Merkle tree hashing of Certificate Transparency, RFC 9162 section 2.1 (= RFC 6962 2.1), SHA-256.

Pure functions only: no I/O, no database. Everything below works on *leaf hashes*
(``leaf_hash(entry)``), never on raw entries, so callers hash each entry once.

Three layers:

* the RFC definitions over an in-memory list: ``root`` (MTH, 2.1.1), ``inclusion_proof``
  (PATH, 2.1.3.1), ``consistency_proof`` (PROOF/SUBPROOF, 2.1.4.1) and the two verifiers
  (2.1.3.2, 2.1.4.2);
* ``Frontier``, the compact range over [0, size): one root per perfect subtree, which is
  all that is needed to append a leaf and to compute the current root;
* ``*_from`` functions that build the very same proofs from stored perfect-subtree hashes,
  ``subtree_hash(start, height)``, with O(log n) reads instead of the whole leaf list.

A perfect subtree is addressed by ``(start, height)``: the 2**height leaves beginning at
``start``, where ``start`` is a multiple of 2**height.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# Domain separation prefixes, so a leaf can never be passed off as an interior node.
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

SubtreeHash = Callable[[int, int], bytes]
"""``subtree_hash(start, height)``: stored hash of the perfect subtree at (start, height)."""

_RangeHash = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2): the RFC's k."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


# --- The RFC definitions over a list of leaf hashes -------------------------------------


def _mth(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    # Index bounds instead of slices: no copying, recursion depth is only log2(n).
    n = end - start
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[start]
    mid = start + _split(n)
    return node_hash(_mth(leaves, start, mid), _mth(leaves, mid, end))


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 2.1.1 over already hashed leaves; ``EMPTY_ROOT`` for none."""
    return _mth(leaves, 0, len(leaves))


def _path(index: int, size: int, mth: _RangeHash) -> list[bytes]:
    # PATH(m, D[n]) walked top-down; the RFC lists siblings bottom-up, hence the reverse.
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    lo, hi = 0, size
    siblings: list[bytes] = []
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            siblings.append(mth(mid, hi))
            hi = mid
        else:
            siblings.append(mth(lo, mid))
            lo = mid
    siblings.reverse()
    return siblings


def _subproof(old_size: int, new_size: int, mth: _RangeHash) -> list[bytes]:
    # PROOF(m, D[n]) = SUBPROOF(m, D[n], true), walked top-down over D[lo:hi] and reversed
    # because the RFC appends the sibling of each level after the deeper part of the proof.
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    lo, hi = 0, new_size
    known = True  # the RFC's b: is MTH(D[lo:old_size]) a root the verifier already holds?
    nodes: list[bytes] = []
    while old_size != hi:
        mid = lo + _split(hi - lo)
        if old_size <= mid:
            nodes.append(mth(mid, hi))
            hi = mid
        else:
            nodes.append(mth(lo, mid))
            lo = mid
            known = False
    if not known:
        nodes.append(mth(lo, hi))
    nodes.reverse()
    return nodes


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) of RFC 9162 2.1.3.1: sibling hashes from the leaf up to the root."""
    return _path(index, len(leaves), lambda start, end: _mth(leaves, start, end))


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, D[n]) of RFC 9162 2.1.4.1, for 0 < old_size <= n (empty if equal)."""
    return _subproof(old_size, len(leaves), lambda start, end: _mth(leaves, start, end))


# --- Verification (RFC 9162 2.1.3.2 and 2.1.4.2) ----------------------------------------


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 2.1.3.2: does ``proof`` place leaf hash ``leaf`` at ``index`` under ``root``?"""
    if not 0 <= index < size:
        return False
    # Without the length checks an empty leaf and an empty root would "match".
    if not (_is_hash(leaf) and _is_hash(root) and all(_is_hash(p) for p in proof)):
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False  # more proof than there are levels
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # Right border of the tree: levels where we have no right sibling are skipped.
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 2.1.4.2: is the tree (new_size, new_root) an append-only extension of the old?

    The RFC defines proofs for 0 < old_size < new_size; equal sizes need an empty proof and
    equal roots. A proof from the empty tree proves nothing, so it is refused.
    """
    if not 0 < old_size <= new_size:
        return False
    if not (_is_hash(old_root) and _is_hash(new_root) and all(_is_hash(p) for p in proof)):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # A power-of-two old tree is a node of the new tree, so the proof leaves it out.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- Perfect subtrees and the frontier (compact range) -----------------------------------


def _pieces(start: int, end: int) -> list[tuple[int, int]]:
    """(start, height) of the perfect subtrees tiling [start, end), largest first.

    Valid for the ranges of the RFC's recursion: ``start`` aligned to the smallest power of
    two >= end - start, so each piece is aligned too and is a node of the tree.
    """
    n = end - start
    if n < 0 or start < 0:
        raise ValueError(f"bad leaf range [{start}, {end})")
    if n and start % (1 << (n - 1).bit_length()):
        raise ValueError(f"leaf range [{start}, {end}) is not the range of a tree node")
    pieces: list[tuple[int, int]] = []
    pos = start
    for height in range(n.bit_length() - 1, -1, -1):
        if n >> height & 1:
            pieces.append((pos, height))
            pos += 1 << height
    return pieces


def perfect_subtrees(size: int) -> list[tuple[int, int]]:
    """(start, height) of the perfect subtrees covering [0, size), left to right.

    One per set bit of ``size``, heights decreasing: the shape of ``Frontier(size)``.
    """
    if size < 0:
        raise ValueError(f"negative tree size {size}")
    return _pieces(0, size)


def _fold(hashes: Sequence[bytes]) -> bytes:
    # MTH splits off the largest power of two first, so the pieces nest to the right.
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


@dataclass(frozen=True, slots=True)
class Frontier:
    """Roots of the perfect subtrees covering leaves [0, size), left to right.

    Enough to append and to compute the root, in O(log n) space; immutable so a stored
    value is never changed behind the caller's back.
    """

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if self.size < 0:
            raise ValueError(f"negative tree size {self.size}")
        if len(self.hashes) != self.size.bit_count():
            raise ValueError(
                f"a frontier of size {self.size} has {self.size.bit_count()} hashes,"
                f" not {len(self.hashes)}"
            )
        if not all(_is_hash(h) for h in self.hashes):
            raise ValueError(f"frontier hashes must be {HASH_SIZE}-byte bytes")

    @classmethod
    def from_hashes(cls, size: int, hashes: bytes | Sequence[bytes]) -> Frontier:
        """Rebuild from ``to_hashes()`` (concatenated bytes) or from a list of hashes."""
        if isinstance(hashes, bytes | bytearray | memoryview):
            blob = bytes(hashes)
            if len(blob) % HASH_SIZE:
                raise ValueError(f"frontier bytes are not a multiple of {HASH_SIZE}")
            parts = tuple(blob[i : i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE))
            return cls(size, parts)
        return cls(size, tuple(bytes(h) for h in hashes))

    def to_hashes(self) -> bytes:
        """The hashes concatenated left to right: 32 * popcount(size) bytes, for storage."""
        return b"".join(self.hashes)

    def subtrees(self) -> list[tuple[int, int, bytes]]:
        """(start, height, hash) of each perfect subtree of the frontier."""
        return [
            (s, h, d) for (s, h), d in zip(perfect_subtrees(self.size), self.hashes, strict=True)
        ]

    def append_with_subtrees(self, leaf: bytes) -> tuple[Frontier, list[tuple[int, int, bytes]]]:
        """Append leaf hash ``leaf``; also return every perfect subtree this completes.

        The completed subtrees, (start, height, hash) from the leaf upward, are exactly the
        new nodes of the tree, which is what a ``subtree_hash`` store has to record.
        """
        if not _is_hash(leaf):
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes")
        stack = list(self.hashes)
        start, height, acc = self.size, 0, leaf
        completed = [(start, height, acc)]
        # Each trailing 1 bit of size is a subtree of the same height as acc: merge them.
        size = self.size
        while size & 1:
            acc = node_hash(stack.pop(), acc)
            height += 1
            start -= 1 << (height - 1)
            completed.append((start, height, acc))
            size >>= 1
        stack.append(acc)
        return Frontier(self.size + 1, tuple(stack)), completed

    def append(self, leaf: bytes) -> Frontier:
        """A new frontier with leaf hash ``leaf`` appended."""
        return self.append_with_subtrees(leaf)[0]

    def root(self) -> bytes:
        """MTH of the leaves so far; equals ``root(leaves)``."""
        return _fold(self.hashes)


# --- Proofs from stored perfect-subtree hashes -------------------------------------------


def range_hash(start: int, end: int, subtree_hash: SubtreeHash) -> bytes:
    """MTH(D[start:end]) from stored perfect subtrees, for a range of the RFC's recursion.

    A perfect range is one read; the right edge of a tree is not perfect, so it is read as
    its perfect pieces and folded right to left. ``ValueError`` if the range is not a node.
    """
    return _fold([subtree_hash(s, h) for s, h in _pieces(start, end)])


def inclusion_proof_from(index: int, size: int, subtree_hash: SubtreeHash) -> list[bytes]:
    """``inclusion_proof(index, leaves[:size])`` from stored subtrees, O(log n) reads."""
    return _path(index, size, lambda start, end: range_hash(start, end, subtree_hash))


def consistency_proof_from(old_size: int, new_size: int, subtree_hash: SubtreeHash) -> list[bytes]:
    """``consistency_proof(old_size, leaves[:new_size])`` from stored subtrees, O(log n) reads."""
    return _subproof(old_size, new_size, lambda start, end: range_hash(start, end, subtree_hash))
