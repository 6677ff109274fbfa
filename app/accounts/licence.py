"""Practice-licence numbers (律师执业证号): 17 digits, validated without a registry; pure logic.

Digits 1-4 name the province and city of the practising firm, digits 5-8 the year of first
practice, digit 9 the licence category, digit 10 the sex code, digits 11-17 a serial number.
Only the parts that can be checked offline are checked; the bar auditor checks the register.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from app.orgs.regions import PROVINCE_PREFIXES

_DIGITS = re.compile(r"^[0-9]{17}$")  # ASCII only: \d would accept any script's digits
FIRST_PRACTICE_YEAR = 1979  # lawyers' system re-established


class LicenceError(ValueError):
    """Why a licence number cannot be right; the code maps to a translated message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def validate_licence_number(number: str, today: date | None = None) -> str:
    # Full-width digits (１２３), common in Chinese input, become ASCII; other scripts are refused.
    number = unicodedata.normalize("NFKC", number).strip().replace(" ", "")
    if not _DIGITS.match(number):
        raise LicenceError("licence_not_17_digits")
    if number[:2] not in PROVINCE_PREFIXES:
        raise LicenceError("licence_unknown_region")
    year = int(number[4:8])
    if not FIRST_PRACTICE_YEAR <= year <= (today or date.today()).year:
        raise LicenceError("licence_bad_year")
    return number


def licence_region(number: str) -> str:
    """The six-digit region code of the city the licence names (e.g. 110100 for Beijing)."""
    return number[:4] + "00"
