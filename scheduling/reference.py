"""Meeting references: 8 random Crockford base32 characters, read aloud at the gate and by SMS.

Crockford's alphabet leaves out I, L, O and U, so a reference never mixes up 1/I/L or 0/O. When
a user types one, case and separators do not matter and the look-alikes are read as digits.
"""

from __future__ import annotations

import secrets
from typing import Final

ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH: Final = 8
_LOOK_ALIKES: Final = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS: Final = str.maketrans("", "", " -_")


class BadReference(ValueError):
    """Input that is not a meeting reference."""


def new_reference() -> str:
    """A fresh random reference (40 bits; the database's unique index catches a repeat)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def parse_reference(text: str) -> str:
    """The canonical form of a typed reference; raises BadReference when it cannot be one."""
    cleaned = text.strip().upper().translate(_SEPARATORS).translate(_LOOK_ALIKES)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        raise BadReference(f"{text!r} is not a meeting reference (8 letters and digits)")
    return cleaned


def is_reference(text: str) -> bool:
    """Whether ``text`` is already a canonical reference (as stored)."""
    return len(text) == LENGTH and all(ch in ALPHABET for ch in text)
