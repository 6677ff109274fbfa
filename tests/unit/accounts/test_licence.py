"""Practice-licence numbers: 17 digits, a known region, a plausible year of first practice."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.accounts.licence import (
    FIRST_PRACTICE_YEAR,
    LicenceError,
    licence_region,
    validate_licence_number,
)
from app.orgs.regions import PROVINCE_PREFIXES

TODAY = date(2026, 3, 1)
VALID = "11012015110123456"


def code_of(number: str, today: date = TODAY) -> str:
    with pytest.raises(LicenceError) as caught:
        validate_licence_number(number, today)
    return caught.value.code


def test_valid_number_is_returned() -> None:
    assert validate_licence_number(VALID, TODAY) == VALID


def test_spaces_and_surrounding_blanks_are_removed() -> None:
    assert validate_licence_number(" 11012 01511 0123456 ", TODAY) == VALID


@pytest.mark.parametrize("number", ["1101201511012345", "110120151101234567", ""])
def test_wrong_length_is_refused(number: str) -> None:
    assert code_of(number) == "licence_not_17_digits"


@pytest.mark.parametrize(
    "number", ["1101201511012345X", "11012015-10123456", "1101201511012345\n6"]
)
def test_non_digits_are_refused(number: str) -> None:
    assert code_of(number) == "licence_not_17_digits"


def test_digits_of_other_scripts_are_refused() -> None:
    assert code_of("1101201511012345" + "\u0667") == "licence_not_17_digits"  # Arabic-Indic 7


def test_full_width_digits_are_read_as_ascii() -> None:
    assert validate_licence_number("１１０１２０１５１１０１２３４５６", TODAY) == VALID


@pytest.mark.parametrize("prefix", ["00", "10", "99", "72"])
def test_unknown_province_is_refused(prefix: str) -> None:
    assert code_of(prefix + VALID[2:]) == "licence_unknown_region"


def test_year_before_the_lawyers_system_is_refused() -> None:
    assert code_of("11011978110123456") == "licence_bad_year"


def test_first_possible_year_is_accepted() -> None:
    assert validate_licence_number(f"1101{FIRST_PRACTICE_YEAR}110123456", TODAY)


def test_current_year_is_accepted() -> None:
    assert validate_licence_number("11012026110123456", TODAY)


def test_future_year_is_refused() -> None:
    assert code_of("11012027110123456") == "licence_bad_year"


def test_error_code_is_the_message() -> None:
    assert str(LicenceError("licence_bad_year")) == "licence_bad_year"


def test_region_is_the_city_the_licence_names() -> None:
    assert licence_region(VALID) == "110100"
    assert licence_region("31012015110123456") == "310100"


@given(
    province=st.sampled_from(sorted(PROVINCE_PREFIXES)),
    city=st.integers(0, 99),
    year=st.integers(FIRST_PRACTICE_YEAR, TODAY.year),
    rest=st.from_regex(r"\A[0-9]{9}\Z"),
)
def test_every_well_formed_number_is_accepted(
    province: str, city: int, year: int, rest: str
) -> None:
    number = f"{province}{city:02d}{year}{rest}"
    assert validate_licence_number(number, TODAY) == number
    assert licence_region(number) == number[:4] + "00"


@given(st.text(min_size=0, max_size=30))
def test_validation_accepts_only_seventeen_digits(text: str) -> None:
    try:
        number = validate_licence_number(text, TODAY)
    except LicenceError:
        return
    assert len(number) == 17 and number.isascii() and number.isdigit()
