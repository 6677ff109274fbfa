"""Meeting references: Crockford base32, 8 characters, forgiving when typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduling.reference import ALPHABET, LENGTH, BadReference, new_reference, parse_reference

references = st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH)


def test_new_reference_has_eight_crockford_characters() -> None:
    reference = new_reference()
    assert len(reference) == LENGTH
    assert set(reference) <= set(ALPHABET)


def test_alphabet_leaves_out_the_look_alike_letters() -> None:
    assert not set("ILOU") & set(ALPHABET)
    assert len(ALPHABET) == 32


def test_new_references_differ() -> None:
    assert len({new_reference() for _ in range(1000)}) == 1000


@given(references)
def test_canonical_reference_parses_to_itself(reference: str) -> None:
    assert parse_reference(reference) == reference


@given(references)
def test_lower_case_and_separators_are_accepted(reference: str) -> None:
    typed = f" {reference[:4].lower()}-{reference[4:]} "
    assert parse_reference(typed) == reference


def test_look_alike_letters_read_as_digits() -> None:
    assert parse_reference("ilo2-3456") == "11023456"


@pytest.mark.parametrize("text", ["", "ABC", "ABCDEFGHJ", "ABCDEFGU", "ABCD#FGH", "ÄBCDEFGH"])
def test_non_references_are_refused(text: str) -> None:
    with pytest.raises(BadReference):
        parse_reference(text)
