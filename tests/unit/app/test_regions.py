"""Region codes (GB/T 2260) and jurisdiction matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.orgs.regions import (
    PROVINCE_PREFIXES,
    in_jurisdiction,
    is_region_code,
    jurisdiction_prefix,
)

codes = st.builds(
    lambda p, rest: p + rest,
    st.sampled_from(sorted(PROVINCE_PREFIXES)),
    st.from_regex(r"\A[0-9]{4}\Z"),
)


@pytest.mark.parametrize("code", ["110000", "110108", "310115", "820000", "650100"])
def test_known_codes_are_region_codes(code: str) -> None:
    assert is_region_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "11010",
        "1101080",
        "990000",
        "11o108",
        " 110108",
        "00000",
        "110108\n",
        "11\u0660\u0661\u0660\u0668",
    ],
)
def test_malformed_or_unknown_codes_are_not(code: str) -> None:
    assert not is_region_code(code)


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("110000", "11"), ("110100", "1101"), ("110108", "110108"), ("310000", "31")],
)
def test_jurisdiction_prefix_drops_trailing_zero_pairs(code: str, prefix: str) -> None:
    assert jurisdiction_prefix(code) == prefix


def test_province_covers_its_districts() -> None:
    assert in_jurisdiction("110108", "110000")
    assert in_jurisdiction("110100", "110000")


def test_city_covers_its_districts_only() -> None:
    assert in_jurisdiction("110108", "110100")
    assert not in_jurisdiction("110228", "110100")


def test_district_covers_itself_only() -> None:
    assert in_jurisdiction("110108", "110108")
    assert not in_jurisdiction("110105", "110108")


def test_another_province_is_outside() -> None:
    assert not in_jurisdiction("310115", "110000")
    assert not in_jurisdiction("110108", "310000")


def test_province_code_ending_in_zero_is_not_confused_with_a_neighbour() -> None:
    # 610000 (Shaanxi) must keep its "61", not become "6" and cover 62 (Gansu).
    assert jurisdiction_prefix("610000") == "61"
    assert not in_jurisdiction("620100", "610000")


@given(codes)
def test_every_code_is_in_its_own_jurisdiction(code: str) -> None:
    assert in_jurisdiction(code, code)


@given(codes)
def test_every_code_is_in_its_province(code: str) -> None:
    assert in_jurisdiction(code, code[:2] + "0000")


@given(codes, codes)
def test_different_provinces_never_cover_each_other(a: str, b: str) -> None:
    if a[:2] != b[:2]:
        assert not in_jurisdiction(a, b)


@given(codes)
def test_prefix_is_at_least_the_province(code: str) -> None:
    prefix = jurisdiction_prefix(code)
    assert prefix.startswith(code[:2])
    assert code.startswith(prefix)
    assert len(prefix) in (2, 4, 6)
