"""Password rules and argon2id hashing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from argon2.exceptions import VerifyMismatchError

from app.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    PasswordProblem,
    common_passwords,
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)

GOOD = "violet-harbour-lantern-42"


@pytest.fixture(scope="module")
def good_hash() -> str:
    return hash_password(GOOD)


def test_hash_is_argon2id_with_owasp_minimum_cost(good_hash: str) -> None:
    algorithm, version, params, _salt, _digest = good_hash.split("$")[1:]
    assert algorithm == "argon2id"
    assert version == "v=19"
    costs = dict(item.split("=") for item in params.split(","))
    assert int(costs["m"]) >= 19 * 1024
    assert costs["t"] == "2"
    assert costs["p"] == "1"


def test_hash_never_contains_the_password(good_hash: str) -> None:
    assert GOOD not in good_hash


def test_same_password_hashes_differently_each_time(good_hash: str) -> None:
    assert hash_password(GOOD) != good_hash


def test_right_password_verifies(good_hash: str) -> None:
    assert verify_password(good_hash, GOOD)


def test_wrong_password_does_not_verify(good_hash: str) -> None:
    assert not verify_password(good_hash, GOOD + "x")


@pytest.mark.parametrize("stored", ["", "not-a-hash", "$argon2id$v=19$m=1$broken"])
def test_malformed_stored_hash_does_not_verify(stored: str) -> None:
    assert verify_password(stored, GOOD) is False


def test_unicode_password_round_trips() -> None:
    password = "辩护律师会见权利保障2026"
    assert verify_password(hash_password(password), password)


def test_current_hash_needs_no_rehash(good_hash: str) -> None:
    assert not needs_rehash(good_hash)


def test_weaker_hash_needs_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID).hash(GOOD)
    assert needs_rehash(weak)
    assert verify_password(weak, GOOD)


def test_argon2i_hash_needs_rehash() -> None:
    old = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.I).hash(GOOD)
    assert needs_rehash(old)


def test_dummy_hash_is_a_real_hash_that_matches_no_ordinary_password() -> None:
    assert dummy_hash().startswith("$argon2id$")
    assert not verify_password(dummy_hash(), GOOD)
    with pytest.raises(VerifyMismatchError):
        PasswordHasher().verify(dummy_hash(), GOOD)


def test_minimum_length_is_ten() -> None:
    assert MIN_LENGTH == 10
    assert password_problem("k" * 4 + "ya7-pq") is None  # 10 characters
    assert password_problem("ya7-pqkkk") == PasswordProblem.TOO_SHORT  # 9 characters


def test_length_counts_characters_not_bytes() -> None:
    assert password_problem("会见权利保障辩护律师") is None  # 10 characters, 30 bytes
    assert password_problem("会见权利保障辩护律") == PasswordProblem.TOO_SHORT


def test_one_hundred_twenty_eight_characters_are_allowed() -> None:
    assert MAX_LENGTH == 128
    assert password_problem("Ab3-" * 32) is None


def test_longer_than_one_hundred_twenty_eight_is_refused() -> None:
    assert password_problem("Ab3-" * 32 + "x") == PasswordProblem.TOO_LONG


@pytest.mark.parametrize("common", ["1234567890", "qwertyuiop", "basketball", "password12"])
def test_common_passwords_are_refused(common: str) -> None:
    assert common in common_passwords()
    assert password_problem(common) == PasswordProblem.TOO_COMMON


def test_common_password_check_ignores_case() -> None:
    assert password_problem("QwertyUIOP") == PasswordProblem.TOO_COMMON


def test_common_list_is_loaded() -> None:
    assert len(common_passwords()) >= 9000


def test_password_equal_to_username_is_refused() -> None:
    assert password_problem("zhang.lawyer", "Zhang.Lawyer") == PasswordProblem.SAME_AS_USERNAME


def test_unusual_long_password_is_accepted() -> None:
    assert password_problem(GOOD, "zhang.lawyer") is None
