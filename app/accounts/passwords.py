"""Password rules and hashing (argon2id).

The common-password list is the 10,000 most frequent entries of the list Django ships
(BSD licence; derived from Royce Williams' compilation of breached passwords).
"""

from __future__ import annotations

import gzip
from enum import StrEnum
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")

# OWASP's argon2id floor: 19 MiB memory, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


class PasswordProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TOO_COMMON = "too_common"
    SAME_AS_USERNAME = "same_as_username"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password: str, username: str = "") -> PasswordProblem | None:
    if len(password) < MIN_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return PasswordProblem.TOO_LONG
    if password.lower() in common_passwords():
        return PasswordProblem.TOO_COMMON
    if username and password.lower() == username.lower():
        return PasswordProblem.SAME_AS_USERNAME
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A real hash to verify against when the account does not exist, so timing reveals nothing.
@cache
def dummy_hash() -> str:
    return hash_password("lawmeet-no-such-account")
