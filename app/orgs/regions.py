"""Region codes (GB/T 2260, six digits) and jurisdiction matching; pure logic."""

from __future__ import annotations

import re

_REGION = re.compile(r"\A[0-9]{6}\Z")  # ASCII digits only, no trailing newline

# First two digits of the provincial-level divisions (GB/T 2260).
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


def is_region_code(code: str) -> bool:
    return bool(_REGION.match(code)) and code[:2] in PROVINCE_PREFIXES


def jurisdiction_prefix(code: str) -> str:
    """110000 covers every code starting 11; 110100 every code starting 1101; 110108 itself."""
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix


def in_jurisdiction(region_code: str, jurisdiction: str) -> bool:
    return region_code.startswith(jurisdiction_prefix(jurisdiction))
